using System.Text;

namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// Message size as Ably counts it for <c>maxMessageSize</c> (TM6): name, payload, client id and extras, in UTF-8 bytes,
/// with the payload counted decoded (binary by its bytes, JSON by its text). Equals <see cref="ChannelMessage.GetSize"/>
/// of the decoded message.
/// </summary>
public static class MessageSize
{
    /// <summary>The size of one message.</summary>
    public static int Of(WireMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Utf8(message.Name) + OfData(message.Data, message.Encoding) + Utf8(message.ClientId) +
            (message.Extras is { } extras ? Encoding.UTF8.GetByteCount(extras.GetRawText()) : 0);
    }

    /// <summary>The size of one presence message (data, client id and extras).</summary>
    public static int Of(WirePresenceMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return OfData(message.Data, message.Encoding) + Utf8(message.ClientId) +
            (message.Extras is { } extras ? Encoding.UTF8.GetByteCount(extras.GetRawText()) : 0);
    }

    /// <summary>The total of several messages (the limit applies to everything one publish carries).</summary>
    public static long Of(IEnumerable<WireMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        long total = 0;
        foreach (var message in messages)
        {
            total += Of(message);
        }

        return total;
    }

    /// <summary>
    /// The payload's size without decoding it: base64 counts the bytes it stands for; a <c>json</c> string counts its text;
    /// an encrypted payload counts its ciphertext.
    /// </summary>
    internal static int OfData(WireData data, string? encoding) => data.Kind switch
    {
        WireDataKind.None => 0,
        WireDataKind.Binary => data.AsBytes().Length,
        WireDataKind.Json => Encoding.UTF8.GetByteCount(data.AsJson().GetRawText()),
        _ when encoding is not null && PayloadEncoder.EndsWithStep(encoding, "base64") => PayloadEncoder.GetBase64DecodedLength(data.AsString()),
        _ => Encoding.UTF8.GetByteCount(data.AsString()),
    };

    private static int Utf8(string? value) => value is null ? 0 : Encoding.UTF8.GetByteCount(value);
}
