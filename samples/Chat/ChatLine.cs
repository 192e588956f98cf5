namespace Chat;

/// <summary>A message said in a room.</summary>
/// <param name="Id">The message id (assigned by the backend).</param>
/// <param name="Author">Who said it (the publisher's client id).</param>
/// <param name="Text">What was said.</param>
/// <param name="Timestamp">When the backend received it.</param>
public sealed record ChatLine(string Id, string Author, string Text, DateTimeOffset? Timestamp);
