using System.Text;

namespace RealtimeAdapters.Webhooks.Tests;

public sealed class WebhookSignatureTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("shared-secret");
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"d1","type":"channel.message","data":{}}""");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private static WebhookVerification Verify(byte[] secret, string? id, DateTimeOffset sentAt, string? signature, byte[] body, DateTimeOffset now) =>
        WebhookSignature.Verify(secret, id, sentAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), signature, body, now, Tolerance);

    [Fact]
    public void Verify_SignedBySign_IsValid()
    {
        var signature = WebhookSignature.Sign(Secret, "d1", Now, Body);

        Assert.StartsWith("v1,", signature, StringComparison.Ordinal);
        Assert.Equal(WebhookVerification.Valid, Verify(Secret, "d1", Now, signature, Body, Now.AddSeconds(30)));
    }

    [Fact]
    public void Verify_TamperedBodyOrIdOrTimestamp_IsBadSignature()
    {
        var signature = WebhookSignature.Sign(Secret, "d1", Now, Body);
        var tampered = (byte[])Body.Clone();
        tampered[^2] = (byte)'x';

        Assert.Equal(WebhookVerification.BadSignature, Verify(Secret, "d1", Now, signature, tampered, Now));
        Assert.Equal(WebhookVerification.BadSignature, Verify(Secret, "d2", Now, signature, Body, Now));
        Assert.Equal(WebhookVerification.BadSignature, Verify(Secret, "d1", Now.AddSeconds(1), signature, Body, Now));
    }

    [Fact]
    public void Verify_OtherSecret_IsBadSignature()
    {
        var signature = WebhookSignature.Sign(Encoding.UTF8.GetBytes("another-secret"), "d1", Now, Body);

        Assert.Equal(WebhookVerification.BadSignature, Verify(Secret, "d1", Now, signature, Body, Now));
    }

    [Fact]
    public void Verify_OldTimestamp_IsStale()
    {
        var signature = WebhookSignature.Sign(Secret, "d1", Now, Body);

        Assert.Equal(WebhookVerification.Stale, Verify(Secret, "d1", Now, signature, Body, Now + Tolerance + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Verify_MissingHeaders_IsUnsigned()
    {
        Assert.Equal(WebhookVerification.Unsigned, Verify(Secret, "d1", Now, null, Body, Now));
        Assert.Equal(WebhookVerification.Unsigned, Verify(Secret, null, Now, "v1,AAAA", Body, Now));
        Assert.Equal(WebhookVerification.Malformed, WebhookSignature.Verify(Secret, "d1", "soon", "v1,AAAA", Body, Now, Tolerance));
    }

    [Fact]
    public void Verify_OneOfSeveralSignaturesMatches_IsValid()
    {
        // Several signatures in one header let a sender rotate secrets.
        var good = WebhookSignature.Sign(Secret, "d1", Now, Body);
        var other = WebhookSignature.Sign(Encoding.UTF8.GetBytes("old-secret"), "d1", Now, Body);

        Assert.Equal(WebhookVerification.Valid, Verify(Secret, "d1", Now, other + " " + good, Body, Now));
    }
}
