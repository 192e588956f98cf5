using System.Collections.Immutable;

namespace RealtimeAdapters.Emulator.Firebase.Rules;

/// <summary>One level of the rules tree: its expressions, its indexes, named children and at most one <c>$wildcard</c> child.</summary>
internal sealed class RuleNode
{
    public RuleExpression? Read { get; set; }

    public RuleExpression? Write { get; set; }

    public RuleExpression? Validate { get; set; }

    public IReadOnlyList<string> IndexOn { get; set; } = [];

    public Dictionary<string, RuleNode> Children { get; } = new(StringComparer.Ordinal);

    public string? WildcardName { get; set; }

    public RuleNode? Wildcard { get; set; }

    /// <summary>The rules for child <paramref name="key"/>: its own node, else the wildcard's (capturing the key), else none.</summary>
    public RuleNode? Child(string key, ref ImmutableDictionary<string, string> captures)
    {
        if (Children.TryGetValue(key, out var child))
        {
            return child;
        }

        if (Wildcard is not null)
        {
            captures = captures.SetItem(WildcardName!, key);
            return Wildcard;
        }

        return null;
    }
}
