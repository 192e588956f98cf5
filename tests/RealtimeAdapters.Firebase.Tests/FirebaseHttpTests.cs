using System.Net;
using RealtimeAdapters.Firebase.Internal;

namespace RealtimeAdapters.Firebase.Tests;

public sealed class FirebaseHttpTests
{
    [Fact]
    public void ResolveTarget_EmulatorHostSet_UsesPlainHttpAndFirstLabelAsNamespace()
    {
        var (url, ns) = FirebaseHttp.ResolveTarget(new Uri("https://my-db.firebaseio.com/"), null, "127.0.0.1:9000");
        Assert.Equal("http://127.0.0.1:9000", url);
        Assert.Equal("my-db", ns);
    }

    [Fact]
    public void ResolveTarget_NoEmulatorHost_KeepsUrlAndNamespace()
    {
        var (url, ns) = FirebaseHttp.ResolveTarget(new Uri("https://my-db.firebaseio.com/"), "x", null);
        Assert.Equal("https://my-db.firebaseio.com", url);
        Assert.Equal("x", ns);
    }

    [Fact]
    public void QueryParameters_KeyedBound_SendsValueOnlyRangeAndNoLimit()
    {
        var query = RealtimeQuery.At("s").OrderByChild("v").WithStartAt(1, "b").WithLimitToFirst(2);
        var parameters = FirebaseHttp.QueryParameters(query);
        Assert.Equal([new("orderBy", "\"v\""), new("startAt", "1")], parameters);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "Invalid data", typeof(RealtimeValidationException), false)]
    [InlineData(HttpStatusCode.Unauthorized, "Permission denied", typeof(RealtimePermissionException), false)]
    [InlineData(HttpStatusCode.Unauthorized, "Auth token is expired", typeof(RealtimeAuthenticationException), false)]
    [InlineData(HttpStatusCode.PreconditionFailed, "ETag mismatch", typeof(RealtimeConflictException), false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "Unavailable", typeof(RealtimeConnectionException), true)]
    public void MapError_Status_MapsOntoExceptionFamily(HttpStatusCode status, string message, Type expected, bool retryable)
    {
        var error = FirebaseHttp.MapError(status, message, "a/b", "read");
        Assert.IsType(expected, error);
        Assert.Equal(retryable, error.IsRetryable);
        Assert.Equal((int)status, error.StatusCode);
        Assert.Contains("/a/b", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadError_PrettyPrintedBody_IsParsed() =>
        Assert.Equal("Permission denied", FirebaseHttp.ReadError("{\n  \"error\" : \"Permission denied\"\n}"u8.ToArray()));

    [Fact]
    public void EffectiveEmulatorHost_EnvironmentVariableWithAProductionCredential_IsIgnored()
    {
        var options = new FirebaseStoreOptions { DatabaseUrl = new Uri("https://my-db.firebaseio.com/"), IdToken = "production-token" };

        Assert.Null(options.EffectiveEmulatorHost("127.0.0.1:9000"));
    }

    [Fact]
    public void EffectiveEmulatorHost_EnvironmentVariableWithoutCredentialOrAsEmulatorAdmin_IsUsed()
    {
        Assert.Equal("127.0.0.1:9000", new FirebaseStoreOptions { DatabaseUrl = new Uri("https://my-db.firebaseio.com/") }.EffectiveEmulatorHost("127.0.0.1:9000"));
        Assert.Equal("127.0.0.1:9000", new FirebaseStoreOptions { DatabaseUrl = new Uri("https://my-db.firebaseio.com/"), UseEmulatorAdmin = true }.EffectiveEmulatorHost("127.0.0.1:9000"));
    }

    [Fact]
    public void EffectiveEmulatorHost_SetExplicitly_UsedWithAnyCredential()
    {
        var options = new FirebaseStoreOptions { DatabaseUrl = new Uri("https://my-db.firebaseio.com/"), IdToken = "t", EmulatorHost = "127.0.0.1:9100" };

        Assert.Equal("127.0.0.1:9100", options.EffectiveEmulatorHost("127.0.0.1:9000"));
    }
}
