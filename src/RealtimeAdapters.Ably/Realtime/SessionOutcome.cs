namespace RealtimeAdapters.Ably.Realtime;

/// <summary>The end of a transport session and its reason.</summary>
internal readonly record struct SessionOutcome(SessionEndKind Kind, RealtimeException Reason);
