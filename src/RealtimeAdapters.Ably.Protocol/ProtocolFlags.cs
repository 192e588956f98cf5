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
    None = 0,
    HasPresence = 1 << 0,
    HasBacklog = 1 << 1,
    Resumed = 1 << 2,
    Transient = 1 << 4,
    AttachResume = 1 << 5,
    HasObjects = 1 << 7,
    Presence = 1 << 16,
    Publish = 1 << 17,
    Subscribe = 1 << 18,
    PresenceSubscribe = 1 << 19,
    AnnotationPublish = 1 << 21,
    AnnotationSubscribe = 1 << 22,
    ObjectSubscribe = 1 << 24,
    ObjectPublish = 1 << 25,

    /// <summary>Every channel mode this implementation knows.</summary>
    AllModes = Presence | Publish | Subscribe | PresenceSubscribe | AnnotationPublish | AnnotationSubscribe | ObjectSubscribe | ObjectPublish,
}
