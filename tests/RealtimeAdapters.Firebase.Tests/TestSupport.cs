using System.Text;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Firebase.Tests;

internal static class TestSupport
{
    public static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(5);

    public static string NewNamespace() => "t" + Guid.NewGuid().ToString("N");

    /// <summary>An unsigned ID token (the emulator accepts <c>alg: none</c>, as the official one does).</summary>
    public static string Token(string uid, DateTimeOffset expires)
    {
        static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return B64("""{"alg":"none","typ":"JWT"}""") + "." + B64($$"""{"sub":"{{uid}}","exp":{{expires.ToUnixTimeSeconds()}}}""") + ".";
    }

    public static async Task<StoreEvent> NextAsync(IAsyncEnumerator<StoreEvent> e)
    {
        Assert.True(await e.MoveNextAsync().AsTask().WaitAsync(EventTimeout), "the watch ended");
        return e.Current;
    }

    public static async Task<List<string>> NextAsync(IAsyncEnumerator<StoreEvent> e, int count)
    {
        var list = new List<string>();
        for (var i = 0; i < count; i++)
        {
            list.Add(Describe(await NextAsync(e)));
        }

        return list;
    }

    public static string Describe(StoreEvent e) =>
        e.Kind == StoreEventKind.Value ? "Value " + e.Snapshot.Node.ToJsonString() : $"{e.Kind} {e.Snapshot.Key}" + (e.Kind == StoreEventKind.ChildRemoved ? "" : " after " + (e.PreviousChildKey ?? "-"));

    public static async Task<ConnectionStateChange> WaitForStateAsync(IAsyncEnumerator<ConnectionStateChange> states, ConnectionState state)
    {
        while (true)
        {
            Assert.True(await states.MoveNextAsync().AsTask().WaitAsync(EventTimeout), "the state stream ended");
            if (states.Current.Current == state)
            {
                return states.Current;
            }
        }
    }

    public static Task<RealtimeEmulator> StartEmulatorAsync(string? rules = null, TimeProvider? time = null) =>
        RealtimeEmulator.StartAsync(new EmulatorOptions { TimeProvider = time ?? TimeProvider.System, Firebase = { Port = 0, Rules = rules } });
}
