namespace Chat;

/// <summary>Someone present in a room.</summary>
/// <param name="Name">The member's client id.</param>
/// <param name="Typing">Whether they are typing (on any of their connections).</param>
public sealed record ChatMember(string Name, bool Typing);
