using System.Text;

namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>What a request URL addresses: data at a path, the priority of a path, or the security rules.</summary>
internal sealed record FirebaseTarget(RealtimePath Path, bool IsPriority, bool IsRules)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Parses the raw (still percent-encoded) path of a request. Returns <see langword="null"/> when it does not end in
    /// <c>.json</c> (not a Firebase resource: 404).
    /// </summary>
    /// <exception cref="FirebaseHttpException">A segment is not a valid key, or the encoding is invalid (400).</exception>
    public static FirebaseTarget? Parse(string rawPath)
    {
        if (!rawPath.StartsWith('/') || !rawPath.EndsWith(".json", StringComparison.Ordinal))
        {
            return null;
        }

        var raw = rawPath[..^".json".Length].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var segments = new List<string>(raw.Length);
        foreach (var segment in raw)
        {
            segments.Add(PercentDecode(segment));
        }

        if (segments is [".settings", "rules"])
        {
            return new FirebaseTarget(RealtimePath.Root, IsPriority: false, IsRules: true);
        }

        var isPriority = segments.Count > 0 && segments[^1] == ".priority";
        if (isPriority)
        {
            segments.RemoveAt(segments.Count - 1);
        }

        foreach (var segment in segments)
        {
            var problem = RealtimeKeys.GetProblem(segment);
            if (problem is not null)
            {
                throw FirebaseHttpException.BadRequest($"Invalid path: {problem}");
            }
        }

        try
        {
            return new FirebaseTarget(RealtimePath.Parse(string.Join('/', segments)), isPriority, IsRules: false);
        }
        catch (RealtimeValidationException ex)
        {
            throw FirebaseHttpException.BadRequest(ex.Message);
        }
    }

    /// <summary>Decodes <c>%XX</c> escapes as UTF-8, refusing malformed escapes and invalid UTF-8.</summary>
    /// <param name="text">The encoded text.</param>
    /// <param name="plusIsSpace">Whether <c>+</c> stands for a space (form encoding, the service's legacy query decoding).</param>
    public static string PercentDecode(string text, bool plusIsSpace = false)
    {
        if (!text.Contains('%', StringComparison.Ordinal) && !(plusIsSpace && text.Contains('+', StringComparison.Ordinal)))
        {
            return text;
        }

        var bytes = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
                {
                    throw FirebaseHttpException.BadRequest("Invalid URL: malformed percent-encoding.");
                }

                bytes.Add((byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2])));
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
            {
                bytes.Add((byte)' ');
            }
            else if (char.IsSurrogate(c) && i + 1 < text.Length)
            {
                var n = Encoding.UTF8.GetBytes(text.AsSpan(i, 2), utf8);
                for (var k = 0; k < n; k++)
                {
                    bytes.Add(utf8[k]);
                }

                i++;
            }
            else
            {
                var n = Encoding.UTF8.GetBytes([c], utf8);
                for (var k = 0; k < n; k++)
                {
                    bytes.Add(utf8[k]);
                }
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw FirebaseHttpException.BadRequest("Invalid URL: percent-encoded text is not valid UTF-8.");
        }
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
