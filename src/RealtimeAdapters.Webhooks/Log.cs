using Microsoft.Extensions.Logging;

namespace RealtimeAdapters.Webhooks;

/// <summary>The package's log messages. URLs, ids, statuses and reasons only: never secrets, signatures or bodies.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Webhook {DeliveryId} delivered to {Endpoint} on attempt {Attempt}.")]
    public static partial void Delivered(ILogger logger, string deliveryId, string endpoint, int attempt);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Webhook {DeliveryId} to {Endpoint} failed on attempt {Attempt} ({Reason}); retrying in {Delay}.")]
    public static partial void RetryScheduled(ILogger logger, string deliveryId, string endpoint, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Webhook {DeliveryId} to {Endpoint} dead-lettered after {Attempts} attempts ({Reason}).")]
    public static partial void DeadLettered(ILogger logger, string deliveryId, string endpoint, int attempts, string reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Webhook {DeliveryId} is pending in the outbox for an endpoint no longer configured; it stays there and is not sent.")]
    public static partial void PendingForUnknownEndpoint(ILogger logger, string deliveryId);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "A webhook attempt observer threw.")]
    public static partial void ObserverFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Ably webhook refused with {StatusCode}: {Reason} (key {KeyName}).")]
    public static partial void InboundRefused(ILogger logger, int statusCode, string reason, string? keyName);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Debug, Message = "Ably webhook accepted: {Count} events (key {KeyName}).")]
    public static partial void InboundAccepted(ILogger logger, int count, string? keyName);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Information, Message = "Ably webhook already accepted: a retry or a replay of the same delivery, acknowledged and not processed again (key {KeyName}).")]
    public static partial void InboundDuplicate(ILogger logger, string? keyName);
}
