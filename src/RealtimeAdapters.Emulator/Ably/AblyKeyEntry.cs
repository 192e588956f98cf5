using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>One API key of the emulator with its capability, parsed from <c>APP.KEY:SECRET[=CAPABILITY_JSON]</c>.</summary>
internal sealed record AblyKeyEntry(AblyApiKey Key, AblyCapability Capability)
{
    /// <exception cref="RealtimeValidationException">The text is not a key, or the capability does not parse.</exception>
    public static AblyKeyEntry Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            throw new RealtimeValidationException("An Ably key must not be empty: use APP.KEY:SECRET[=CAPABILITY_JSON].", "Ably.Keys");
        }

        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var keyText = eq < 0 ? text : text[..eq];
        if (!AblyApiKey.TryParse(keyText, out var key))
        {
            // The secret is not quoted: only the part before the colon.
            var name = keyText.Split(':')[0];
            throw new RealtimeValidationException($"Invalid Ably key \"{name}:…\": use APP.KEY:SECRET[=CAPABILITY_JSON].", "Ably.Keys");
        }

        var capability = AblyCapability.AllowAll;
        if (eq >= 0)
        {
            try
            {
                capability = AblyCapability.Parse(text[(eq + 1)..]);
            }
            catch (AblyProtocolException ex)
            {
                throw new RealtimeValidationException($"Invalid capability of Ably key \"{key.KeyName}\": {ex.Message}", "Ably.Keys");
            }
        }

        return new AblyKeyEntry(key, capability);
    }
}
