using System.Text;

namespace RealtimeAdapters;

/// <summary>
/// The checks every channel provider applies before it publishes or changes presence, with the Ably error codes: message
/// sizes (40009), client ids (40012), message ids (40031), presence without a client id (91000). One copy, so that the
/// in-memory fake and the mapped providers refuse the same input with the same error.
/// </summary>
public static class ChannelValidation
{
    /// <summary>Checks a batch about to be published; throws on the first problem, naming the message's index.</summary>
    /// <param name="channelName">The channel, for messages.</param>
    /// <param name="clientId">The publishing client's client id, or <see langword="null"/> when anonymous.</param>
    /// <param name="messages">The batch.</param>
    /// <param name="maxMessageSize">The largest message accepted, in bytes as <see cref="ChannelMessage.GetSize"/> counts them.</param>
    /// <exception cref="ArgumentException">The batch holds a null message (an empty batch is valid and publishes nothing).</exception>
    /// <exception cref="MessageTooLargeException">A message is over the limit (40009).</exception>
    /// <exception cref="RealtimeValidationException">A message names another client id, an empty or wildcard one (40012), or has an empty id (40031).</exception>
    public static void ValidateBatch(string channelName, string? clientId, IReadOnlyList<ChannelMessage> messages, int maxMessageSize)
    {
        ArgumentNullException.ThrowIfNull(messages);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new ArgumentException($"The message at index {i} is null.", nameof(messages));
            var size = message.GetSize();
            if (size > maxMessageSize)
            {
                throw new MessageTooLargeException(size, maxMessageSize, $"message at index {i} on channel \"{channelName}\"");
            }

            if (message.ClientId is { } messageClientId)
            {
                if (messageClientId.Length == 0 || messageClientId == "*")
                {
                    throw new RealtimeValidationException(
                        $"Invalid clientId \"{messageClientId}\" in the message at index {i} on channel \"{channelName}\": a message clientId must be a non-empty, non-wildcard string.",
                        messageClientId) { ErrorCode = "40012", StatusCode = 400 };
                }

                if (clientId is not null && !string.Equals(messageClientId, clientId, StringComparison.Ordinal))
                {
                    throw new RealtimeValidationException(
                        $"The message at index {i} on channel \"{channelName}\" names clientId \"{messageClientId}\", but the connection's clientId is \"{clientId}\".",
                        messageClientId) { ErrorCode = "40012", StatusCode = 400 };
                }
            }

            if (message.Id is { Length: 0 })
            {
                throw new RealtimeValidationException(
                    $"The message at index {i} on channel \"{channelName}\" has an empty id; omit the id or give a non-empty one.",
                    nameof(ChannelMessage.Id)) { ErrorCode = "40031", StatusCode = 400 };
            }
        }
    }

    /// <summary>Checks a presence change a client asks for: its action, its client id and its size.</summary>
    /// <param name="channelName">The channel, for messages.</param>
    /// <param name="message">The change (enter, update or leave).</param>
    /// <param name="maxMessageSize">The largest presence message accepted (client id, data and extras), in bytes.</param>
    /// <exception cref="RealtimeValidationException">The action is not enter, update or leave (40003), there is no client id (91000) or it is the wildcard (40012).</exception>
    /// <exception cref="MessageTooLargeException">The message is over the limit (40009).</exception>
    public static void ValidatePresence(string channelName, PresenceMessage message, int maxMessageSize)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Action is not (PresenceAction.Enter or PresenceAction.Update or PresenceAction.Leave))
        {
            throw new RealtimeValidationException(
                $"Invalid presence action {message.Action} on channel \"{channelName}\": a client can only enter, update or leave.",
                nameof(PresenceMessage.Action)) { ErrorCode = "40003", StatusCode = 400 };
        }

        if (string.IsNullOrEmpty(message.ClientId))
        {
            throw new RealtimeValidationException(
                $"Cannot {message.Action.ToString().ToLowerInvariant()} presence on channel \"{channelName}\" without a clientId: give the client a ClientId.",
                nameof(PresenceMessage.ClientId)) { ErrorCode = "91000", StatusCode = 400 };
        }

        if (message.ClientId == "*")
        {
            throw new RealtimeValidationException(
                $"Invalid presence clientId \"*\" on channel \"{channelName}\": the wildcard cannot be present.",
                message.ClientId) { ErrorCode = "40012", StatusCode = 400 };
        }

        var size = Encoding.UTF8.GetByteCount(message.ClientId) + message.Data.GetSize() +
            (message.Extras is { } extras ? Encoding.UTF8.GetByteCount(extras.GetRawText()) : 0);
        if (size > maxMessageSize)
        {
            throw new MessageTooLargeException(size, maxMessageSize, $"presence message for clientId \"{message.ClientId}\" on channel \"{channelName}\"");
        }
    }

    /// <summary>Checks a client id a client is configured with: <see langword="null"/> (anonymous) or a non-empty, non-wildcard string.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="where">Where it was configured, e.g. "FirebaseChannelOptions".</param>
    /// <exception cref="RealtimeValidationException">The client id is empty or the wildcard (40012).</exception>
    public static void ValidateClientId(string? clientId, string where)
    {
        if (clientId is not null && (clientId.Length == 0 || clientId == "*"))
        {
            throw new RealtimeValidationException(
                $"Invalid clientId \"{clientId}\" in {where}: use a non-empty, non-wildcard client id, or null for an anonymous client.",
                clientId) { ErrorCode = "40012" };
        }
    }
}
