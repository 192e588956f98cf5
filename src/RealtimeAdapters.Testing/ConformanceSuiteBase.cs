using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>
/// The base of every conformance suite: access to the fixture, per-test backends (disposed after the test), readers for
/// subscriptions, capability skips and the checks shared by the suites.
/// </summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
public abstract class ConformanceSuiteBase<TFixture> : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : RealtimeProviderFixture
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    /// <summary>Creates the suite over the provider's fixture.</summary>
    /// <param name="fixture">The fixture xunit shares among the suite's tests.</param>
    protected ConformanceSuiteBase(TFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        Fixture = fixture;
    }

    /// <summary>The provider's fixture.</summary>
    protected TFixture Fixture { get; }

    /// <summary>The test's cancellation token (cancelled when the run is aborted).</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates an empty, isolated backend that is disposed after the test.</summary>
    protected async ValueTask<RealtimeTestBackend> NewBackendAsync()
    {
        var backend = await Fixture.CreateBackendAsync(Ct).ConfigureAwait(false);
        _cleanup.Add(backend);
        return backend;
    }

    /// <summary>Creates a store over a new, empty backend.</summary>
    protected async ValueTask<IRealtimeStore> NewStoreAsync()
    {
        var backend = await NewBackendAsync().ConfigureAwait(false);
        return await backend.CreateStoreAsync(Ct).ConfigureAwait(false);
    }

    /// <summary>Reads a subscription with the fixture's timeout; the reader (and the subscription) is disposed after the test.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="subscription">The subscription.</param>
    protected SubscriptionReader<T> Read<T>(IRealtimeSubscription<T> subscription)
    {
        var reader = new SubscriptionReader<T>(subscription, Fixture.EventTimeout, Ct);
        _cleanup.Add(reader);
        return reader;
    }

    /// <summary>Watches a query and returns a reader over its events.</summary>
    /// <param name="store">The store.</param>
    /// <param name="query">The location or query.</param>
    /// <param name="events">Which events to deliver.</param>
    protected async ValueTask<SubscriptionReader<StoreEvent>> WatchAsync(IRealtimeStore store, RealtimeQuery query, StoreEventKind events = StoreEventKind.All)
    {
        ArgumentNullException.ThrowIfNull(store);
        var subscription = await store.WatchAsync(query, new WatchOptions { Events = events }, Ct).ConfigureAwait(false);
        return Read(subscription);
    }

    /// <summary>Watches a query and consumes its initial events (up to and including the first value event).</summary>
    /// <param name="store">The store.</param>
    /// <param name="query">The location or query.</param>
    protected async ValueTask<SubscriptionReader<StoreEvent>> WatchPastInitialAsync(IRealtimeStore store, RealtimeQuery query)
    {
        var reader = await WatchAsync(store, query).ConfigureAwait(false);
        await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the initial value event").ConfigureAwait(false);
        return reader;
    }

    /// <summary>Skips the test unless the provider claims every store capability in <paramref name="capabilities"/>.</summary>
    /// <param name="capabilities">What the test needs.</param>
    protected void RequireStore(RealtimeCapabilities capabilities) =>
        Assert.SkipUnless(
            Fixture.ClaimsStore(capabilities | RealtimeCapabilities.Store),
            $"{Fixture.ProviderName} does not claim store capability {capabilities | RealtimeCapabilities.Store}; its refusal is checked by the suite's Capability test.");

    /// <summary>Skips the test unless the provider claims every channel capability in <paramref name="capabilities"/>.</summary>
    /// <param name="capabilities">What the test needs.</param>
    protected void RequireChannels(RealtimeCapabilities capabilities) =>
        Assert.SkipUnless(
            Fixture.ClaimsChannels(capabilities | RealtimeCapabilities.Channels),
            $"{Fixture.ProviderName} does not claim channel capability {capabilities | RealtimeCapabilities.Channels}; its refusal is checked by the suite's Capability test.");

    /// <summary>
    /// Checks that <paramref name="operation"/> is refused with <see cref="RealtimeNotSupportedException"/> naming
    /// <paramref name="capability"/> (or the store or channels capability it builds on, when the provider offers none).
    /// </summary>
    /// <param name="capability">The capability the operation needs.</param>
    /// <param name="operation">Creates what it needs from a new backend and performs the operation.</param>
    protected async Task AssertNotSupportedAsync(RealtimeCapabilities capability, Func<RealtimeTestBackend, Task> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var backend = await NewBackendAsync().ConfigureAwait(false);
        var ex = await Assert.ThrowsAnyAsync<RealtimeNotSupportedException>(() => operation(backend)).ConfigureAwait(false);
        var family = IsStoreCapability(capability) ? RealtimeCapabilities.Store : RealtimeCapabilities.Channels;
        Assert.True(
            (ex.Capability & (capability | family)) != 0,
            $"The exception should name the missing capability {capability} (or {family}); it names '{ex.Capability}': {ex.Message}");
    }

    /// <summary>Whether a flag belongs to the store family (store, queries, transactions, server values, priorities, on-disconnect writes).</summary>
    /// <param name="capability">The capability.</param>
    protected static bool IsStoreCapability(RealtimeCapabilities capability) =>
        (capability & StoreFamily) != 0;

    /// <summary>The store family of capabilities.</summary>
    protected const RealtimeCapabilities StoreFamily = RealtimeCapabilities.Store | RealtimeCapabilities.Queries |
        RealtimeCapabilities.Transactions | RealtimeCapabilities.ServerValues | RealtimeCapabilities.Priorities | RealtimeCapabilities.OnDisconnect;

    /// <summary>The channel family of capabilities.</summary>
    protected const RealtimeCapabilities ChannelFamily = RealtimeCapabilities.Channels | RealtimeCapabilities.History |
        RealtimeCapabilities.Presence | RealtimeCapabilities.EchoSuppression;

    /// <summary>Asserts that a backend timestamp lies between two readings of the backend's clock (in whole milliseconds), give or take <see cref="RealtimeProviderFixture.ClockSkew"/>.</summary>
    /// <param name="before">The clock before the operation.</param>
    /// <param name="after">The clock after the operation.</param>
    /// <param name="actualMilliseconds">The backend's timestamp, in milliseconds since the Unix epoch.</param>
    protected void AssertTimestampBetween(DateTimeOffset before, DateTimeOffset after, double actualMilliseconds)
    {
        var skew = (long)Math.Ceiling(Fixture.ClockSkew.TotalMilliseconds);
        var low = before.ToUnixTimeMilliseconds() - skew;
        var high = after.ToUnixTimeMilliseconds() + skew;
        Assert.True(
            actualMilliseconds >= low && actualMilliseconds <= high,
            $"The backend timestamp {actualMilliseconds} ms should lie in [{low}, {high}] (the backend clock before and after the operation, ±{skew} ms).");
    }

    /// <summary>Reads the whole database (the root) as a node.</summary>
    /// <param name="store">The store.</param>
    protected static async ValueTask<DataNode> ReadRootAsync(IRealtimeStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return (await store.GetAsync(RealtimePath.Root, Ct).ConfigureAwait(false)).Node;
    }

    /// <summary>Asserts that two nodes are equal, showing both as JSON on failure.</summary>
    /// <param name="expected">The expected node.</param>
    /// <param name="actual">The actual node.</param>
    protected static void AssertNode(DataNode expected, DataNode actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (!expected.Equals(actual))
        {
            Assert.Fail($"Expected {expected.ToJsonString(export: true)}{Environment.NewLine}but got  {actual.ToJsonString(export: true)}");
        }
    }

    /// <summary>Asserts that two nodes are equal, the expected one given as JSON.</summary>
    /// <param name="expectedJson">The expected value as JSON (normalised on parse).</param>
    /// <param name="actual">The actual node.</param>
    protected static void AssertNode(string expectedJson, DataNode actual) => AssertNode(DataNode.Parse(expectedJson), actual);

    /// <summary>A short description of store events (kind, key, previous key) for assertions and messages.</summary>
    /// <param name="events">The events.</param>
    protected static string[] Describe(IEnumerable<StoreEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return [.. events.Select(Describe)];
    }

    /// <summary>A short description of a store event: <c>Value</c>, or <c>ChildAdded b after a</c> (<c>after -</c> when first).</summary>
    /// <param name="e">The event.</param>
    protected static string Describe(StoreEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Kind switch
        {
            StoreEventKind.Value => "Value",
            StoreEventKind.ChildRemoved => $"ChildRemoved {e.Snapshot.Key}",
            _ => $"{e.Kind} {e.Snapshot.Key} after {e.PreviousChildKey ?? "-"}",
        };
    }

    /// <summary>
    /// Checks the order of a query's result both where the client sorts it (the snapshot's children) and where the
    /// backend selects it: every <c>limitToFirst(n)</c> must return the first n keys and every <c>limitToLast(n)</c> the last n.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="query">An ordered query without a limit.</param>
    /// <param name="expectedKeys">The keys in the expected order.</param>
    protected static async Task AssertQueryOrderAsync(IRealtimeStore store, RealtimeQuery query, IReadOnlyList<string> expectedKeys)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(expectedKeys);
        var all = await store.GetAsync(query, Ct).ConfigureAwait(false);
        Assert.Equal(expectedKeys, [.. all.Children.Select(static c => c.Key!)]);
        for (var n = 1; n <= expectedKeys.Count; n++)
        {
            var first = await store.GetAsync(query.WithLimitToFirst(n), Ct).ConfigureAwait(false);
            Assert.Equal(expectedKeys.Take(n), first.Children.Select(static c => c.Key!));
            var last = await store.GetAsync(query.WithLimitToLast(n), Ct).ConfigureAwait(false);
            Assert.Equal(expectedKeys.Skip(expectedKeys.Count - n), last.Children.Select(static c => c.Key!));
        }
    }

    /// <summary>
    /// Checks that a new watch of <paramref name="query"/> first adds the children in <paramref name="expectedKeys"/> order, each
    /// naming its predecessor, then delivers one value event holding them in that order.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="query">The location or query.</param>
    /// <param name="expectedKeys">The keys in the expected order.</param>
    protected async Task AssertInitialEventsAsync(IRealtimeStore store, RealtimeQuery query, IReadOnlyList<string> expectedKeys)
    {
        ArgumentNullException.ThrowIfNull(expectedKeys);
        var reader = await WatchAsync(store, query).ConfigureAwait(false);
        var events = await reader.NextAsync(expectedKeys.Count + 1, "the initial child_added events and value").ConfigureAwait(false);
        var expected = new List<string>();
        for (var i = 0; i < expectedKeys.Count; i++)
        {
            expected.Add($"ChildAdded {expectedKeys[i]} after {(i == 0 ? "-" : expectedKeys[i - 1])}");
        }

        expected.Add("Value");
        Assert.Equal(expected, Describe(events));
        Assert.Equal(expectedKeys, [.. events[^1].Snapshot.Children.Select(static c => c.Key!)]);
    }

    /// <summary>Nothing to set up per test.</summary>
    public virtual ValueTask InitializeAsync() => default;

    /// <summary>Disposes the test's readers and backends (newest first).</summary>
    public virtual async ValueTask DisposeAsync()
    {
        List<Exception>? errors = null;
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            try
            {
                await _cleanup[i].DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Keep releasing the other backends; the errors are rethrown together below.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (errors ??= []).Add(ex);
            }
        }

        _cleanup.Clear();
        GC.SuppressFinalize(this);
        if (errors is not null)
        {
            throw new AggregateException("Releasing the test's subscriptions and backends failed.", errors);
        }
    }
}
