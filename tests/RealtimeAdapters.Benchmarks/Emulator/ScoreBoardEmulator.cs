using System.Globalization;
using System.Text;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Benchmarks.Emulator;

/// <summary>
/// An in-process emulator holding a score board, <c>/items</c> with 10,000 children <c>{"score": i}</c> (keys
/// <c>c00000</c>…), and a client for it: the data of the query-stream benchmarks.
/// </summary>
internal sealed class ScoreBoardEmulator : IAsyncDisposable
{
    public const int Children = 10_000;

    /// <summary>The location of the board.</summary>
    public const string PlainPath = "/items.json";

    /// <summary>The ten highest scores.</summary>
    public const string QueryPath = "/items.json?orderBy=%22score%22&limitToLast=10";

    private ScoreBoardEmulator(RealtimeEmulator emulator, HttpClient http)
    {
        Emulator = emulator;
        Http = http;
    }

    public RealtimeEmulator Emulator { get; }

    public HttpClient Http { get; }

    public static async Task<ScoreBoardEmulator> StartAsync()
    {
        var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } }).ConfigureAwait(false);
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = emulator.FirebaseUrl,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var board = new StringBuilder("{");
        for (var i = 0; i < Children; i++)
        {
            board.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"\"{Key(i)}\":{{\"score\":{i}}}");
        }

        using (var content = new StringContent(board.Append('}').ToString(), Encoding.UTF8, "application/json"))
        {
            (await http.PutAsync(PlainPath, content).ConfigureAwait(false)).EnsureSuccessStatusCode().Dispose();
        }

        return new ScoreBoardEmulator(emulator, http);
    }

    public static string Key(int i) => "c" + i.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>Sets the score of child <paramref name="i"/>.</summary>
    public async Task SetScoreAsync(int i, long score)
    {
        using var content = new StringContent(score.ToString(CultureInfo.InvariantCulture), Encoding.UTF8, "application/json");
        using var response = await Http.PutAsync($"/items/{Key(i)}/score.json", content).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync().ConfigureAwait(false);
    }
}
