namespace RealtimeAdapters.Ably;

/// <summary>The state of an Ably channel on this client (RTL2).</summary>
public enum AblyChannelState
{
    /// <summary>Not attached yet.</summary>
    Initialized,

    /// <summary>An ATTACH was sent (first attach, or a re-attach after a reconnect or a server DETACHED).</summary>
    Attaching,

    /// <summary>Attached: messages and presence events flow.</summary>
    Attached,

    /// <summary>A DETACH was sent.</summary>
    Detaching,

    /// <summary>Detached at the caller's request, or because the connection closed.</summary>
    Detached,

    /// <summary>The attach timed out or the connection is suspended; re-attached automatically later.</summary>
    Suspended,

    /// <summary>The server refused the channel (e.g. no capability, 40160); subscriptions ended with that error.</summary>
    Failed,
}
