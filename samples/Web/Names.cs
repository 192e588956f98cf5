using System.Text.RegularExpressions;

namespace Web;

/// <summary>What the pages may use as user, room and list names: short, and safe in channel names and store paths.</summary>
internal static partial class Names
{
    /// <summary>Why one of the names is not acceptable, or <see langword="null"/>.</summary>
    public static string? Problem(string place, string user) =>
        !Valid().IsMatch(place) ? "Names of rooms and lists have 1 to 40 letters, digits, '-' or '_'."
        : !Valid().IsMatch(user) ? "User names have 1 to 40 letters, digits, '-' or '_'."
        : null;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,40}$")]
    private static partial Regex Valid();
}
