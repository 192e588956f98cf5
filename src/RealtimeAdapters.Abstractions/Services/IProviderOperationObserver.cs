namespace RealtimeAdapters;

/// <summary>
/// Offered through <c>GetService</c> by a decorator that measures operations (the telemetry decorator of
/// <c>UseTelemetry()</c>), so that a provider-specific operation an extension helper reaches through
/// <see cref="RealtimeServiceExtensions.GetService{TService}(IChannelClient, object?)"/> (an Ably detach, a Firebase shallow
/// read) is measured like the contract's operations instead of bypassing the decorator.
/// </summary>
/// <remarks>Helpers call it through <see cref="RealtimeServiceExtensions.ObserveAsync{TResult}(IChannelClient, string, Func{CancellationToken, ValueTask{TResult}}, CancellationToken)"/>, which runs the operation directly when no decorator observes.</remarks>
public interface IProviderOperationObserver
{
    /// <summary>Runs <paramref name="operation"/>, measuring it under <paramref name="operationName"/>.</summary>
    /// <typeparam name="TResult">The operation's result.</typeparam>
    /// <param name="operationName">A short lower-case name, e.g. <c>detach</c> or <c>get_shallow</c> (the <c>realtime.operation</c> tag).</param>
    /// <param name="operation">The provider's operation.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>.</param>
    /// <returns>The operation's result.</returns>
    ValueTask<TResult> ObserveAsync<TResult>(string operationName, Func<CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default);
}
