using System.Buffers;
using MessagePack;

namespace RealtimeAdapters.Ably.Tests.Protocol;

/// <summary>A class wrapper so that lambdas can write to a <see cref="MessagePackWriter"/> (a ref struct).</summary>
internal sealed class MessagePackWriterBox(IBufferWriter<byte> output)
{
    private readonly IBufferWriter<byte> _output = output;

    private void Do(Action<IBufferWriter<byte>> action) => action(_output);

    public void WriteMapHeader(int count) => Do(o => { var w = new MessagePackWriter(o); w.WriteMapHeader(count); w.Flush(); });

    public void WriteArrayHeader(int count) => Do(o => { var w = new MessagePackWriter(o); w.WriteArrayHeader(count); w.Flush(); });

    public void Write(string value) => Do(o => { var w = new MessagePackWriter(o); w.Write(value); w.Flush(); });

    public void Write(int value) => Do(o => { var w = new MessagePackWriter(o); w.Write(value); w.Flush(); });

    public void Write(long value) => Do(o => { var w = new MessagePackWriter(o); w.Write(value); w.Flush(); });

    public void Write(double value) => Do(o => { var w = new MessagePackWriter(o); w.Write(value); w.Flush(); });

    public void Write(bool value) => Do(o => { var w = new MessagePackWriter(o); w.Write(value); w.Flush(); });

    public void Write(byte[] value) => Do(o => { var w = new MessagePackWriter(o); w.Write(value); w.Flush(); });

    public void WriteNil() => Do(o => { var w = new MessagePackWriter(o); w.WriteNil(); w.Flush(); });
}
