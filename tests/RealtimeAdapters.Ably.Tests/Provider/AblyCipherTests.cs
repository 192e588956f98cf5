using System.Security.Cryptography;
using System.Text;

namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>End-to-end channel encryption (ChannelCipherKeys): only clients with the key see plaintext.</summary>
public sealed class AblyCipherTests : AblyEmulatorTest
{
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    private AblyChannelClient NewClient(string? key, bool binary, string? clientId = null)
    {
        var options = ClientOptions(clientId: clientId, binary: binary);
        if (key is not null)
        {
            options.ChannelCipherKeys["vault"] = key;
        }

        return new AblyChannelClient(options);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Messages_WithTheKey_Plaintext_WithoutIt_OnlyCiphertext(bool binary)
    {
        await using var sender = NewClient(_key, binary);
        await using var friend = NewClient(_key, !binary);
        await using var outsider = NewClient(null, binary);
        var friendSubscription = await friend.GetChannel("vault").SubscribeAsync(cancellationToken: Ct);
        var outsiderSubscription = await outsider.GetChannel("vault").SubscribeAsync(cancellationToken: Ct);
        await using var friendReader = friendSubscription.GetAsyncEnumerator(Ct);
        await using var outsiderReader = outsiderSubscription.GetAsyncEnumerator(Ct);

        await sender.GetChannel("vault").PublishAsync("msg", "the launch code is 0000", Ct);

        Assert.True(await friendReader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
        Assert.Equal("the launch code is 0000", friendReader.Current.Data.AsString());
        Assert.True(await outsiderReader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
        var seen = outsiderReader.Current.Data;
        Assert.NotEqual(MessageDataKind.String, seen.Kind);
        Assert.DoesNotContain("launch code", Encoding.UTF8.GetString(seen.Kind == MessageDataKind.Binary ? seen.AsBytes().ToArray() : []), StringComparison.Ordinal);

        // History over REST is decrypted too, for the key holder only.
        var history = await friend.GetChannel("vault").GetHistoryAsync(cancellationToken: Ct);
        Assert.Equal("the launch code is 0000", Assert.Single(history.Items).Data.AsString());
        var outsiderHistory = await outsider.GetChannel("vault").GetHistoryAsync(cancellationToken: Ct);
        Assert.NotEqual(MessageDataKind.String, Assert.Single(outsiderHistory.Items).Data.Kind);
    }

    [Fact]
    public async Task PresenceData_IsEncryptedToo()
    {
        await using var member = NewClient(_key, binary: false, clientId: "spy");
        await using var friend = NewClient(_key, binary: true);
        await using var outsider = NewClient(null, binary: false);
        await member.GetChannel("vault").Presence.EnterAsync("in disguise", Ct);

        var seenByFriend = await friend.GetChannel("vault").Presence.GetAsync(Ct);
        Assert.Equal("in disguise", Assert.Single(seenByFriend).Data.AsString());
        var seenByOutsider = await outsider.GetChannel("vault").Presence.GetAsync(Ct);
        Assert.NotEqual(MessageDataKind.String, Assert.Single(seenByOutsider).Data.Kind);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void Options_BadKey_RefusedNamingTheChannelNotTheKey(string key)
    {
        var ex = Assert.ThrowsAny<RealtimeValidationException>(() => NewClient(key, binary: false));
        Assert.Contains("vault", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public async Task GetChannel_KeyMadeInvalidAfterValidation_RefusedInsteadOfUnencrypted(string key)
    {
        var options = ClientOptions();
        await using var client = new AblyChannelClient(options);
        options.ChannelCipherKeys["late"] = key;

        var ex = Assert.ThrowsAny<RealtimeValidationException>(() => client.GetChannel("late"));

        Assert.Contains("late", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, ex.Message, StringComparison.Ordinal);
        Assert.Equal(AblyChannelState.Initialized, client.GetChannelState("late"));
        Assert.ThrowsAny<RealtimeValidationException>(() => client.GetChannel("late"));
    }
}
