namespace Chat;

/// <summary>What a <see cref="ChatEvent"/> carries.</summary>
public enum ChatEventKind
{
    /// <summary>A new message (<see cref="ChatEvent.Line"/>).</summary>
    Message,

    /// <summary>Who is present changed, or someone started or stopped typing (<see cref="ChatEvent.Members"/>).</summary>
    Members,
}
