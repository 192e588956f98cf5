namespace RealtimeAdapters.Collaboration;

/// <summary>The replicated types a document holds, each under its own name.</summary>
public enum CrdtObjectKind
{
    /// <summary>A last-writer-wins register (<see cref="CollaborativeRegister{T}"/>).</summary>
    Register,

    /// <summary>A map of last-writer-wins registers (<see cref="CollaborativeMap{T}"/>).</summary>
    Map,

    /// <summary>An observed-remove set (<see cref="CollaborativeSet{T}"/>).</summary>
    Set,

    /// <summary>An ordered sequence with moves (<see cref="CollaborativeList{T}"/>).</summary>
    List,
}
