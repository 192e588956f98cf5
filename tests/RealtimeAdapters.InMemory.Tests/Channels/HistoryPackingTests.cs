using System.Runtime.InteropServices;
using System.Text.Json;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.InMemory.Tests.Channels;

/// <summary>
/// Retained messages are packed into reused byte chunks (<see cref="ChannelMessagePacker"/>, <see cref="HistoryLog{T}"/>)
/// and must read back equal; what cannot be restored equal is kept as it was published.
/// </summary>
public sealed class HistoryPackingTests
{
    public static TheoryData<ChannelMessage> Packable() => new()
    {
        new ChannelMessage(),
        new ChannelMessage("tick", MessageData.FromString("hello")),
        new ChannelMessage("ünï-cödé ✓", MessageData.FromString("𝄞 and \u0000 and \"quotes\"")) { Id = "c1:2:3", ClientId = "me", ConnectionId = "c1", Serial = "0001", Timestamp = new DateTimeOffset(2026, 12, 3, 18, 0, 0, 123, TimeSpan.FromHours(-5.5)) },
        new ChannelMessage(null, MessageData.FromString(string.Empty)) { Id = string.Empty, Name = string.Empty },
        new ChannelMessage("json", MessageData.FromJson(JsonDocument.Parse("""{"a":[1,2.5,true,null,{"b":"c"}],"d":"\u00e9"}""").RootElement)) { Timestamp = DateTimeOffset.UnixEpoch },
        new ChannelMessage("number", MessageData.FromJson(JsonDocument.Parse("42").RootElement)),
        new ChannelMessage("array", MessageData.FromJson(JsonDocument.Parse("[]").RootElement)) { Serial = "s" },
    };

    [Theory]
    [MemberData(nameof(Packable))]
    public void Packer_RoundTrips_Equal(ChannelMessage message)
    {
        var packer = ChannelMessagePacker.Instance;
        var size = packer.MaxSize(message);
        Assert.True(size > 0);
        var bytes = new byte[size];
        var written = packer.Pack(message, bytes);
        Assert.InRange(written, 2, size);

        var read = packer.Unpack(bytes.AsSpan(0, written));

        Assert.Equal(message, read);
        Assert.Equal(message.Timestamp?.Offset, read.Timestamp?.Offset);
    }

    [Fact]
    public void Packer_Declines_WhatWouldNotReadBackTheSame()
    {
        var packer = ChannelMessagePacker.Instance;
        Assert.Equal(-1, packer.MaxSize(new ChannelMessage("bin", MessageData.FromBytes([1, 2, 3]))));
        Assert.Equal(-1, packer.MaxSize(new ChannelMessage("x", MessageData.FromString("a")) { Extras = JsonDocument.Parse("""{"headers":{}}""").RootElement }));
        foreach (var lone in new[] { new ChannelMessage("lone \uD800 surrogate", MessageData.FromString("a")), new ChannelMessage("x", MessageData.FromString("lone \uDC00")) })
        {
            Assert.Equal(-1, packer.Pack(lone, new byte[packer.MaxSize(lone)]));
        }
    }

    [Fact]
    public void Log_ReadsBackEveryRetainedMessage_AndReusesItsChunks()
    {
        var log = new HistoryLog<ChannelMessage>(1_000, ChannelMessagePacker.Instance);
        for (var serial = 1L; serial <= 200_000; serial++)
        {
            log.Append(serial, serial, Message(serial));
        }

        var (items, next) = log.Read(HistoryDirection.Forwards, fromSerial: null, startTicks: null, endTicks: null, limit: 1_000);
        Assert.Null(next);
        Assert.Equal(Enumerable.Range(199_001, 1_000).Select(i => Message(i)), items);

        // Chunks grow from 1 KB to 64 KB (seven sizes); after that a steady stream recycles the emptied ones.
        Assert.InRange(log.ChunksCreated, 1, 12);

        log.Prune(cutoffTicks: 199_501);
        var (rest, _) = log.Read(HistoryDirection.Backwards, fromSerial: null, startTicks: null, endTicks: null, limit: 10);
        Assert.Equal(Enumerable.Range(199_991, 10).Reverse().Select(i => Message(i)), rest);
    }

    [Fact]
    public void Log_QuietChannel_KeepsASmallChunk_AndNoneOnceEmpty()
    {
        var log = new HistoryLog<ChannelMessage>(10_000, ChannelMessagePacker.Instance);
        log.Append(1, 1, Message(1));
        Assert.InRange(log.ChunkBytes, 1, 1024);

        log.Prune(cutoffTicks: 2);
        Assert.Equal(0, log.Count);
        Assert.Equal(0, log.ChunkBytes);

        log.Append(2, 3, Message(2));
        var (items, _) = log.Read(HistoryDirection.Forwards, null, null, null, 10);
        Assert.Equal([Message(2)], items);
    }

    [Fact]
    public void Log_KeepsUnpackableMessagesAsPublished()
    {
        var log = new HistoryLog<ChannelMessage>(10, ChannelMessagePacker.Instance);
        var payload = new byte[] { 9, 8, 7 };
        var binary = new ChannelMessage("bin", MessageData.FromBytes(payload));
        log.Append(1, 1, Message(1));
        log.Append(2, 2, binary);
        log.Append(3, 3, Message(3));
        var lone = new ChannelMessage("lone \uD800", MessageData.FromString("kept as published"));
        log.Append(4, 4, lone);

        var (items, _) = log.Read(HistoryDirection.Forwards, null, null, null, 10);

        Assert.Equal([Message(1), binary, Message(3), lone], items);
        Assert.Same(lone, items[3]);
        Assert.Same(binary, items[1]);
        Assert.True(MemoryMarshal.TryGetArray(items[1].Data.AsBytes(), out var segment));
        Assert.Equal(payload.Length, segment.Array!.Length);
    }

    private static ChannelMessage Message(long serial) => new("tick", MessageData.FromString($"payload {serial}"))
    {
        Id = $"conn:{serial}:0",
        ConnectionId = "conn",
        Serial = serial.ToString("D12", System.Globalization.CultureInfo.InvariantCulture),
        Timestamp = DateTimeOffset.UnixEpoch.AddMilliseconds(serial),
    };
}
