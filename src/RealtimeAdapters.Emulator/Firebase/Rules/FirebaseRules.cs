using System.Collections.Immutable;
using System.Text.Json;

namespace RealtimeAdapters.Emulator.Firebase.Rules;

/// <summary>
/// Parsed Realtime Database security rules and their evaluation: <c>.read</c> and <c>.write</c> grant and cascade downward
/// (a grant above cannot be revoked below), <c>.validate</c> must hold at every level of the new data that has one and
/// does not cascade, <c>.indexOn</c> declares the indexes queries need.
/// </summary>
internal sealed class FirebaseRules
{
    /// <summary>The rules of a namespace without a rules file: everything allowed, no index required.</summary>
    public const string OpenSource = "{\n  \"rules\": {\n    \".read\": true,\n    \".write\": true\n  }\n}";

    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 128,
    };

    private static readonly ImmutableHashSet<string> BaseVariables = ["auth", "root", "data", "now"];

    private FirebaseRules(string source, RuleNode root, bool enforceIndexes)
    {
        Source = source;
        Root = root;
        EnforceIndexes = enforceIndexes;
    }

    /// <summary>The default: everything allowed, no index required.</summary>
    public static FirebaseRules Open { get; } = Parse(OpenSource, enforceIndexes: false);

    /// <summary>The rules text as given.</summary>
    public string Source { get; }

    public RuleNode Root { get; }

    /// <summary>Whether queries ordered by a child or by value need an <c>.indexOn</c> (rules were loaded).</summary>
    public bool EnforceIndexes { get; }

    /// <summary>Parses rules text (<c>{"rules": {...}}</c>; comments and trailing commas allowed).</summary>
    /// <exception cref="RealtimeValidationException">The text is not valid rules; the message names the location.</exception>
    public static FirebaseRules Parse(string source, bool enforceIndexes = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(source, ParseOptions);
        }
        catch (JsonException ex)
        {
            throw new RealtimeValidationException($"Error parsing rules: the rules are not valid JSON ({ex.Message}).", ex);
        }

        using (doc)
        {
            var top = doc.RootElement;
            if (top.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("/", "the rules must be a JSON object with a \"rules\" key");
            }

            RuleNode? root = null;
            foreach (var property in top.EnumerateObject())
            {
                if (property.Name != "rules")
                {
                    throw Invalid("/", $"unknown top-level key \"{property.Name}\" (only \"rules\" is allowed)");
                }

                root = ParseNode(property.Value, "/rules", BaseVariables);
            }

            return new FirebaseRules(source, root ?? throw Invalid("/", "the \"rules\" key is missing"), enforceIndexes);
        }
    }

    private static RuleNode ParseNode(JsonElement json, string at, ImmutableHashSet<string> captures)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(at, "a rules location must be a JSON object");
        }

        var node = new RuleNode();
        foreach (var property in json.EnumerateObject())
        {
            var key = property.Name;
            var where = at + "/" + key;
            switch (key)
            {
                case ".read":
                    node.Read = ParseExpression(property.Value, where, captures.Add("query"));
                    break;
                case ".write":
                case ".validate":
                    var expression = ParseExpression(property.Value, where, captures.Add("newData"));
                    if (key == ".write")
                    {
                        node.Write = expression;
                    }
                    else
                    {
                        node.Validate = expression;
                    }

                    break;
                case ".indexOn":
                    node.IndexOn = ParseIndexOn(property.Value, where);
                    break;
                default:
                    if (key.StartsWith('.'))
                    {
                        throw Invalid(where, $"unknown rule \"{key}\" (expected .read, .write, .validate or .indexOn)");
                    }

                    if (key.StartsWith('$'))
                    {
                        if (node.Wildcard is not null)
                        {
                            throw Invalid(where, $"a location may have only one wildcard child (already has \"{node.WildcardName}\")");
                        }

                        if (key.Length < 2 || captures.Contains(key) || !RealtimeKeys.IsValid(key[1..]))
                        {
                            throw Invalid(where, $"invalid or repeated wildcard name \"{key}\"");
                        }

                        node.WildcardName = key;
                        node.Wildcard = ParseNode(property.Value, where, captures.Add(key));
                    }
                    else
                    {
                        var problem = RealtimeKeys.GetProblem(key);
                        if (problem is not null)
                        {
                            throw Invalid(where, problem);
                        }

                        node.Children[key] = ParseNode(property.Value, where, captures);
                    }

                    break;
            }
        }

        return node;
    }

    private static RuleExpression ParseExpression(JsonElement json, string at, ImmutableHashSet<string> variables)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.True:
                return new RuleLiteral(true);
            case JsonValueKind.False:
                return new RuleLiteral(false);
            case JsonValueKind.String:
                try
                {
                    return RuleExpressionParser.Parse(json.GetString()!, variables);
                }
                catch (FormatException ex)
                {
                    throw Invalid(at, ex.Message);
                }

            default:
                throw Invalid(at, "a rule must be a boolean or an expression string");
        }
    }

    private static string[] ParseIndexOn(JsonElement json, string at)
    {
        var names = json.ValueKind switch
        {
            JsonValueKind.String => [json.GetString()!],
            JsonValueKind.Array => json.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
                ? e.GetString()!
                : throw Invalid(at, ".indexOn takes a child path or an array of them")).ToArray(),
            _ => throw Invalid(at, ".indexOn takes a child path or an array of them"),
        };
        foreach (var name in names)
        {
            if (name != ".value" && (!RealtimePath.TryParse(name, out var path) || path!.IsRoot))
            {
                throw Invalid(at, $"invalid index \"{name}\"");
            }
        }

        return names;
    }

    private static RealtimeValidationException Invalid(string at, string problem) =>
        new($"Error parsing rules at {at}: {problem}.", at);

    /// <summary>Whether <paramref name="auth"/> may read <paramref name="path"/>: some <c>.read</c> at or above it grants.</summary>
    public bool CanRead(JsonElement? auth, DataNode root, RealtimePath path, IReadOnlyDictionary<string, object?>? query, double now)
    {
        var captures = ImmutableDictionary<string, string>.Empty;
        RuleNode? node = Root;
        var at = RealtimePath.Root;
        for (var depth = 0; node is not null; depth++)
        {
            if (node.Read is { } read && read.IsTrue(Scope(auth, root, root, at, captures, now, query)))
            {
                return true;
            }

            if (depth == path.Depth)
            {
                break;
            }

            var key = path.Segments[depth];
            node = node.Child(key, ref captures);
            at = at.Child(key);
        }

        return false;
    }

    /// <summary>
    /// Whether a write that turns <paramref name="oldRoot"/> into <paramref name="newRoot"/> at <paramref name="targets"/> is
    /// allowed: each target granted by a <c>.write</c> at or above it, or every changed part below it granted further down;
    /// and every <c>.validate</c> on the way holding for the new data.
    /// </summary>
    public bool CanWrite(JsonElement? auth, DataNode oldRoot, DataNode newRoot, IReadOnlyList<RealtimePath> targets, double now)
    {
        var validatedAncestors = new HashSet<RealtimePath>();
        foreach (var target in targets)
        {
            if (!CanWriteTarget(auth, oldRoot, newRoot, target, now) || !IsValid(auth, oldRoot, newRoot, target, now, validatedAncestors))
            {
                return false;
            }
        }

        return true;
    }

    private bool CanWriteTarget(JsonElement? auth, DataNode oldRoot, DataNode newRoot, RealtimePath target, double now)
    {
        var captures = ImmutableDictionary<string, string>.Empty;
        RuleNode? node = Root;
        var at = RealtimePath.Root;
        for (var depth = 0; ; depth++)
        {
            if (node.Write is { } write && write.IsTrue(Scope(auth, oldRoot, newRoot, at, captures, now, null)))
            {
                return true;
            }

            if (depth == target.Depth)
            {
                break;
            }

            var key = target.Segments[depth];
            node = node.Child(key, ref captures);
            at = at.Child(key);
            if (node is null)
            {
                return false;
            }
        }

        // No grant at or above the target: every changed location below it needs its own grant.
        return !oldRoot.GetAt(target).Equals(newRoot.GetAt(target)) && ChangesGranted(auth, oldRoot, newRoot, node, target, captures, now);
    }

    private static bool ChangesGranted(
        JsonElement? auth, DataNode oldRoot, DataNode newRoot, RuleNode node, RealtimePath at, ImmutableDictionary<string, string> captures, double now)
    {
        var before = oldRoot.GetAt(at);
        var after = newRoot.GetAt(at);
        if (before.IsLeaf || after.IsLeaf || !before.Priority.Equals(after.Priority))
        {
            return false;
        }

        foreach (var key in before.EnumerateChildren().Select(static c => c.Key).Union(after.EnumerateChildren().Select(static c => c.Key), StringComparer.Ordinal))
        {
            if (before.GetChild(key).Equals(after.GetChild(key)))
            {
                continue;
            }

            var childCaptures = captures;
            var child = node.Child(key, ref childCaptures);
            if (child is null)
            {
                return false;
            }

            var childPath = at.Child(key);
            if (child.Write is { } write && write.IsTrue(Scope(auth, oldRoot, newRoot, childPath, childCaptures, now, null)))
            {
                continue;
            }

            if (!ChangesGranted(auth, oldRoot, newRoot, child, childPath, childCaptures, now))
            {
                return false;
            }
        }

        return true;
    }

    private bool IsValid(JsonElement? auth, DataNode oldRoot, DataNode newRoot, RealtimePath target, double now, HashSet<RealtimePath> validatedAncestors)
    {
        var captures = ImmutableDictionary<string, string>.Empty;
        RuleNode? node = Root;
        var at = RealtimePath.Root;
        for (var depth = 0; depth < target.Depth; depth++)
        {
            if (validatedAncestors.Add(at) && !ValidateHere(auth, oldRoot, newRoot, node, at, captures, now))
            {
                return false;
            }

            var key = target.Segments[depth];
            node = node.Child(key, ref captures);
            at = at.Child(key);
            if (node is null)
            {
                return true;
            }
        }

        return ValidateTree(auth, oldRoot, newRoot, node, target, captures, now);
    }

    private static bool ValidateHere(
        JsonElement? auth, DataNode oldRoot, DataNode newRoot, RuleNode node, RealtimePath at, ImmutableDictionary<string, string> captures, double now) =>
        node.Validate is not { } validate || newRoot.GetAt(at).IsNull ||
        validate.IsTrue(Scope(auth, oldRoot, newRoot, at, captures, now, null));

    private static bool ValidateTree(
        JsonElement? auth, DataNode oldRoot, DataNode newRoot, RuleNode node, RealtimePath at, ImmutableDictionary<string, string> captures, double now)
    {
        var value = newRoot.GetAt(at);
        if (value.IsNull)
        {
            return true;
        }

        if (!ValidateHere(auth, oldRoot, newRoot, node, at, captures, now))
        {
            return false;
        }

        if (node.Children.Count == 0 && node.Wildcard is null)
        {
            return true;
        }

        foreach (var (key, _) in value.EnumerateChildren())
        {
            var childCaptures = captures;
            var child = node.Child(key, ref childCaptures);
            if (child is not null && !ValidateTree(auth, oldRoot, newRoot, child, at.Child(key), childCaptures, now))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The "Index not defined" message when the rules require an index this query lacks, else <see langword="null"/>.</summary>
    public string? MissingIndex(RealtimeQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!EnforceIndexes || query.OrderBy is not (QueryOrderBy.Child or QueryOrderBy.Value))
        {
            return null;
        }

        var index = query.OrderBy == QueryOrderBy.Value ? ".value" : query.OrderByChildPath!.ToString()[1..];
        var captures = ImmutableDictionary<string, string>.Empty;
        RuleNode? node = Root;
        foreach (var key in query.Path.Segments)
        {
            node = node.Child(key, ref captures);
            if (node is null)
            {
                break;
            }
        }

        var defined = node?.IndexOn.Any(i => i == index || (i != ".value" && RealtimePath.Parse(i).ToString()[1..] == index)) ?? false;
        return defined ? null : FirebaseMessages.IndexNotDefined(index, query.Path);
    }

    /// <summary>The <c>query</c> variable of read rules for a request's query.</summary>
    public static IReadOnlyDictionary<string, object?> QueryVariables(RealtimeQuery? query)
    {
        var vars = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["orderByKey"] = query?.OrderBy == QueryOrderBy.Key,
            ["orderByValue"] = query?.OrderBy == QueryOrderBy.Value,
            ["orderByPriority"] = query?.OrderBy == QueryOrderBy.Priority,
            ["orderByChild"] = query?.OrderBy == QueryOrderBy.Child ? query.OrderByChildPath!.ToString()[1..] : null,
            ["startAt"] = query is { StartAt: { } s, IsEqualTo: false } ? RuleExpression.FromNode(s.Value) : null,
            ["endAt"] = query is { EndAt: { } e, IsEqualTo: false } ? RuleExpression.FromNode(e.Value) : null,
            ["equalTo"] = query is { IsEqualTo: true, StartAt: { } q } ? RuleExpression.FromNode(q.Value) : null,
            ["limitToFirst"] = query?.LimitToFirst is { } f ? (double)f : null,
            ["limitToLast"] = query?.LimitToLast is { } l ? (double)l : null,
        };
        return vars;
    }

    private static RuleScope Scope(
        JsonElement? auth, DataNode oldRoot, DataNode newRoot, RealtimePath at, ImmutableDictionary<string, string> captures, double now,
        IReadOnlyDictionary<string, object?>? query) =>
        new()
        {
            Auth = auth,
            OldRoot = oldRoot,
            NewRoot = newRoot,
            Path = at,
            Captures = captures,
            Now = now,
            Query = query,
        };
}
