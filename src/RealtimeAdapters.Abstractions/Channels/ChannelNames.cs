namespace RealtimeAdapters;

/// <summary>
/// Channel name rules shared by every provider: non-empty, not starting with <c>[</c> (reserved for qualifiers such as
/// <c>[meta]</c>) or <c>:</c>, and no control characters. Names are case-sensitive; <c>:</c> separates namespaces.
/// </summary>
public static class ChannelNames
{
    /// <summary>Describes why <paramref name="name"/> is not a valid channel name, or returns <see langword="null"/>.</summary>
    /// <param name="name">The candidate name.</param>
    public static string? GetProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "Invalid channel name \"\": channel names must be non-empty.";
        }

        if (name[0] is '[' or ':')
        {
            return $"Invalid channel name \"{RealtimeKeys.Printable(name)}\": channel names must not start with '[' or ':'.";
        }

        foreach (var c in name)
        {
            if (c < 0x20 || c == 0x7F)
            {
                return $"Invalid channel name \"{RealtimeKeys.Printable(name)}\": channel names must not contain control characters (found {RealtimeKeys.Describe(c)}).";
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="RealtimeValidationException"/> (Ably code 40010) when the name is invalid.</summary>
    /// <param name="name">The candidate name.</param>
    /// <exception cref="RealtimeValidationException">The name is invalid.</exception>
    public static void Validate(string? name)
    {
        var problem = GetProblem(name);
        if (problem is not null)
        {
            throw new RealtimeValidationException(problem, name) { ErrorCode = "40010" };
        }
    }
}
