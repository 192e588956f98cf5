using System.Globalization;
using System.Text;

namespace RealtimeAdapters.Firebase;

/// <summary>
/// Where and how <see cref="FirebaseChannelClient"/> keeps channels in the database, so that any Firebase client can
/// publish to and read them. Below the root (<c>channels</c> by default) each channel has one node, keyed by its name
/// with <see cref="EncodeKey"/>:
/// <code>
/// channels/{channel}/messages/{push id}   { name, data, encoding, clientId, connectionId, id, extras, timestamp }
/// channels/{channel}/ids/{message id}     { key, timestamp }     the push id of a message published with an id
/// channels/{channel}/presence/{push id}   { clientId, connectionId, data, encoding, timestamp }   one per present member
/// channels/{channel}/presenceEvents/{push id} { action, clientId, connectionId, data, encoding, timestamp }
/// channels/{channel}/meta                 { count, trim }        how many messages are kept; the trim lease
/// </code>
/// <para>
/// A message: <c>name</c> is the event name (absent when none); <c>data</c> is a string, or base64 with
/// <c>encoding: "base64"</c> for binary, or JSON text with <c>encoding: "json"</c> for a JSON payload (absent when
/// none); <c>extras</c> is JSON text; <c>timestamp</c> is the database's time (write
/// <c>{".sv": "timestamp"}</c>); <c>id</c> is the message id (the push id when the publisher gave none). Subscribers
/// listen to <c>messages</c> ordered by <c>timestamp</c>, so a message without one is never delivered.
/// </para>
/// <para>
/// Presence: a member is a child of <c>presence</c> that its connection removes on disconnect (an on-disconnect write
/// registered when it enters), with an <c>action</c> (<c>enter</c>, <c>update</c>, <c>leave</c>) logged in
/// <c>presenceEvents</c> for each change, the leave included (it is part of the on-disconnect write).
/// </para>
/// </summary>
public static class FirebaseChannelLayout
{
    private static readonly System.Buffers.SearchValues<char> Escaped = System.Buffers.SearchValues.Create("%.$#[]/");

    /// <summary>The default root: <c>channels</c>.</summary>
    public const string DefaultRoot = "channels";

    /// <summary>The child of a channel holding its messages.</summary>
    public const string Messages = "messages";

    /// <summary>The child of a channel mapping message ids to their push ids (idempotent publishing).</summary>
    public const string Ids = "ids";

    /// <summary>The child of a channel holding its present members.</summary>
    public const string Presence = "presence";

    /// <summary>The child of a channel logging presence changes (presence history and subscriptions).</summary>
    public const string PresenceEvents = "presenceEvents";

    /// <summary>The child of a channel holding its bookkeeping: the message count and the trim lease.</summary>
    public const string Meta = "meta";

    /// <summary>The field every entry is ordered by: the database's timestamp in milliseconds since the Unix epoch.</summary>
    public const string Timestamp = "timestamp";

    /// <summary>
    /// Encodes a channel name, message id or client id into a database key: <c>%</c>, <c>.</c>, <c>$</c>, <c>#</c>,
    /// <c>[</c>, <c>]</c> and <c>/</c> become <c>%XX</c> (upper-case hex); everything else is kept. In JavaScript:
    /// <c>s.replace(/[%.$#\[\]\/]/g, c =&gt; '%' + c.charCodeAt(0).toString(16).toUpperCase())</c>.
    /// </summary>
    /// <param name="value">The text (without control characters).</param>
    /// <returns>The key.</returns>
    public static string EncodeKey(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny(Escaped) < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '%' or '.' or '$' or '#' or '[' or ']' or '/')
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>The location of a channel below a root.</summary>
    /// <param name="root">The root (<see cref="DefaultRoot"/> by default).</param>
    /// <param name="channelName">The channel name (<see cref="ChannelNames"/>).</param>
    /// <exception cref="RealtimeValidationException">The name is invalid, or too long for a database key once encoded (40010).</exception>
    public static RealtimePath ChannelPath(RealtimePath root, string channelName)
    {
        ArgumentNullException.ThrowIfNull(root);
        ChannelNames.Validate(channelName);
        var key = EncodeKey(channelName);
        if (RealtimeKeys.GetProblem(key) is { } problem)
        {
            throw new RealtimeValidationException($"Invalid channel name for Firebase: {problem}", channelName) { ErrorCode = "40010" };
        }

        return root.Child(key);
    }

    /// <summary>Describes why <paramref name="root"/> cannot be the channels' root, or returns <see langword="null"/>.</summary>
    /// <param name="root">The candidate root path.</param>
    public static string? GetRootProblem(string? root) =>
        string.IsNullOrWhiteSpace(root) ? "Root must name a location (e.g. \"channels\"); the database root cannot hold channels."
        : !RealtimePath.TryParse(root, out var path) || path!.IsRoot ? $"Root \"{root}\" is not a valid database path below the root."
        : null;
}
