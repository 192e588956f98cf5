namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>One onDisconnect write: a value (or a priority) to set at a path when the connection closes.</summary>
/// <param name="Path">The location.</param>
/// <param name="IsPriority">Whether <paramref name="Value"/> is the location's new priority rather than its value.</param>
/// <param name="Value">The value or priority, server values unresolved (they resolve when the write runs).</param>
internal sealed record DisconnectOperation(RealtimePath Path, bool IsPriority, DataNode Value);
