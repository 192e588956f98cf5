using RealtimeAdapters.Firebase.Protocol;
using System.Text;

namespace RealtimeAdapters.Firebase.Tests.Protocol;

public class FrameSplitterTests
{
    [Fact]
    public void Split_Short_OneFrameWithoutCount()
    {
        var message = Encoding.UTF8.GetBytes(new string('a', 16384));
        Assert.Single(FrameSplitter.Split(message));
    }

    [Fact]
    public void Split_PairAcrossTheBoundary_CutBeforeIt()
    {
        // 16383 units, then a surrogate pair whose halves would fall on both sides of the 16384 boundary.
        var text = new string('a', 16383) + "😀" + new string('b', 100);
        var frames = FrameSplitter.Split(Encoding.UTF8.GetBytes(text)).Select(f => Encoding.UTF8.GetString(f.Span)).ToList();

        Assert.Equal(["2", new string('a', 16383), "😀" + new string('b', 100)], frames);
    }

    [Fact]
    public void Split_Long_CountOfAtLeastTwoThenPiecesThatJoinBack()
    {
        var text = string.Concat(Enumerable.Repeat("xé😀", 20_000));
        var frames = FrameSplitter.Split(Encoding.UTF8.GetBytes(text)).Select(f => Encoding.UTF8.GetString(f.Span)).ToList();

        var count = int.Parse(frames[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(frames.Count - 1, count);
        Assert.True(count >= 2);
        Assert.All(frames.Skip(1), f => Assert.InRange(f.Length, 1, FrameSplitter.MaxFrameChars));
        Assert.Equal(text, string.Concat(frames.Skip(1)));
    }
}
