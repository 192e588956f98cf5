namespace RealtimeAdapters.Emulator;

/// <summary>What a namespace (<c>ns</c>) name may be: what a database name may be on the service, plus upper case and underscores.</summary>
internal static class FirebaseNamespaceName
{
    public const string Rule = "a namespace is 1 to 128 letters, digits, '-' or '_'.";

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 128)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
