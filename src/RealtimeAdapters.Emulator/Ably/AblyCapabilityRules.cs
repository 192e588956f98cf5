using System.Collections.Immutable;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>
/// What an Ably capability allows (protocol §2.3), as the server decides it: server-side code, kept out of the client
/// package. Matching works on whole <c>:</c>-separated segments: a trailing <c>*</c> matches one or more trailing segments,
/// an interior <c>*</c> exactly one, <c>foo*</c> is a literal name; <c>*</c> alone matches every ordinary channel but not
/// <c>[queue]…</c> or <c>[meta]…</c>; <c>[*]*</c> matches everything.
/// </summary>
internal static class AblyCapabilityRules
{
    /// <summary>Whether <paramref name="operation"/> is allowed on the channel or resource <paramref name="name"/>.</summary>
    public static bool Allows(this AblyCapability capability, string name, string operation)
    {
        ArgumentNullException.ThrowIfNull(capability);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(operation);
        if (string.Equals(operation, "stats", StringComparison.Ordinal))
        {
            return capability.AllowsStats();
        }

        foreach (var (pattern, ops) in capability.Resources)
        {
            if ((ops.Contains(operation) || ops.Contains(AblyCapability.AllOperations)) && Matches(pattern, name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>stats</c> takes effect only on the resources <c>*</c> and <c>[*]*</c>.</summary>
    public static bool AllowsStats(this AblyCapability capability)
    {
        ArgumentNullException.ThrowIfNull(capability);
        foreach (var pattern in (ReadOnlySpan<string>)["*", "[*]*"])
        {
            if (capability.Resources.TryGetValue(pattern, out var ops) && (ops.Contains("stats") || ops.Contains(AblyCapability.AllOperations)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every operation granted on <paramref name="name"/> by any matching pattern.</summary>
    public static ImmutableSortedSet<string> GetOperations(this AblyCapability capability, string name)
    {
        ArgumentNullException.ThrowIfNull(capability);
        var result = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var (pattern, ops) in capability.Resources)
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
    public static ProtocolFlags GetPermittedModes(this AblyCapability capability, string channel)
    {
        var ops = capability.GetOperations(channel);
        if (ops.Contains(AblyCapability.AllOperations))
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
    public static AblyCapability Intersect(this AblyCapability capability, AblyCapability requested)
    {
        ArgumentNullException.ThrowIfNull(capability);
        ArgumentNullException.ThrowIfNull(requested);
        var result = new Dictionary<string, ImmutableSortedSet<string>>(StringComparer.Ordinal);
        foreach (var (keyPattern, keyOps) in capability.Resources)
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

        return AblyCapability.FromResources(result.Select(static r => KeyValuePair.Create(r.Key, (IEnumerable<string>)r.Value)));
    }

    private static ImmutableSortedSet<string> IntersectOperations(ImmutableSortedSet<string> a, ImmutableSortedSet<string> b)
    {
        if (a.Contains(AblyCapability.AllOperations))
        {
            return b;
        }

        return b.Contains(AblyCapability.AllOperations) ? a : a.Intersect(b);
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

        return SegmentsCover(patternRest, nameRest);
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
        return SegmentsCover(outerRest, innerRest);
    }

    // Compared segment by segment (':'-separated) without splitting into arrays: this runs for every publish.
    private static bool SegmentsCover(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        if (pattern is "*")
        {
            // A lone wildcard segment matches any name (every name has at least one segment).
            return true;
        }

        var trailingWildcard = pattern.EndsWith(":*", StringComparison.Ordinal);
        var fixedSegments = trailingWildcard ? pattern[..^2] : pattern;
        var names = name.Split(':');
        foreach (var range in fixedSegments.Split(':'))
        {
            if (!names.MoveNext())
            {
                return false;
            }

            var segment = fixedSegments[range];
            if (segment is not "*" && !segment.SequenceEqual(name[names.Current]))
            {
                return false;
            }
        }

        // A trailing wildcard needs at least one more segment; otherwise the name must end here.
        return names.MoveNext() == trailingWildcard;
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

}
