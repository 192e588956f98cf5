namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// The <c>flags</c> bits of a ProtocolMessage (TR3). Bits 16 and up are channel modes: requested in ATTACH, granted in
/// ATTACHED. Unknown bits are carried through unchanged.
/// </summary>
[Flags]
#pragma warning disable CA1711 // "Flags" is the protocol's own name for this field.
public enum ProtocolFlags
#pragma warning restore CA1711
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>ATTACHED: the channel has members; a SYNC follows.</summary>
    HasPresence = 1 << 0,
    /// <summary>ATTACHED: rewound or resumed messages follow.</summary>
    HasBacklog = 1 << 1,
    /// <summary>ATTACHED: continuity was kept across the re-attach.</summary>
    Resumed = 1 << 2,
    /// <summary>Publish without attaching.</summary>
    Transient = 1 << 4,
    /// <summary>ATTACH: resume from the channel serial (deprecated).</summary>
    AttachResume = 1 << 5,
    /// <summary>ATTACHED: the channel has objects; an OBJECT_SYNC follows.</summary>
    HasObjects = 1 << 7,
    /// <summary>Mode: enter presence.</summary>
    Presence = 1 << 16,
    /// <summary>Mode: publish messages.</summary>
    Publish = 1 << 17,
    /// <summary>Mode: receive messages.</summary>
    Subscribe = 1 << 18,
    /// <summary>Mode: receive presence.</summary>
    PresenceSubscribe = 1 << 19,
    /// <summary>Mode: publish annotations.</summary>
    AnnotationPublish = 1 << 21,
    /// <summary>Mode: receive annotations.</summary>
    AnnotationSubscribe = 1 << 22,
    /// <summary>Mode: receive LiveObjects operations.</summary>
    ObjectSubscribe = 1 << 24,
    /// <summary>Mode: publish LiveObjects operations.</summary>
    ObjectPublish = 1 << 25,

    /// <summary>Every channel mode this implementation knows.</summary>
    AllModes = Presence | Publish | Subscribe | PresenceSubscribe | AnnotationPublish | AnnotationSubscribe | ObjectSubscribe | ObjectPublish,
}
