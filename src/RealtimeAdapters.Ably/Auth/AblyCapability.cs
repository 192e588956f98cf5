using System.Collections.Immutable;
using System.Text.Json;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Auth;

/// <summary>
/// An Ably capability (protocol §2.3): resource patterns mapped to operations. Immutable. Matching works on whole
/// <c>:</c>-separated segments: a trailing <c>*</c> matches one or more trailing segments, an interior <c>*</c> exactly one,
/// <c>foo*</c> is a literal name; <c>*</c> alone matches every ordinary channel but not <c>[queue]…</c> or <c>[meta]…</c>;
/// <c>[*]*</c> matches everything.
/// </summary>
internal sealed class AblyCapability
{
    /// <summary>The operation that stands for all operations.</summary>
    public const string AllOperations = "*";

    /// <summary>The operations Ably defines.</summary>
    public static readonly ImmutableHashSet<string> KnownOperations = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "subscribe", "publish", "presence", "history", "stats", "channel-metadata", "push-subscribe", "push-admin",
        "privileged-headers", "object-subscribe", "object-publish", "annotation-subscribe", "annotation-publish", AllOperations);

    private AblyCapability(ImmutableSortedDictionary<string, ImmutableSortedSet<string>> resources) => Resources = resources;

    /// <summary>Every operation on every ordinary channel: <c>{"*":["*"]}</c>, a key's default capability.</summary>
    public static AblyCapability AllowAll { get; } = FromResources([new("*", [AllOperations])]);

    /// <summary>Nothing at all: <c>{}</c>.</summary>
    public static AblyCapability Empty { get; } = new(ImmutableSortedDictionary.Create<string, ImmutableSortedSet<string>>(StringComparer.Ordinal));

    /// <summary>Resource pattern → operations, both sorted ordinally.</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedSet<string>> Resources { get; }

    /// <summary>Whether no resource grants any operation.</summary>
    public bool IsEmpty => Resources.Values.All(static ops => ops.IsEmpty);

    /// <summary>Builds a capability; operations are validated and de-duplicated.</summary>
    /// <exception cref="AblyProtocolException">A resource is empty or an operation is unknown (40000).</exception>
    public static AblyCapability FromResources(IEnumerable<KeyValuePair<string, IEnumerable<string>>> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedSet<string>>(StringComparer.Ordinal);
        foreach (var (resource, operations) in resources)
        {
            if (string.IsNullOrEmpty(resource))
            {
                throw Invalid("a resource name is empty.");
            }

            var set = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
            foreach (var op in operations)
            {
                if (!KnownOperations.Contains(op))
                {
                    throw Invalid($"unknown operation \"{op}\" for resource \"{resource}\".");
                }

                set.Add(op);
            }

            builder[resource] = builder.TryGetValue(resource, out var existing) ? existing.Union(set) : set.ToImmutable();
        }

        return new(builder.ToImmutable());
    }

    /// <summary>Parses a capability JSON object such as <c>{"chat:*":["publish","subscribe"]}</c>.</summary>
    /// <exception cref="AblyProtocolException">The text is not a valid capability (40000).</exception>
    public static AblyCapability Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement root;
        try
        {
            root = JsonWire.ParseElement(json);
        }
        catch (JsonException ex)
        {
            throw Invalid("it is not valid JSON.", ex);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("it must be a JSON object of resource names to operation arrays.");
        }

        var resources = new List<KeyValuePair<string, IEnumerable<string>>>();
        foreach (var property in root.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Array)
            {
                throw Invalid($"the operations of \"{property.Name}\" must be an array of strings.");
            }

            var ops = new List<string>();
            foreach (var op in property.Value.EnumerateArray())
            {
                if (op.ValueKind != JsonValueKind.String)
                {
                    throw Invalid($"the operations of \"{property.Name}\" must be an array of strings.");
                }

                ops.Add(op.GetString()!);
            }

            resources.Add(new(property.Name, ops));
        }

        return FromResources(resources);
    }

    /// <summary>The canonical JSON text: no white space, resources sorted, each operation list sorted.</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, JsonWire.WriterOptions))
        {
            w.WriteStartObject();
            foreach (var (resource, ops) in Resources)
            {
                w.WriteStartArray(resource);
                foreach (var op in ops)
                {
                    w.WriteStringValue(op);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public override string ToString() => ToJson();

    /// <summary>Whether <paramref name="operation"/> is allowed on the channel or resource <paramref name="name"/>.</summary>
    public bool Allows(string name, string operation)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(operation);
        if (string.Equals(operation, "stats", StringComparison.Ordinal))
        {
            return AllowsStats();
        }

        foreach (var (pattern, ops) in Resources)
        {
            if ((ops.Contains(operation) || ops.Contains(AllOperations)) && Matches(pattern, name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>stats</c> takes effect only on the resources <c>*</c> and <c>[*]*</c>.</summary>
    public bool AllowsStats()
    {
        foreach (var pattern in (ReadOnlySpan<string>)["*", "[*]*"])
        {
            if (Resources.TryGetValue(pattern, out var ops) && (ops.Contains("stats") || ops.Contains(AllOperations)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every operation granted on <paramref name="name"/> by any matching pattern.</summary>
    public ImmutableSortedSet<string> GetOperations(string name)
    {
        var result = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var (pattern, ops) in Resources)
        {
            if (Matches(pattern, name))
            {
                result.UnionWith(ops);
            }
        }

        return result.ToImmutable();
    }

    /// <summary>
    /// The channel modes (TR3 bits 16+) the capability permits on <paramref name="channel"/>: what ATTACHED grants when
    /// ATTACH asked for no modes, and the ceiling of what it may grant otherwise.
    /// </summary>
    public ProtocolFlags GetPermittedModes(string channel)
    {
        var ops = GetOperations(channel);
        if (ops.Contains(AllOperations))
        {
            return ProtocolFlags.AllModes;
        }

        var modes = ProtocolFlags.None;
        if (ops.Contains("presence"))
        {
            modes |= ProtocolFlags.Presence;
        }

        if (ops.Contains("publish"))
        {
            modes |= ProtocolFlags.Publish;
        }

        if (ops.Contains("subscribe"))
        {
            // Presence events reach whoever may subscribe (presence is only needed to enter).
            modes |= ProtocolFlags.Subscribe | ProtocolFlags.PresenceSubscribe;
        }

        if (ops.Contains("annotation-publish"))
        {
            modes |= ProtocolFlags.AnnotationPublish;
        }

        if (ops.Contains("annotation-subscribe"))
        {
            modes |= ProtocolFlags.AnnotationSubscribe;
        }

        if (ops.Contains("object-subscribe"))
        {
            modes |= ProtocolFlags.ObjectSubscribe;
        }

        if (ops.Contains("object-publish"))
        {
            modes |= ProtocolFlags.ObjectPublish;
        }

        return modes;
    }

    /// <summary>
    /// The capability of a token: <paramref name="requested"/> ∩ this (the key's) capability, pattern by pattern (a pattern
    /// of one side kept where the other side's pattern covers it) with operations intersected.
    /// </summary>
    /// <exception cref="AblyProtocolException">The intersection is empty (40160).</exception>
    public AblyCapability Intersect(AblyCapability requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        var result = new Dictionary<string, ImmutableSortedSet<string>>(StringComparer.Ordinal);
        foreach (var (keyPattern, keyOps) in Resources)
        {
            foreach (var (requestedPattern, requestedOps) in requested.Resources)
            {
                var ops = IntersectOperations(keyOps, requestedOps);
                if (ops.IsEmpty)
                {
                    continue;
                }

                string? kept = Covers(keyPattern, requestedPattern) ? requestedPattern
                    : Covers(requestedPattern, keyPattern) ? keyPattern
                    : null;
                if (kept is not null)
                {
                    result[kept] = result.TryGetValue(kept, out var existing) ? existing.Union(ops) : ops;
                }
            }
        }

        if (result.Count == 0)
        {
            throw new AblyProtocolException(ErrorInfo.Create(
                AblyErrorCodes.CapabilityDenied,
                $"The requested capability {requested.ToJson()} is not permitted by the key's capability (the intersection is empty)."));
        }

        return new(result.ToImmutableSortedDictionary(StringComparer.Ordinal));
    }

    private static ImmutableSortedSet<string> IntersectOperations(ImmutableSortedSet<string> a, ImmutableSortedSet<string> b)
    {
        if (a.Contains(AllOperations))
        {
            return b;
        }

        return b.Contains(AllOperations) ? a : a.Intersect(b);
    }

    /// <summary>
    /// The name a capability check applies to: a leading channel-parameter qualifier (<c>[?rewind=1]</c>,
    /// <c>[filter=…]</c>) removed. Namespace qualifiers such as <c>[meta]</c> stay.
    /// </summary>
    public static string GetBaseName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.StartsWith("[?", StringComparison.Ordinal) || name.StartsWith("[filter=", StringComparison.Ordinal))
        {
            var end = name.IndexOf(']', StringComparison.Ordinal);
            if (end > 0)
            {
                return name[(end + 1)..];
            }
        }

        return name;
    }

    /// <summary>Whether the resource pattern <paramref name="pattern"/> matches the concrete name <paramref name="name"/>.</summary>
    public static bool Matches(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        if (string.Equals(pattern, "[*]*", StringComparison.Ordinal))
        {
            return true;
        }

        name = GetBaseName(name);
        var (patternQualifier, patternRest) = SplitQualifier(pattern);
        var (nameQualifier, nameRest) = SplitQualifier(name);
        if (!string.Equals(patternQualifier, "*", StringComparison.Ordinal) && !string.Equals(patternQualifier, nameQualifier, StringComparison.Ordinal))
        {
            return false;
        }

        return SegmentsCover(patternRest.Split(':'), nameRest.Split(':'));
    }

    /// <summary>Whether every name <paramref name="inner"/> matches is also matched by <paramref name="outer"/>.</summary>
    public static bool Covers(string outer, string inner)
    {
        ArgumentNullException.ThrowIfNull(outer);
        ArgumentNullException.ThrowIfNull(inner);
        if (string.Equals(outer, "[*]*", StringComparison.Ordinal))
        {
            return true;
        }

        if (string.Equals(inner, "[*]*", StringComparison.Ordinal))
        {
            return false;
        }

        var (outerQualifier, outerRest) = SplitQualifier(outer);
        var (innerQualifier, innerRest) = SplitQualifier(inner);
        if (!string.Equals(outerQualifier, "*", StringComparison.Ordinal) && !string.Equals(outerQualifier, innerQualifier, StringComparison.Ordinal))
        {
            return false;
        }

        // Within the segments, a "*" of the inner pattern is covered only by a "*" of the outer one, which is exactly
        // how a literal segment compares; so the name rule applies unchanged.
        return SegmentsCover(outerRest.Split(':'), innerRest.Split(':'));
    }

    private static bool SegmentsCover(string[] pattern, string[] name)
    {
        var trailingWildcard = string.Equals(pattern[^1], "*", StringComparison.Ordinal);
        if (trailingWildcard ? name.Length < pattern.Length : name.Length != pattern.Length)
        {
            return false;
        }

        var fixedCount = trailingWildcard ? pattern.Length - 1 : pattern.Length;
        for (var i = 0; i < fixedCount; i++)
        {
            if (!string.Equals(pattern[i], "*", StringComparison.Ordinal) && !string.Equals(pattern[i], name[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>"[meta]foo" → ("meta", "foo"); "[*]foo" → ("*", "foo"); "foo" → (null, "foo").</summary>
    private static (string? Qualifier, string Remainder) SplitQualifier(string value)
    {
        if (value.StartsWith('['))
        {
            var end = value.IndexOf(']', StringComparison.Ordinal);
            if (end > 0)
            {
                return (value[1..end], value[(end + 1)..]);
            }
        }

        return (null, value);
    }

    private static AblyProtocolException Invalid(string problem, Exception? inner = null) =>
        new(ErrorInfo.Create(AblyErrorCodes.BadRequest, "Invalid capability: " + problem), inner);
}
