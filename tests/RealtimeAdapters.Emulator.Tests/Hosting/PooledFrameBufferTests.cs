using System.Buffers;
using RealtimeAdapters.Emulator.Hosting;

namespace RealtimeAdapters.Emulator.Tests.Hosting;

public class PooledFrameBufferTests
{
    [Fact]
    public void Write_GrowsPastTheFirstArray_KeepsEveryByteInOrder()
    {
        var buffer = new PooledFrameBuffer();
        var expected = new byte[70_000];
        for (var i = 0; i < expected.Length; i++)
        {
            expected[i] = (byte)(i * 31);
        }

        // Written in uneven pieces, as a JSON or msgpack writer asks for room.
        for (var offset = 0; offset < expected.Length;)
        {
            var piece = Math.Min(777, expected.Length - offset);
            buffer.Write(expected.AsSpan(offset, piece));
            offset += piece;
        }

        Assert.Equal(expected, buffer.WrittenMemory.ToArray());
    }

    [Fact]
    public void Release_StartsTheNextFrameEmpty()
    {
        var buffer = new PooledFrameBuffer();
        buffer.Write("first frame"u8);
        buffer.Release();
        Assert.True(buffer.WrittenMemory.IsEmpty);

        buffer.Write("second"u8);
        Assert.Equal("second"u8.ToArray(), buffer.WrittenMemory.ToArray());
    }

    [Fact]
    public void Advance_PastTheMemoryGiven_Throws()
    {
        var buffer = new PooledFrameBuffer();
        var memory = buffer.GetMemory(10);
        Assert.Throws<InvalidOperationException>(() => buffer.Advance(memory.Length + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(-1));
    }
}
