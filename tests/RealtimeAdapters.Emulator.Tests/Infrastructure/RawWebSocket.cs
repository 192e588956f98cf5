using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace RealtimeAdapters.Emulator.Tests.Infrastructure;

/// <summary>
/// A WebSocket client over a bare TCP socket, for sending frames a well-behaved client library never sends (invalid
/// UTF-8, reserved bits, unmasked frames) and seeing exactly how the server ends the connection.
/// </summary>
internal sealed class RawWebSocket : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Connects and completes the upgrade handshake for <paramref name="pathAndQuery"/>.</summary>
    public static async Task<RawWebSocket> ConnectAsync(Uri server, string pathAndQuery, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken).AsTask().WaitAsync(Wait, cancellationToken);
        var socket = new RawWebSocket(tcp);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: {server.Host}:{server.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                      $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await socket._stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
        var head = new StringBuilder();
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            head.Append((char)await socket.ReadByteAsync(cancellationToken));
        }

        Assert.StartsWith("HTTP/1.1 101", head.ToString(), StringComparison.Ordinal);
        return socket;
    }

    /// <summary>Sends one frame: FIN set, the given opcode and extra first-byte bits, masked unless told otherwise.</summary>
    public async Task SendFrameAsync(byte opcode, byte[] payload, CancellationToken cancellationToken, byte extraBits = 0, bool mask = true)
    {
        using var frame = new MemoryStream();
        frame.WriteByte((byte)(0x80 | extraBits | opcode));
        var maskBit = mask ? (byte)0x80 : (byte)0;
        if (payload.Length < 126)
        {
            frame.WriteByte((byte)(maskBit | payload.Length));
        }
        else
        {
            frame.WriteByte((byte)(maskBit | 126));
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)payload.Length);
            frame.Write(length);
        }

        var body = payload.ToArray();
        if (mask)
        {
            var key = RandomNumberGenerator.GetBytes(4);
            frame.Write(key);
            for (var i = 0; i < body.Length; i++)
            {
                body[i] ^= key[i % 4];
            }
        }

        frame.Write(body);
        await _stream.WriteAsync(frame.ToArray(), cancellationToken);
    }

    /// <summary>
    /// Reads frames until a close frame and returns its status code, or <see langword="null"/> when the connection ended
    /// (reset or closed) without one. Data frames before it are skipped.
    /// </summary>
    public async Task<int?> ReadCloseStatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var first = await ReadByteAsync(cancellationToken);
                var second = await ReadByteAsync(cancellationToken);
                long length = second & 0x7F;
                if (length == 126)
                {
                    length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(2, cancellationToken));
                }
                else if (length == 127)
                {
                    length = (long)BinaryPrimitives.ReadUInt64BigEndian(await ReadExactlyAsync(8, cancellationToken));
                }

                var payload = await ReadExactlyAsync((int)length, cancellationToken);
                if ((first & 0x0F) == 0x8)
                {
                    return payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException)
        {
            return null;
        }
    }

    private async Task<int> ReadByteAsync(CancellationToken cancellationToken) => (await ReadExactlyAsync(1, cancellationToken))[0];

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer, cancellationToken).AsTask().WaitAsync(Wait, cancellationToken);
        return buffer;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }
}
