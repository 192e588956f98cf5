using System.Text;
using RealtimeAdapters.Firebase.Realtime;

namespace RealtimeAdapters.Firebase.Tests.Realtime;

/// <summary>The client's hand-built messages and its fast reading of a write's answer.</summary>
public class RealtimeWireTests
{
    [Fact]
    public void Envelope_IsTheDataMessageWithTheBodyInIt()
    {
        var message = RealtimeWire.Envelope(42, "p", """{"p":"/a","d":1}"""u8.ToArray());

        Assert.Equal("""{"t":"d","d":{"r":42,"a":"p","b":{"p":"/a","d":1}}}""", Encoding.UTF8.GetString(message));
    }

    [Fact]
    public void TryReadOk_AWritesAnswer_ReadsItsNumber()
    {
        Assert.True(RealtimeWire.TryReadOk("""{"t":"d","d":{"r":1234,"b":{"s":"ok","d":""}}}"""u8, out var number));
        Assert.Equal(1234, number);
    }

    [Theory]
    [InlineData("""{"t":"d","d":{"r":7,"b":{"s":"ok","d":{}}}}""")]
    [InlineData("""{"t":"d","d":{"r":7,"b":{"s":"permission_denied","d":""}}}""")]
    [InlineData("""{"t":"d","d":{"r":,"b":{"s":"ok","d":""}}}""")]
    [InlineData("""{"t":"d","d":{"r":-7,"b":{"s":"ok","d":""}}}""")]
    [InlineData("""{"t":"d","d":{"r":7 ,"b":{"s":"ok","d":""}}}""")]
    [InlineData("""{"t":"d","d":{"b":{"s":"ok","d":""},"r":7}}""")]
    [InlineData("""{"t":"c","d":{"t":"o","d":{}}}""")]
    public void TryReadOk_AnyOtherMessage_LeftToTheFullParse(string message)
    {
        Assert.False(RealtimeWire.TryReadOk(Encoding.UTF8.GetBytes(message), out _));
    }
}
