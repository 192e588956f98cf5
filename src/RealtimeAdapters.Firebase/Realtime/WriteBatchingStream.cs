using System.Buffers;

namespace RealtimeAdapters.Firebase.Realtime;

/// <summary>
/// The realtime socket's connection stream (below TLS, when there is TLS), able to gather writes: between
/// <see cref="Hold"/> and <see cref="SendHeldAsync"/> every write is kept in a buffer, then all of them go to the network
/// in one write. The client's send loop holds while it drains its queue, so a burst of pipelined requests costs one
/// system call instead of one per message; a lone request costs what it did. Reads pass through.
/// </summary>
/// <remarks>
/// Writes come from the WebSocket, which sends one frame at a time (its own lock), and from the send loop's flush; the
/// gate keeps the buffer consistent between them and the send lock keeps their bytes in order on the network.
/// </remarks>
internal sealed class WriteBatchingStream(Stream inner) : Stream
{
    // Past this much held data the bytes go out at once (a large value must not wait for the end of the batch).
    private const int MaxHeldBytes = 64 * 1024;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private ArrayBufferWriter<byte> _held = new(4096);
    private ArrayBufferWriter<byte> _spare = new(4096);
    private bool _holding;

    public override bool CanRead => inner.CanRead;

    public override bool CanWrite => inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Keeps the writes that follow until <see cref="SendHeldAsync"/>.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _holding = true;
        }
    }

    /// <summary>Sends what was kept since <see cref="Hold"/>, in one write, and stops keeping writes.</summary>
    public Task SendHeldAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _holding = false;
            if (_held.WrittenCount == 0)
            {
                return Task.CompletedTask;
            }
        }

        return SendPendingAsync(cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_holding || _held.WrittenCount > 0)
            {
                // Behind held bytes, even when no longer holding (a flush is on its way): order is kept.
                _held.Write(buffer.Span);
                return _held.WrittenCount < MaxHeldBytes || !_holding ? ValueTask.CompletedTask : new ValueTask(SendPendingAsync(cancellationToken));
            }
        }

        return WriteThroughAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        bool pending;
        lock (_gate)
        {
            pending = !_holding && _held.WrittenCount > 0;
        }

        if (pending)
        {
            await SendPendingAsync(cancellationToken).ConfigureAwait(false);
        }

        await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask WriteThroughAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Sends everything held so far (and whatever is added while it is sent), one write per swap of buffers.</summary>
    private async Task SendPendingAsync(CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                ArrayBufferWriter<byte> batch;
                lock (_gate)
                {
                    if (_held.WrittenCount == 0)
                    {
                        return;
                    }

                    batch = _held;
                    _held = _spare;
                    _spare = batch;
                }

                await inner.WriteAsync(batch.WrittenMemory, cancellationToken).ConfigureAwait(false);
                batch.ResetWrittenCount();
            }
        }
        finally
        {
            _sending.Release();
        }
    }
}
