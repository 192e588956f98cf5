using System.Text.Json;

namespace RealtimeAdapters.Ably.Realtime;

/// <summary>
/// The state a new client instance needs to take over a connection (RTN16g): the connection key, the next msgSerial and
/// each attached channel's serial. Serialised as the JSON Ably clients use.
/// </summary>
internal sealed record AblyRecoveryKey(string ConnectionKey, long MsgSerial, IReadOnlyDictionary<string, string> ChannelSerials)
{
    public string Serialize()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("connectionKey", ConnectionKey);
            writer.WriteNumber("msgSerial", MsgSerial);
            writer.WriteStartObject("channelSerials");
            foreach (var (channel, serial) in ChannelSerials)
            {
                writer.WriteString(channel, serial);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a recovery key; null with a reason when it is not one.</summary>
    public static AblyRecoveryKey? TryParse(string text, out string? problem)
    {
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("connectionKey", out var key) || key.ValueKind != JsonValueKind.String || key.GetString() is not { Length: > 0 } connectionKey)
            {
                problem = "it has no \"connectionKey\" string.";
                return null;
            }

            long msgSerial = 0;
            if (root.TryGetProperty("msgSerial", out var serial) && (serial.ValueKind != JsonValueKind.Number || !serial.TryGetInt64(out msgSerial) || msgSerial < 0))
            {
                problem = "its \"msgSerial\" is not a non-negative integer.";
                return null;
            }

            var channels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("channelSerials", out var serials) && serials.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in serials.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } value)
                    {
                        channels[property.Name] = value;
                    }
                }
            }

            return new AblyRecoveryKey(connectionKey, msgSerial, channels);
        }
        catch (JsonException)
        {
            problem = "it is not JSON.";
            return null;
        }
    }
}
