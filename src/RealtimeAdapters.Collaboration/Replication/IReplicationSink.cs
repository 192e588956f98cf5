namespace RealtimeAdapters.Collaboration;

/// <summary>What a transport hands what it receives to (the session).</summary>
internal interface IReplicationSink
{
    /// <summary>An operation in wire form, with the sender the backend stamped when it says who sent it.</summary>
    /// <returns>Whether it was accepted (a rejected one is reported by the session).</returns>
    bool OnOperation(string json, bool senderKnown, string? sender);

    /// <summary>A snapshot in wire form.</summary>
    void OnSnapshot(string json);

    /// <summary>The document's state in snapshot form.</summary>
    string ExportSnapshot();

    /// <summary>The horizon a snapshot taken now would have, or <see langword="null"/> when tombstones are kept.</summary>
    long? HorizonNow();

    /// <summary>Something received was refused before it reached the document (an untrusted or malformed snapshot).</summary>
    void OnRejected(OperationRejectedException rejection);

    /// <summary>A transport's background work failed (it keeps going when it can).</summary>
    void OnError(Exception error);
}
