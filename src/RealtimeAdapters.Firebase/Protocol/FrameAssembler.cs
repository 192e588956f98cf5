using System.Buffers;

namespace RealtimeAdapters.Firebase.Protocol;

/// <summary>
/// Turns the WebSocket frames a client sends into protocol messages, as the SDK's own receiver does: a frame of at most
/// six digits announces that the next N frames are the pieces of one message; any other frame is a whole message. The
/// count <c>0</c> (and an empty frame) is the client's keepalive and yields nothing. A message may not exceed
/// <see cref="MaxMessageBytes"/>, however it is split.
/// </summary>
public sealed class FrameAssembler(long maxMessageBytes)
{
    private readonly ArrayBufferWriter<byte> _pieces = new();
    private int _remaining;

    /// <summary>The largest message accepted, in UTF-8 bytes.</summary>
    public long MaxMessageBytes => maxMessageBytes;

    /// <summary>Whether a split message is waiting for more pieces.</summary>
    public bool IsBuffering => _remaining > 0;

    /// <summary>Takes one frame.</summary>
    /// <param name="frame">The frame's UTF-8 text.</param>
    /// <param name="message">The completed message, when this frame completes one.</param>
    /// <returns>Whether a message is complete.</returns>
    /// <exception cref="InvalidDataException">The message is larger than <see cref="MaxMessageBytes"/>.</exception>
    public bool Add(ReadOnlySpan<byte> frame, out ReadOnlyMemory<byte> message)
    {
        message = default;
        if (_remaining > 0)
        {
            if (_pieces.WrittenCount + frame.Length > maxMessageBytes)
            {
                throw TooLarge();
            }

            _pieces.Write(frame);
            if (--_remaining > 0)
            {
                return false;
            }

            message = _pieces.WrittenSpan.ToArray();
            _pieces.Clear();
            return true;
        }

        if (TryReadCount(frame, out var count))
        {
            _remaining = count;
            return false;
        }

        if (frame.Length > maxMessageBytes)
        {
            throw TooLarge();
        }

        message = frame.ToArray();
        return true;
    }

    private static bool TryReadCount(ReadOnlySpan<byte> frame, out int count)
    {
        count = 0;
        if (frame.Length > 6)
        {
            return false;
        }

        foreach (var b in frame)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            count = (count * 10) + (b - '0');
        }

        return true;
    }

    private InvalidDataException TooLarge() => new($"A message exceeds the limit of {maxMessageBytes} bytes.");
}
