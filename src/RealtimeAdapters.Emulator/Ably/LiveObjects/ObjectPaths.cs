using System.Text;

namespace RealtimeAdapters.Emulator.Ably.LiveObjects;

/// <summary>The paths of the LiveObjects REST API: keys separated by dots, <c>\.</c> for a dot inside a key; empty is root.</summary>
internal static class ObjectPaths
{
    public static List<string> Split(string path)
    {
        var segments = new List<string>();
        if (string.IsNullOrEmpty(path))
        {
            return segments;
        }

        var current = new StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '\\' && i + 1 < path.Length && path[i + 1] == '.')
            {
                current.Append('.');
                i++;
            }
            else if (path[i] == '.')
            {
                segments.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(path[i]);
            }
        }

        segments.Add(current.ToString());
        return segments;
    }

    /// <summary>The path of the parent and the last key (for a create at a path).</summary>
    public static (string Parent, string Key) SplitLast(string path)
    {
        var segments = Split(path);
        var key = segments[^1];
        segments.RemoveAt(segments.Count - 1);
        return (string.Join('.', segments.Select(s => s.Replace(".", "\\.", StringComparison.Ordinal))), key);
    }
}
