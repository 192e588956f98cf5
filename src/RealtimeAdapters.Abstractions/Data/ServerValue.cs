namespace RealtimeAdapters;

/// <summary>Placeholders the backend resolves when it applies a write (<c>{".sv": …}</c> on the wire).</summary>
public static class ServerValue
{
    /// <summary>The backend's current time, in milliseconds since the Unix epoch.</summary>
    public static DataNode Timestamp { get; } = DataNode.CreateServerValue(ServerValueSpec.TimestampSpec);

    /// <summary>Adds <paramref name="delta"/> to the current number atomically; if the current value is missing or not a number, the result is <paramref name="delta"/>.</summary>
    /// <param name="delta">The amount to add (finite).</param>
    /// <exception cref="RealtimeValidationException"><paramref name="delta"/> is not finite.</exception>
    public static DataNode Increment(double delta) =>
        double.IsFinite(delta)
            ? DataNode.CreateServerValue(new ServerValueSpec(false, delta))
            : throw new RealtimeValidationException($"Invalid increment {delta}: the delta must be a finite number.");
}

/// <summary>The parsed form of a server value.</summary>
internal sealed record ServerValueSpec(bool IsTimestamp, double Delta)
{
    public static readonly ServerValueSpec TimestampSpec = new(true, 0);
}
