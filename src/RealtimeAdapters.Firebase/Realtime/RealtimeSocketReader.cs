using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using RealtimeAdapters.Firebase.Protocol;

namespace RealtimeAdapters.Firebase.Realtime;

/// <summary>Reads whole protocol messages: WebSocket messages joined from their fragments, then split messages reassembled.</summary>
internal sealed class RealtimeSocketReader(ClientWebSocket socket, long maxMessageBytes)
{
    private readonly FrameAssembler _assembler = new(maxMessageBytes);
    private readonly ArrayBufferWriter<byte> _frame = new(4096);

    public async Task<ReadOnlyMemory<byte>?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            _frame.Clear();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(_frame.GetMemory(4096), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                _frame.Advance(result.Count);
                if (_frame.WrittenCount > maxMessageBytes)
                {
                    throw new InvalidDataException($"A frame from the database exceeds {maxMessageBytes.ToString(CultureInfo.InvariantCulture)} bytes.");
                }
            }
            while (!result.EndOfMessage);

            if (_assembler.Add(_frame.WrittenSpan, out var message))
            {
                return message;
            }
        }
    }
}
