using System.Buffers;

namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// A reusable output buffer for one outbound frame at a time, backed by <see cref="ArrayPool{T}.Shared"/>: a connection's
/// writer encodes a frame into it, sends <see cref="WrittenMemory"/>, then calls <see cref="Release"/>, so encoding a
/// frame allocates nothing per frame and an idle connection holds no buffer. Not thread-safe: one writer uses it.
/// </summary>
internal sealed class PooledFrameBuffer : IBufferWriter<byte>
{
    private const int MinimumSize = 1024;
    private byte[] _buffer = [];
    private int _written;

    /// <summary>The bytes written since the last <see cref="Release"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _buffer.Length)
        {
            throw new InvalidOperationException("Cannot advance past the end of the buffer.");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Forgets what was written and gives the array back to the pool.</summary>
    public void Release()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        var next = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(MinimumSize, _buffer.Length * 2)));
        _buffer.AsSpan(0, _written).CopyTo(next);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = next;
    }
}
