namespace RealtimeAdapters.Collaboration;

/// <summary>A local edit waiting to be sent, in its wire form.</summary>
/// <param name="Id">The edit's id (its timestamp).</param>
/// <param name="Json">The edit as JSON.</param>
public readonly record struct QueuedOperation(string Id, string Json);
