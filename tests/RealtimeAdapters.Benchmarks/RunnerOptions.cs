using System.Globalization;

namespace RealtimeAdapters.Benchmarks;

/// <summary>The command-line options of the runners (<c>--name value</c>).</summary>
internal static class RunnerOptions
{
    /// <summary>The integer after <paramref name="name"/>, or <paramref name="fallback"/> when the option is absent.</summary>
    public static int Int(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
