using System.Diagnostics;

namespace RealtimeAdapters.Telemetry;

/// <summary>Measures one channel's presence calls (duration, pending, failures) and counts the presence events its subscribers read.</summary>
internal sealed class TelemetryPresence(IChannelPresence inner, RealtimeInstruments instruments, string providerName, string channelName) : IChannelPresence
{
    public ValueTask EnterAsync(MessageData data = default, CancellationToken cancellationToken = default) =>
        TrackAsync("presence_enter", () => inner.EnterAsync(data, cancellationToken));

    public ValueTask UpdateAsync(MessageData data = default, CancellationToken cancellationToken = default) =>
        TrackAsync("presence_update", () => inner.UpdateAsync(data, cancellationToken));

    public ValueTask LeaveAsync(MessageData data = default, CancellationToken cancellationToken = default) =>
        TrackAsync("presence_leave", () => inner.LeaveAsync(data, cancellationToken));

    public ValueTask<IReadOnlyList<PresenceMessage>> GetAsync(CancellationToken cancellationToken = default) =>
        TrackAsync("presence_get", () => inner.GetAsync(cancellationToken));

    public ValueTask<HistoryPage<PresenceMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default) =>
        TrackAsync("presence_history", () => inner.GetHistoryAsync(query, cancellationToken));

    public ValueTask<IRealtimeSubscription<PresenceMessage>> SubscribeAsync(PresenceSubscriptionOptions? options = null, CancellationToken cancellationToken = default) =>
        instruments.SubscribeAsync(providerName, "presence_subscribe", () => inner.SubscribeAsync(options, cancellationToken), m => instruments.PresenceEvents.Add(1, new TagList
        {
            { RealtimeDiagnostics.ProviderTag, providerName },
            { RealtimeDiagnostics.PresenceActionTag, ActionName(m.Action) },
        }));

    private ValueTask<T> TrackAsync<T>(string operation, Func<ValueTask<T>> call) =>
        instruments.TrackAsync(instruments.ChannelOperationDuration, providerName, operation, "realtime.channel." + operation, call, Describe);

    private ValueTask TrackAsync(string operation, Func<ValueTask> call) =>
        instruments.TrackAsync(instruments.ChannelOperationDuration, providerName, operation, "realtime.channel." + operation, call, Describe);

    private void Describe(Activity activity) => activity.SetTag("messaging.destination.name", channelName);

    private static string ActionName(PresenceAction action) => action switch
    {
        PresenceAction.Absent => "absent",
        PresenceAction.Present => "present",
        PresenceAction.Enter => "enter",
        PresenceAction.Leave => "leave",
        PresenceAction.Update => "update",
        _ => "other",
    };
}
