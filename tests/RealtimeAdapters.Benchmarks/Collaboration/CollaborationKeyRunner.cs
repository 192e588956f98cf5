using System.Globalization;
using System.Text;
using System.Text.Json;
using RealtimeAdapters.Collaboration;

namespace RealtimeAdapters.Benchmarks.Collaboration;

/// <summary>
/// Position key length and state size for the common list edit patterns: appends at the end, prepends at the start,
/// inserts repeatedly at one middle index (each before the previous one) and typing in the middle (each after the
/// previous one). Deterministic (no timing).
/// Run: <c>dotnet run -c Release --project tests/RealtimeAdapters.Benchmarks -- --collaboration-keys [--count 20000]</c>.
/// </summary>
internal static class CollaborationKeyRunner
{
    public static Task<int> RunAsync(string[] args)
    {
        var count = RunnerOptions.Int(args, "--count", 20_000);
        Report("append", count, static (list, n) => list.Add(n));
        Report("prepend", count, static (list, n) => list.Insert(0, n));
        Report("insert at one middle index", count / 10, static (list, n) => list.Insert(list.Count < 2 ? list.Count : 1, n));
        Report("typing in the middle", count / 10, static (list, n) => list.Insert(list.Count < 2 ? list.Count : list.Count - 1, n));
        return Task.FromResult(0);
    }

    private static void Report(string pattern, int count, Action<CollaborativeList<int>, int> edit)
    {
        var document = new CollaborativeDocument(new CollaborativeDocumentOptions { ReplicaId = "a#bench", ClientId = "a" });
        var list = document.GetList<int>("list");
        for (var n = 0; n < count; n++)
        {
            edit(list, n);
        }

        var snapshot = document.ExportSnapshot();
        var keys = new List<int>();
        using (var parsed = JsonDocument.Parse(snapshot))
        {
            foreach (var cell in parsed.RootElement.GetProperty("o").GetProperty("list").GetProperty("c").EnumerateObject())
            {
                if (cell.Name.StartsWith("p:", StringComparison.Ordinal))
                {
                    keys.Add(cell.Value[1].GetString()!.Length);
                }
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{pattern}, {count} inserts: longest key {keys.Max()} chars, mean {keys.Average():F1}; snapshot {Encoding.UTF8.GetByteCount(snapshot) / 1e6:F2} MB"));
    }
}
