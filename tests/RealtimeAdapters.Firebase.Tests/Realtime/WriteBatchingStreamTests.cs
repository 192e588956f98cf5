using RealtimeAdapters.Firebase.Realtime;

namespace RealtimeAdapters.Firebase.Tests.Realtime;

/// <summary>The realtime socket's connection stream: writes gathered while held go out in one write, in order.</summary>
public class WriteBatchingStreamTests
{
    /// <summary>Records each write it gets as one entry.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public List<string> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(System.Text.Encoding.ASCII.GetString(buffer.Span));
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task WriteAsync_NotHeld_WritesThrough()
    {
        var inner = new RecordingStream();
        await using var stream = new WriteBatchingStream(inner);

        await stream.WriteAsync("a"u8.ToArray(), TestContext.Current.CancellationToken);
        await stream.WriteAsync("b"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.Equal(["a", "b"], inner.Writes);
    }

    [Fact]
    public async Task WriteAsync_Held_SentInOneWriteOnSendHeld()
    {
        var inner = new RecordingStream();
        await using var stream = new WriteBatchingStream(inner);

        stream.Hold();
        await stream.WriteAsync("a"u8.ToArray(), TestContext.Current.CancellationToken);
        await stream.WriteAsync("bc"u8.ToArray(), TestContext.Current.CancellationToken);
        Assert.Empty(inner.Writes);
        await stream.SendHeldAsync(TestContext.Current.CancellationToken);
        await stream.WriteAsync("d"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.Equal(["abc", "d"], inner.Writes);
    }

    [Fact]
    public async Task WriteAsync_HeldPastTheLimit_SentAtOnceInOrder()
    {
        var inner = new RecordingStream();
        await using var stream = new WriteBatchingStream(inner);
        var large = new byte[70 * 1024];
        large.AsSpan().Fill((byte)'x');

        stream.Hold();
        await stream.WriteAsync("a"u8.ToArray(), TestContext.Current.CancellationToken);
        await stream.WriteAsync(large, TestContext.Current.CancellationToken);
        await stream.WriteAsync("b"u8.ToArray(), TestContext.Current.CancellationToken);
        await stream.SendHeldAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, inner.Writes.Count);
        Assert.Equal("a" + new string('x', large.Length), inner.Writes[0]);
        Assert.Equal("b", inner.Writes[1]);
    }
}
