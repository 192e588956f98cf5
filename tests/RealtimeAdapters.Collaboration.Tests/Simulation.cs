using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Collaboration;

namespace RealtimeAdapters.Collaboration.Tests;

/// <summary>
/// N replicas of one document over a simulated network: every local edit becomes a message to every other replica;
/// messages are delivered in any order, may be delivered again (duplication), and wait while their target is
/// partitioned. Each step is chosen by one number, so that a failing history shrinks.
/// </summary>
internal sealed class Simulation
{
    // Messages in flight: an operation, or (with a tombstone retention) a snapshot.
    private readonly List<(int Target, CrdtOperation? Op, string? Snapshot)> _inFlight = [];
    private readonly bool[] _partitioned;

    /// <summary>Creates the replicas.</summary>
    /// <param name="replicas">How many.</param>
    /// <param name="allowMoves">Whether edits include moves.</param>
    /// <param name="retention">With a retention, one step in twenty publishes a snapshot (moving the horizon and purging),
    /// and operations older than a replica's horizon are refused there.</param>
    public Simulation(int replicas, bool allowMoves = true, TimeSpan? retention = null)
    {
        AllowMoves = allowMoves;
        _partitioned = new bool[replicas];
        for (var i = 0; i < replicas; i++)
        {
            var index = i;
            // Clocks start together and drift apart by the steps, so that edits are concurrent and timestamps tie on wall time.
            var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
            var doc = new CollaborativeDocument(new CollaborativeDocumentOptions { ClientId = "c" + i, ReplicaId = "c" + i + "#r", TimeProvider = time, TombstoneRetention = retention });
            doc.OperationSink = op =>
            {
                AllOps.Add(op);
                for (var t = 0; t < replicas; t++)
                {
                    if (t != index)
                    {
                        _inFlight.Add((t, op, null));
                    }
                }
            };
            Docs.Add(doc);
            Clocks.Add(time);
        }
    }

    public bool AllowMoves { get; }

    public bool Purging => Docs[0].TombstoneRetention is not null;

    /// <summary>How many operations were refused as older than the receiver's horizon.</summary>
    public int Stale { get; private set; }

    public List<CollaborativeDocument> Docs { get; } = [];

    public List<FakeTimeProvider> Clocks { get; } = [];

    public List<CrdtOperation> AllOps { get; } = [];

    /// <summary>For each element inserted (and never moved): its neighbours in the inserting replica's view.</summary>
    public List<(string? Left, string Id, string? Right)> InsertContexts { get; } = [];

    public HashSet<string> Moved { get; } = new(StringComparer.Ordinal);

    public CollaborativeList<int> List(int replica) => Docs[replica].GetList<int>("list");

    public CollaborativeSet<int> Set(int replica) => Docs[replica].GetSet<int>("set");

    public CollaborativeMap<int> Map(int replica) => Docs[replica].GetMap<int>("map");

    public CollaborativeRegister<int> Register(int replica) => Docs[replica].GetRegister<int>("reg");

    public void Step(int x)
    {
        x = Math.Abs(x % 1_000_000_000);
        var n = Docs.Count;
        var r = x / 10 % n;
        Clocks[r].Advance(TimeSpan.FromMilliseconds(x / 7 % 3));
        switch (x % 10)
        {
            case <= 5:
                LocalEdit(r, x / 100);
                break;
            case <= 8:
                Deliver(x / 10, duplicate: x / 1000 % 3 == 0);
                break;
            default:
                if (Purging && x / 100 % 2 == 0)
                {
                    PublishSnapshot(r);
                }
                else
                {
                    _partitioned[r] = !_partitioned[r];
                }

                break;
        }
    }

    /// <summary>
    /// Heals every partition and delivers everything in flight, in a scrambled order, twice; with a retention, then every
    /// replica's snapshot to every other, twice (clocks still), so that all reach the latest horizon.
    /// </summary>
    public void Heal(int seed)
    {
        Array.Fill(_partitioned, false);
        var all = _inFlight.ToList();
        _inFlight.Clear();
        var random = new Random(seed);
        var shuffled = all.Concat(all).OrderBy(_ => random.Next()).ToList();
        foreach (var message in shuffled)
        {
            Receive(message);
        }

        if (Purging)
        {
            for (var round = 0; round < 2; round++)
            {
                for (var from = 0; from < Docs.Count; from++)
                {
                    var snapshot = Docs[from].ExportSnapshot();
                    for (var to = 0; to < Docs.Count; to++)
                    {
                        if (to != from)
                        {
                            Receive((to, null, snapshot));
                        }
                    }
                }
            }
        }
    }

    private void PublishSnapshot(int from)
    {
        var snapshot = Docs[from].ExportSnapshot();
        for (var t = 0; t < Docs.Count; t++)
        {
            if (t != from)
            {
                _inFlight.Add((t, null, snapshot));
            }
        }
    }

    private void Receive((int Target, CrdtOperation? Op, string? Snapshot) message)
    {
        if (message.Snapshot is not null)
        {
            Docs[message.Target].Merge(DocumentState.ParseSnapshot(message.Snapshot));
            return;
        }

        try
        {
            Docs[message.Target].Apply(message.Op!, senderKnown: true, message.Op!.ClientId);
        }
        catch (OperationRejectedException ex) when (ex.Reason == RejectionReason.Stale)
        {
            Stale++;
        }
    }

    private void Deliver(int pick, bool duplicate)
    {
        var deliverable = _inFlight.Select((m, i) => (m, i)).Where(t => !_partitioned[t.m.Target]).ToList();
        if (deliverable.Count == 0)
        {
            return;
        }

        var (message, index) = deliverable[pick % deliverable.Count];
        if (!duplicate)
        {
            _inFlight.RemoveAt(index);
        }

        Receive(message);
    }

    private void LocalEdit(int r, int x)
    {
        var list = List(r);
        var count = list.Count;
        var value = x % 97;
        switch (x % 11)
        {
            case 0 or 1 or 2:
            {
                var index = x / 11 % (count + 1);
                var items = list.Items;
                var id = list.Insert(index, value);
                InsertContexts.Add((index > 0 ? items[index - 1].Id : null, id, index < count ? items[index].Id : null));
                break;
            }

            case 3 when count > 0:
                list.Set(x / 11 % count, value);
                break;
            case 4 when count > 0:
                list.RemoveAt(x / 11 % count);
                break;
            case 5 when count > 1 && AllowMoves:
            {
                var from = x / 11 % count;
                Moved.Add(list.Items[from].Id);
                list.Move(from, x / 13 % count);
                break;
            }

            case 6:
                Set(r).Add(value % 7);
                break;
            case 7:
                Set(r).Remove(value % 7);
                break;
            case 8:
                Map(r).Set("k" + (value % 5), value);
                break;
            case 9:
                Map(r).Remove("k" + (value % 5));
                break;
            default:
                Register(r).Set(value);
                break;
        }
    }
}
