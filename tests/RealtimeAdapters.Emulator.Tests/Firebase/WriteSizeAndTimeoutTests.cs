using System.Net;
using RealtimeAdapters.Emulator.Tests.Infrastructure;

namespace RealtimeAdapters.Emulator.Tests.Firebase;

/// <summary>
/// <c>writeSizeLimit</c> and <c>timeout</c> enforced on estimates: at 100 bytes/s a <c>tiny</c> write (1 s) may cost 100
/// bytes; at 1,000 bytes/s a read with <c>timeout=100ms</c> may return 100 bytes.
/// </summary>
public class WriteSizeAndTimeoutTests
{
    private static readonly string Big = "\"" + new string('x', 200) + "\"";

    private static Task<EmulatorHost> StartAsync(string? defaultLimit = null) => EmulatorHost.StartAsync(o =>
    {
        o.Firebase.WriteBytesPerSecond = 100;
        o.Firebase.ReadBytesPerSecond = 1_000;
        o.Firebase.DefaultWriteSizeLimit = defaultLimit;
    });

    [Fact]
    public async Task Put_OverWriteSizeLimit_Refused400AndNothingStored()
    {
        await using var host = await StartAsync();
        await host.SeedAsync("/a", "1");
        var put = await host.PutAsync("/a.json?writeSizeLimit=tiny", Big);
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.StartsWith("Write too big", put.Error, StringComparison.Ordinal);
        Assert.Contains("tiny", put.Error, StringComparison.Ordinal);
        Assert.Equal("1", (await host.GetAsync("/a.json")).Body);
    }

    [Fact]
    public async Task Put_WithinWriteSizeLimit_Stored()
    {
        await using var host = await StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/a.json?writeSizeLimit=small", Big)).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/b.json?writeSizeLimit=tiny", "\"small\"")).Status);
        Assert.Equal(Big, (await host.GetAsync("/a.json")).Body);
    }

    [Fact]
    public async Task Delete_OfLargeDataOverWriteSizeLimit_RefusedAndDataKept()
    {
        // Deleting costs what it removes: the body is empty, the data replaced is not.
        await using var host = await StartAsync();
        await host.SeedAsync("/big", Big);
        var delete = await host.DeleteAsync("/big.json?writeSizeLimit=tiny");
        Assert.Equal(HttpStatusCode.BadRequest, delete.Status);
        Assert.Equal(Big, (await host.GetAsync("/big.json")).Body);
    }

    [Fact]
    public async Task Patch_OverWriteSizeLimit_RefusedAndNoPathChanged()
    {
        await using var host = await StartAsync();
        await host.SeedAsync("/p", """{"a":1,"b":2}""");
        var patch = await host.PatchAsync("/p.json?writeSizeLimit=tiny", $$"""{"a":3,"b":{{Big}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, patch.Status);
        Assert.Equal(DataNode.Parse("""{"a":1,"b":2}"""), (await host.GetAsync("/p.json")).Node);
    }

    [Fact]
    public async Task Post_OverWriteSizeLimit_RefusedAndNothingAdded()
    {
        await using var host = await StartAsync();
        var post = await host.PostAsync("/list.json?writeSizeLimit=tiny", Big);
        Assert.Equal(HttpStatusCode.BadRequest, post.Status);
        Assert.Equal("null", (await host.GetAsync("/list.json")).Body);
    }

    [Fact]
    public async Task Put_NoLimitSent_DefaultWriteSizeLimitApplies()
    {
        await using var host = await StartAsync(defaultLimit: "small");
        var huge = "\"" + new string('x', 1_200) + "\"";
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PutAsync("/a.json", huge)).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/a.json?writeSizeLimit=unlimited", huge)).Status);
    }

    [Fact]
    public async Task Put_UnlimitedOrNoLimit_BigWriteStored()
    {
        await using var host = await StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/a.json", Big)).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/a.json?writeSizeLimit=unlimited", Big + " ")).Status);
    }

    [Fact]
    public async Task Get_AnswerTakingLongerThanTimeout_Refused400()
    {
        await using var host = await StartAsync();
        await host.SeedAsync("/big", Big);
        var get = await host.GetAsync("/big.json?timeout=100ms");
        Assert.Equal(HttpStatusCode.BadRequest, get.Status);
        Assert.StartsWith("Read timed out", get.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_AnswerWithinTimeout_Served()
    {
        await using var host = await StartAsync();
        await host.SeedAsync("/big", Big);
        Assert.Equal(Big, (await host.GetAsync("/big.json?timeout=1s")).Body);
        await host.SeedAsync("/small", "1");
        Assert.Equal("1", (await host.GetAsync("/small.json?timeout=100ms")).Body);
    }

    [Theory]
    [InlineData("Firebase.WriteBytesPerSecond")]
    [InlineData("Firebase.ReadBytesPerSecond")]
    [InlineData("Firebase.DefaultWriteSizeLimit")]
    public void Validate_InvalidLimitSetting_ValidationExceptionNamingIt(string setting)
    {
        var options = new EmulatorOptions { Firebase = { Port = 0 } };
        switch (setting)
        {
            case "Firebase.WriteBytesPerSecond": options.Firebase.WriteBytesPerSecond = 0; break;
            case "Firebase.ReadBytesPerSecond": options.Firebase.ReadBytesPerSecond = -1; break;
            case "Firebase.DefaultWriteSizeLimit": options.Firebase.DefaultWriteSizeLimit = "tiny"; break;
        }

        var error = Assert.Throws<RealtimeValidationException>(options.Validate);
        Assert.Equal(setting, error.InvalidValue);
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }
}
