namespace RealtimeAdapters.Firebase.Realtime;

/// <summary>How a request of the realtime protocol survives a lost connection.</summary>
internal enum RealtimeRequestKind
{
    /// <summary>A put or merge: sent again on the next connection when it was not answered (with <see cref="FirebaseStoreOptions.QueueWritesWhileOffline"/>), else failed.</summary>
    Write,

    /// <summary>A read, a transaction's put or an on-disconnect registration: failed when the connection is lost before the answer.</summary>
    Once,
}
