using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator.Firebase.Streaming;

/// <summary>
/// Something an open stream must react to: a write at its location (<see cref="Write"/>), its query window's change
/// (<see cref="Window"/>, with <see cref="Root"/>, the tree just after the write that changed it), a keep-alive tick, new
/// rules, or its credential expiring.
/// </summary>
internal readonly record struct StreamSignal(StreamSignalKind Kind, DatabaseWrite? Write = null, QueryWindowBatch? Window = null, DataNode? Root = null);
