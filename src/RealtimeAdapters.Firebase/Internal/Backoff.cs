namespace RealtimeAdapters.Firebase.Internal;

/// <summary>Capped exponential backoff with jitter.</summary>
internal static class Backoff
{
    public static TimeSpan Delay(FirebaseStoreOptions options, int attempt)
    {
        var initial = options.ReconnectInitialDelay.TotalMilliseconds;
        var capped = Math.Min(options.ReconnectMaxDelay.TotalMilliseconds, initial * Math.Pow(2, Math.Min(attempt, 30)));
#pragma warning disable CA5394 // Jitter spreads reconnects; it needs no cryptographic randomness.
        var jittered = capped * (1 - (options.ReconnectJitter * Random.Shared.NextDouble()));
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(Math.Max(1, jittered));
    }
}
