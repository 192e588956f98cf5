using Microsoft.Extensions.Logging;

namespace RealtimeAdapters.Telemetry;

/// <summary>Every log message of the package, with stable event ids. Never log credentials, payloads or option values.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "ProviderCreated", Level = LogLevel.Debug,
        Message = "Created the {ProviderName} {Kind} registered under key {ServiceKey}.")]
    public static partial void ProviderCreated(ILogger logger, string providerName, string kind, object serviceKey);

    [LoggerMessage(EventId = 2, EventName = "OperationFailed", Level = LogLevel.Warning,
        Message = "{ProviderName} {Operation} failed with {ErrorType}.")]
    public static partial void OperationFailed(ILogger logger, string providerName, string operation, string errorType, Exception exception);

    [LoggerMessage(EventId = 3, EventName = "OperationCanceled", Level = LogLevel.Debug,
        Message = "{ProviderName} {Operation} was canceled.")]
    public static partial void OperationCanceled(ILogger logger, string providerName, string operation);

    [LoggerMessage(EventId = 4, EventName = "SubscriptionFailed", Level = LogLevel.Warning,
        Message = "A {ProviderName} {Operation} subscription ended with {ErrorType}.")]
    public static partial void SubscriptionFailed(ILogger logger, string providerName, string operation, string errorType, Exception exception);
}
