namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// Conversions between wire messages and the contract types <see cref="ChannelMessage"/> and <see cref="PresenceMessage"/>:
/// payload encoding, millisecond timestamps, and the fields a message inherits from its ProtocolMessage (TM2a, TM2c,
/// TM2f: <c>id</c> becomes <c>protocolMessageId:index</c>, <c>connectionId</c> and <c>timestamp</c> are copied).
/// </summary>
public static class MessageMapper
{
    /// <summary>Encodes a message for sending: its payload per RSL4 (and encrypted with <paramref name="cipher"/>), its time in ms.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads take different message types, so calls stay unambiguous.")]
    public static WireMessage ToWire(ChannelMessage message, WireFormat format, CipherParams? cipher = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (data, encoding) = PayloadEncoder.Encode(message.Data, format, cipher);
        return new WireMessage
        {
            Id = message.Id,
            Name = message.Name,
            Data = data,
            Encoding = encoding,
            ClientId = message.ClientId,
            ConnectionId = message.ConnectionId,
            Timestamp = ToMilliseconds(message.Timestamp),
            Extras = message.Extras,
            Serial = message.Serial,
        };
    }

    /// <summary>Decodes a received message; a payload that cannot be fully decoded is delivered as far as it was decoded.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "The overload with more parameters adds an out parameter, which cannot be optional.")]
    public static ChannelMessage FromWire(WireMessage message, ProtocolMessage? parent = null, int index = 0, CipherParams? cipher = null) =>
        FromWire(message, parent, index, cipher, out _);

    /// <summary>Decodes a received message and reports a payload decoding failure in <paramref name="decodeError"/>.</summary>
    public static ChannelMessage FromWire(WireMessage message, ProtocolMessage? parent, int index, CipherParams? cipher, out ErrorInfo? decodeError)
    {
        ArgumentNullException.ThrowIfNull(message);
        var decoded = PayloadEncoder.Decode(message.Data, message.Encoding, cipher);
        decodeError = decoded.Error;
        return new ChannelMessage
        {
            Id = message.Id ?? InheritedId(parent, index),
            Name = message.Name,
            Data = decoded.Data,
            ClientId = message.ClientId,
            ConnectionId = message.ConnectionId ?? parent?.ConnectionId,
            Timestamp = ToTime(message.Timestamp ?? parent?.Timestamp),
            Extras = message.Extras,
            Serial = message.Serial,
        };
    }

    /// <summary>Encodes a presence message for sending, as <see cref="ToWire(ChannelMessage, WireFormat, CipherParams?)"/> does.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads take different message types, so calls stay unambiguous.")]
    public static WirePresenceMessage ToWire(PresenceMessage message, WireFormat format, CipherParams? cipher = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (data, encoding) = PayloadEncoder.Encode(message.Data, format, cipher);
        return new WirePresenceMessage
        {
            Id = message.Id,
            Action = message.Action,
            ClientId = string.IsNullOrEmpty(message.ClientId) ? null : message.ClientId,
            ConnectionId = message.ConnectionId,
            Data = data,
            Encoding = encoding,
            Extras = message.Extras,
            Timestamp = ToMilliseconds(message.Timestamp),
        };
    }

    /// <summary>Decodes a received presence message; a payload that cannot be fully decoded is delivered as far as it was decoded.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads take different message types, so calls stay unambiguous.")]
    public static PresenceMessage FromWire(WirePresenceMessage message, ProtocolMessage? parent = null, int index = 0, CipherParams? cipher = null) =>
        FromWire(message, parent, index, cipher, out _);

    /// <summary>Decodes a received presence message.</summary>
    /// <exception cref="AblyProtocolException">The action is not one of the five presence actions.</exception>
    public static PresenceMessage FromWire(WirePresenceMessage message, ProtocolMessage? parent, int index, CipherParams? cipher, out ErrorInfo? decodeError)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Action is < PresenceAction.Absent or > PresenceAction.Update)
        {
            throw AblyProtocolException.Malformed($"Unknown presence action {(int)message.Action}.");
        }

        var decoded = PayloadEncoder.Decode(message.Data, message.Encoding, cipher);
        decodeError = decoded.Error;
        return new PresenceMessage
        {
            Id = message.Id ?? InheritedId(parent, index),
            Action = message.Action,
            ClientId = message.ClientId ?? string.Empty,
            ConnectionId = message.ConnectionId ?? parent?.ConnectionId,
            Data = decoded.Data,
            Extras = message.Extras,
            Timestamp = ToTime(message.Timestamp ?? parent?.Timestamp),
        };
    }

    /// <summary>
    /// The messages of <paramref name="protocolMessage"/> with the inherited <c>id</c>, <c>connectionId</c> and
    /// <c>timestamp</c> filled in (copies; the originals are not changed). What a server stores and relays.
    /// </summary>
    internal static List<WireMessage> WithInheritedFields(ProtocolMessage protocolMessage)
    {
        ArgumentNullException.ThrowIfNull(protocolMessage);
        var messages = protocolMessage.Messages ?? [];
        var result = new List<WireMessage>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            result.Add(m with
            {
                Id = m.Id ?? InheritedId(protocolMessage, i),
                ConnectionId = m.ConnectionId ?? protocolMessage.ConnectionId,
                Timestamp = m.Timestamp ?? protocolMessage.Timestamp,
            });
        }

        return result;
    }

    /// <summary>The presence messages of <paramref name="protocolMessage"/> with inherited fields filled in (copies).</summary>
    public static List<WirePresenceMessage> WithInheritedPresenceFields(ProtocolMessage protocolMessage)
    {
        ArgumentNullException.ThrowIfNull(protocolMessage);
        var messages = protocolMessage.Presence ?? [];
        var result = new List<WirePresenceMessage>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            result.Add(m with
            {
                Id = m.Id ?? InheritedId(protocolMessage, i),
                ConnectionId = m.ConnectionId ?? protocolMessage.ConnectionId,
                Timestamp = m.Timestamp ?? protocolMessage.Timestamp,
            });
        }

        return result;
    }

    internal static DateTimeOffset? ToTime(long? milliseconds) =>
        milliseconds is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, JsonWire.MinTimestamp, JsonWire.MaxTimestamp)) : null;

    /// <summary>A time as milliseconds since the Unix epoch, as the wire carries it.</summary>
    public static long? ToMilliseconds(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    private static string? InheritedId(ProtocolMessage? parent, int index) =>
        parent?.Id is { } id ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{id}:{index}") : null;
}
