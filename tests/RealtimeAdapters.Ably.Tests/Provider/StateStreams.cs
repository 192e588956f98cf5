namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>Reads connection and channel state streams up to the change a test waits for, with a timeout.</summary>
internal static class StateStreams
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>Skips changes until one matches; fails when the stream ends or nothing matches in time.</summary>
    public static async Task<T> NextAsync<T>(this IAsyncEnumerator<T> states, Func<T, bool> wanted)
    {
        while (true)
        {
            Assert.True(await states.MoveNextAsync().AsTask().WaitAsync(Wait, TestContext.Current.CancellationToken), "the state stream ended");
            if (wanted(states.Current))
            {
                return states.Current;
            }
        }
    }

    /// <summary>Skips connection changes until one to any of <paramref name="wanted"/>.</summary>
    public static Task<ConnectionStateChange> NextAsync(this IAsyncEnumerator<ConnectionStateChange> states, params ConnectionState[] wanted) =>
        states.NextAsync(change => wanted.Contains(change.Current));
}
