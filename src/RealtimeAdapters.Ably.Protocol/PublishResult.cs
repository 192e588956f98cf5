namespace RealtimeAdapters.Ably.Protocol;

/// <summary>One entry of an ACK's <c>res</c>: the serials assigned to the messages of one ProtocolMessage (a null where a message was discarded as a duplicate).</summary>
public sealed record PublishResult
{
    /// <summary>The serials assigned to the published messages, in order; <see langword="null"/> for one the service dropped (a duplicate).</summary>
    public IReadOnlyList<string?>? Serials { get; set; }
}
