using System.Globalization;
using System.Text;

namespace RealtimeAdapters.Firebase.Protocol;

/// <summary>
/// Cuts an outgoing message into the frames the SDKs reassemble: a message longer than <see cref="MaxFrameChars"/> UTF-16
/// units goes as a frame holding the piece count, then the pieces. Pieces end between code points, never inside a
/// surrogate pair (the client joins the pieces' text, and a half pair would arrive as U+FFFD). A count is never 0 or 1:
/// a lone <c>0</c> would make the client wait forever for pieces.
/// </summary>
public static class FrameSplitter
{
    /// <summary>The SDK's frame size, in UTF-16 code units.</summary>
    public const int MaxFrameChars = 16384;

    /// <summary>The frames to send for <paramref name="message"/> (UTF-8 JSON): itself when short enough, else a count and the pieces.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Split(byte[] message)
    {
        // UTF-16 never needs more units than UTF-8 needs bytes, so a short message is known to fit without decoding it.
        if (message.Length <= MaxFrameChars)
        {
            return [message];
        }

        var text = Encoding.UTF8.GetString(message);
        if (text.Length <= MaxFrameChars)
        {
            return [message];
        }

        var pieces = new List<ReadOnlyMemory<byte>> { ReadOnlyMemory<byte>.Empty };
        for (var start = 0; start < text.Length;)
        {
            var end = Math.Min(start + MaxFrameChars, text.Length);
            if (end < text.Length && char.IsHighSurrogate(text[end - 1]))
            {
                end--;
            }

            pieces.Add(Encoding.UTF8.GetBytes(text, start, end - start));
            start = end;
        }

        pieces[0] = Encoding.ASCII.GetBytes((pieces.Count - 1).ToString(CultureInfo.InvariantCulture));
        return pieces;
    }
}
