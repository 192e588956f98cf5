namespace RealtimeAdapters.Emulator.Firebase.Rules;

/// <summary>The rules' snapshot type (<c>root</c>, <c>data</c>, <c>newData</c>): a location in one version of the tree.</summary>
internal sealed record RuleSnapshot(DataNode Root, RealtimePath Path)
{
    public DataNode Node => Root.GetAt(Path);
}
