using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Tests.Protocol;

public sealed class ErrorInfoTests
{
    [Theory]
    [InlineData(40000, 400)]
    [InlineData(40009, 400)]
    [InlineData(40101, 401)]
    [InlineData(40142, 401)]
    [InlineData(40160, 401)]
    [InlineData(40171, 403)]
    [InlineData(40300, 403)]
    [InlineData(40400, 404)]
    [InlineData(42910, 429)]
    [InlineData(50000, 500)]
    [InlineData(50003, 504)]
    [InlineData(80003, 400)]
    [InlineData(80014, 408)]
    [InlineData(90001, 400)]
    [InlineData(91005, 400)]
    public void Create_SetsStatusAndHref(int code, int status)
    {
        var error = ErrorInfo.Create(code, "m");

        Assert.Equal(status, error.StatusCode);
        Assert.Equal($"https://help.ably.io/error/{code}", error.Href);
    }

    [Theory]
    [InlineData(40009, typeof(MessageTooLargeException), false)]
    [InlineData(40160, typeof(RealtimePermissionException), false)]
    [InlineData(40300, typeof(RealtimePermissionException), false)]
    [InlineData(40142, typeof(RealtimeAuthenticationException), true)]
    [InlineData(40101, typeof(RealtimeAuthenticationException), false)]
    [InlineData(40005, typeof(RealtimeAuthenticationException), false)]
    [InlineData(40010, typeof(RealtimeValidationException), false)]
    [InlineData(91000, typeof(RealtimeValidationException), false)]
    [InlineData(80003, typeof(RealtimeConnectionException), true)]
    [InlineData(80000, typeof(RealtimeConnectionException), false)]
    [InlineData(50000, typeof(RealtimeConnectionException), true)]
    [InlineData(42910, typeof(RealtimeConnectionException), true)]
    public void ToException_MapsToFamily(int code, Type type, bool retryable)
    {
        var ex = ErrorInfo.Create(code, "Something").ToException("Publishing to 'chat'");

        Assert.IsType(type, ex);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.ErrorCode);
        Assert.Equal(retryable, ex.IsRetryable);
        Assert.Equal("Ably", ex.ProviderName);
        Assert.StartsWith("Publishing to 'chat': Something (code ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsTokenError_OnlyFor4014x()
    {
        Assert.True(AblyErrorCodes.IsTokenError(40140));
        Assert.True(AblyErrorCodes.IsTokenError(40149));
        Assert.False(AblyErrorCodes.IsTokenError(40150));
        Assert.False(AblyErrorCodes.IsTokenError(40160));
    }
}
