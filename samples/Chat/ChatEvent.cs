namespace Chat;

/// <summary>Something that happened in a room, in the order the room saw it.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Line">The message, for <see cref="ChatEventKind.Message"/>.</param>
/// <param name="Members">Everyone present now, by name, for <see cref="ChatEventKind.Members"/>.</param>
public sealed record ChatEvent(ChatEventKind Kind, ChatLine? Line, IReadOnlyList<ChatMember>? Members);
