using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator.Firebase.Streaming;

/// <summary>Something an open stream must react to: a write, a keep-alive tick, new rules, or its credential expiring.</summary>
internal readonly record struct StreamSignal(StreamSignalKind Kind, DatabaseWrite? Write = null);
