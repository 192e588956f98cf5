namespace RealtimeAdapters.Webhooks;

/// <summary>What became of one delivery attempt.</summary>
public enum WebhookAttemptOutcome
{
    /// <summary>The endpoint answered 2xx: delivered.</summary>
    Delivered,

    /// <summary>It failed in a way worth retrying (network error, timeout, 408, 429, 5xx); a retry is scheduled.</summary>
    RetryScheduled,

    /// <summary>It failed for the last time, or permanently (another 4xx): the delivery went to the dead-letter list.</summary>
    DeadLettered,
}
