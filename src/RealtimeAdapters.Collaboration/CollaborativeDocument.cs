using System.Text.Json;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// One replica of a shared document: named replicated objects (lists, maps, sets, registers) whose edits apply here at
/// once and converge with every other replica's, whatever the order, repetition or delay in which edits arrive. Attach it
/// to a backend with <see cref="CollaborationSession"/>. Thread-safe.
/// </summary>
/// <remarks>
/// Every object is a map of last-writer-wins cells ordered by hybrid logical clock timestamps; an edit is a few cells
/// written at one timestamp, and merging is a per-cell maximum, which is commutative, associative and idempotent. Removals
/// are final (a removed list element or set add never comes back; a concurrent edit of it is dropped).
/// </remarks>
public sealed class CollaborativeDocument
{
    /// <summary>The longest object name (256 characters).</summary>
    public const int MaxObjectNameLength = 256;

    private readonly Lock _gate = new();
    private readonly DocumentState _state = new();
    private readonly Dictionary<string, CollaborativeObject> _views = new(StringComparer.Ordinal);
    private readonly TimeSpan? _maxClockDrift;
    private readonly TimeSpan? _tombstoneRetention;

    /// <summary>Creates an empty replica.</summary>
    /// <param name="options">The settings; the defaults when omitted.</param>
    /// <exception cref="ArgumentException">The replica id is invalid or does not belong to the client id.</exception>
    public CollaborativeDocument(CollaborativeDocumentOptions? options = null)
    {
        options ??= new CollaborativeDocumentOptions();
        ClientId = options.ClientId;
        if (ClientId is { Length: 0 })
        {
            throw new ArgumentException("CollaborativeDocumentOptions.ClientId must be null (anonymous) or non-empty.", nameof(options));
        }

        ReplicaId = options.ReplicaId ?? ReplicaIds.Create(ClientId);
        if (!ReplicaIds.IsValid(ReplicaId) || !ReplicaIds.BelongsTo(ReplicaId, ClientId))
        {
            throw new ArgumentException(
                $"CollaborativeDocumentOptions.ReplicaId must be 1 to {ReplicaIds.MaxLength} characters without whitespace, and be the client id or start with \"<client id>#\".",
                nameof(options));
        }

        TimeProvider = options.TimeProvider ?? TimeProvider.System;
        SerializerOptions = options.SerializerOptions ?? RealtimeJson.DefaultOptions;
        _maxClockDrift = options.MaxClockDrift;
        _tombstoneRetention = options.TombstoneRetention;
        if (_tombstoneRetention <= TimeSpan.Zero)
        {
            throw new ArgumentException("CollaborativeDocumentOptions.TombstoneRetention must be positive (or null: never purge).", nameof(options));
        }
        Clock = new HybridLogicalClock(ReplicaId, TimeProvider);
    }

    /// <summary>This replica's id.</summary>
    public string ReplicaId { get; }

    /// <summary>The client id edits are authored as, or <see langword="null"/>.</summary>
    public string? ClientId { get; }

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>How values are serialized.</summary>
    public JsonSerializerOptions SerializerOptions { get; }

    /// <summary>Raised after any object changed (after the object's own <see cref="CollaborativeObject.Changed"/>).</summary>
    public event EventHandler<CollaborationChangedEventArgs>? Changed;

    /// <summary>The names of the objects the document holds, in ordinal order.</summary>
    public IReadOnlyList<string> ObjectNames
    {
        get
        {
            lock (_gate)
            {
                return [.. _state.Objects.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    internal HybridLogicalClock Clock { get; }

    internal Lock Gate => _gate;

    /// <summary>Receives each local operation, in order, while the document is locked and before the operation is applied (set by the session; when it throws, the edit fails and changes nothing).</summary>
    internal Action<CrdtOperation>? OperationSink { get; set; }

    /// <summary>The ordered list named <paramref name="name"/>, created empty when absent.</summary>
    /// <typeparam name="T">The element type (serialized with <see cref="SerializerOptions"/>).</typeparam>
    /// <param name="name">The object name.</param>
    /// <exception cref="CollaborationException">The name holds another type of object, or is read with another element type.</exception>
    public CollaborativeList<T> GetList<T>(string name) =>
        GetView(name, CrdtObjectKind.List, typeof(T), () => new CollaborativeList<T>(this, name));

    /// <summary>The map of last-writer-wins registers named <paramref name="name"/>, created empty when absent.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="name">The object name.</param>
    /// <exception cref="CollaborationException">The name holds another type of object, or is read with another value type.</exception>
    public CollaborativeMap<T> GetMap<T>(string name) =>
        GetView(name, CrdtObjectKind.Map, typeof(T), () => new CollaborativeMap<T>(this, name));

    /// <summary>The observed-remove set named <paramref name="name"/>, created empty when absent.</summary>
    /// <typeparam name="T">The element type; elements are equal when they serialize to the same JSON.</typeparam>
    /// <param name="name">The object name.</param>
    /// <exception cref="CollaborationException">The name holds another type of object, or is read with another element type.</exception>
    public CollaborativeSet<T> GetSet<T>(string name) =>
        GetView(name, CrdtObjectKind.Set, typeof(T), () => new CollaborativeSet<T>(this, name));

    /// <summary>The last-writer-wins register named <paramref name="name"/>, created unset when absent.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="name">The object name.</param>
    /// <exception cref="CollaborationException">The name holds another type of object, or is read with another value type.</exception>
    public CollaborativeRegister<T> GetRegister<T>(string name) =>
        GetView(name, CrdtObjectKind.Register, typeof(T), () => new CollaborativeRegister<T>(this, name));

    /// <summary>Whether a string is a valid object name: 1 to <see cref="MaxObjectNameLength"/> characters, no control characters.</summary>
    /// <param name="name">The name.</param>
    public static bool IsValidObjectName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxObjectNameLength && !name.Any(char.IsControl);

    internal int CellCount
    {
        get
        {
            lock (_gate)
            {
                return _state.CellCount;
            }
        }
    }

    /// <summary>The tombstone retention (<see cref="CollaborativeDocumentOptions.TombstoneRetention"/>), or <see langword="null"/>.</summary>
    internal TimeSpan? TombstoneRetention => _tombstoneRetention;

    /// <summary>The horizon a snapshot taken now would have (now minus the retention), or <see langword="null"/> when tombstones are kept.</summary>
    internal long? HorizonNow() =>
        _tombstoneRetention is { } retention ? TimeProvider.GetUtcNow().Subtract(retention).ToUnixTimeMilliseconds() : null;

    /// <summary>
    /// The whole state in snapshot form (deterministic: equal states give equal text). With a tombstone retention, the
    /// horizon first moves to now minus the retention and the tombstones below it are purged.
    /// </summary>
    internal string ExportSnapshot()
    {
        lock (_gate)
        {
            if (HorizonNow() is { } horizon)
            {
                foreach (var purged in _state.AdvanceHorizon(horizon))
                {
                    Reload(purged);
                }
            }

            return _state.ToSnapshotJson();
        }
    }

    /// <summary>Makes a local edit: <paramref name="build"/> gives the cells to write at the edit's timestamp (none: no edit).</summary>
    internal void Edit(CollaborativeObject view, Func<HybridTimestamp, IReadOnlyList<KeyValuePair<string, JsonElement>>?> build)
    {
        lock (_gate)
        {
            var stamp = Clock.Now();
            var cells = build(stamp);
            if (cells is null || cells.Count == 0)
            {
                return;
            }

            var op = new CrdtOperation(stamp, ClientId, view.Name, view.Kind, cells);
            var obj = _state.GetOrAdd(view.Name, view.Kind);
            // The session writes the edit to its offline store first: an edit applied is durable, and one that cannot be
            // written throws here and changes nothing.
            OperationSink?.Invoke(op);
            foreach (var (key, value) in cells)
            {
                var cell = new CrdtCell(stamp, value);
                if (obj.Apply(key, cell))
                {
                    view.OnCell(key, cell);
                }
            }
        }

        Raise([view.Name], ChangeOrigin.Local);
    }

    /// <summary>
    /// Applies an operation from another replica after checking it; a refused operation changes nothing.
    /// </summary>
    /// <param name="op">The operation.</param>
    /// <param name="senderKnown">Whether the backend identified the sender; then the operation's author must be <paramref name="sender"/>.</param>
    /// <param name="sender">The client id the backend stamped, or <see langword="null"/> for an anonymous sender.</param>
    /// <param name="origin">How to report the change.</param>
    /// <returns>Whether the state changed.</returns>
    /// <exception cref="OperationRejectedException">The operation is forged, too far in the future, or addresses an object of another type.</exception>
    internal bool Apply(CrdtOperation op, bool senderKnown, string? sender, ChangeOrigin origin = ChangeOrigin.Remote)
    {
        if (senderKnown && !string.Equals(op.ClientId, sender, StringComparison.Ordinal))
        {
            throw new OperationRejectedException(
                RejectionReason.Forged,
                $"Rejected operation {op.Id}: it names author \"{op.ClientId ?? "(anonymous)"}\", but the backend says it was sent by \"{sender ?? "(anonymous)"}\".",
                "a");
        }

        if (!ReplicaIds.BelongsTo(op.Id.ReplicaId, op.ClientId))
        {
            throw new OperationRejectedException(
                RejectionReason.Forged,
                $"Rejected operation {op.Id}: replica \"{op.Id.ReplicaId}\" does not belong to author \"{op.ClientId ?? "(anonymous)"}\" (a replica of client c is \"c\" or \"c#...\").",
                "id");
        }

        CheckDrift(op.Id, "operation " + op.Id);
        bool changed;
        lock (_gate)
        {
            if (_state.IsStale(op.Id))
            {
                throw new OperationRejectedException(
                    RejectionReason.Stale,
                    $"Rejected operation {op.Id}: it was made before this document's horizon ({DateTimeOffset.FromUnixTimeMilliseconds(_state.Horizon!.Value):O}), the tombstone retention; removals older than that may have been purged, so applying it could bring back a removed element.",
                    "id");
            }

            var obj = _state.GetOrAdd(op.ObjectName, op.Kind);
            Clock.Observe(op.Id);
            changed = false;
            _views.TryGetValue(op.ObjectName, out var view);
            foreach (var (key, value) in op.Cells)
            {
                var cell = new CrdtCell(op.Id, value);
                if (obj.Apply(key, cell, _state.Horizon))
                {
                    changed = true;
                    view?.OnCell(key, cell);
                }
            }
        }

        if (changed)
        {
            Raise([op.ObjectName], origin);
        }

        return changed;
    }

    /// <summary>Joins a snapshot into the state after checking it (all or nothing).</summary>
    /// <returns>Whether the state changed.</returns>
    /// <exception cref="OperationRejectedException">A timestamp is too far in the future, or an object has another type here.</exception>
    internal bool Merge(DocumentState snapshot, ChangeOrigin origin = ChangeOrigin.Remote)
    {
        foreach (var obj in snapshot.Objects.Values)
        {
            foreach (var cell in obj.Cells.Values)
            {
                CheckDrift(cell.Stamp, "snapshot cell");
            }
        }

        if (snapshot.Horizon is { } proposed)
        {
            // A horizon ahead of this clock would make every edit stale and drop everything not in the snapshot.
            CheckDrift(new HybridTimestamp(proposed, 0, ReplicaId), "snapshot horizon");
        }

        var changedNames = new List<string>();
        lock (_gate)
        {
            foreach (var obj in snapshot.Objects.Values)
            {
                if (_state.Objects.TryGetValue(obj.Name, out var existing) && existing.Kind != obj.Kind)
                {
                    throw new OperationRejectedException(
                        RejectionReason.KindMismatch,
                        $"Rejected snapshot: \"{obj.Name}\" is a {CrdtOperation.KindName(existing.Kind)} in this document, not a {CrdtOperation.KindName(obj.Kind)}.",
                        obj.Name);
                }
            }

            // Cells here made before the snapshot's horizon that it does not hold were removed there, their
            // tombstones purged; cells of the snapshot made before this state's horizon that this state does not hold
            // likewise (Apply drops them).
            var reload = new HashSet<ObjectState>();
            var localHorizon = _state.Horizon;
            if (snapshot.Horizon is { } theirs)
            {
                foreach (var obj in _state.Objects.Values)
                {
                    if (obj.DropMissing(snapshot.Objects.GetValueOrDefault(obj.Name), theirs))
                    {
                        reload.Add(obj);
                    }
                }
            }

            foreach (var obj in snapshot.Objects.Values)
            {
                var target = _state.GetOrAdd(obj.Name, obj.Kind);
                _views.TryGetValue(obj.Name, out var view);
                var changed = false;
                foreach (var (key, cell) in obj.Cells)
                {
                    Clock.Observe(cell.Stamp);
                    if (target.Apply(key, cell, localHorizon))
                    {
                        changed = true;
                        view?.OnCell(key, cell);
                    }
                }

                if (changed)
                {
                    changedNames.Add(obj.Name);
                }
            }

            if (snapshot.Horizon is { } horizon)
            {
                reload.UnionWith(_state.AdvanceHorizon(horizon));
            }

            foreach (var obj in reload)
            {
                Reload(obj);
                if (!changedNames.Contains(obj.Name))
                {
                    changedNames.Add(obj.Name);
                }
            }
        }

        Raise(changedNames, origin);
        return changedNames.Count > 0;
    }

    // Rebuilds an object's view after cells were dropped from its state (under the lock).
    private void Reload(ObjectState obj)
    {
        if (_views.TryGetValue(obj.Name, out var view))
        {
            view.ResetView();
            view.Load(obj);
        }
    }

    private void CheckDrift(HybridTimestamp stamp, string what)
    {
        if (_maxClockDrift is { } drift && stamp.WallMilliseconds > TimeProvider.GetUtcNow().Add(drift).ToUnixTimeMilliseconds())
        {
            throw new OperationRejectedException(
                RejectionReason.ClockDrift,
                $"Rejected {what}: its timestamp ({DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(stamp.WallMilliseconds, 0, 253402300799999)):O}) is more than {drift} ahead of this replica's clock.",
                "id");
        }
    }

    private TView GetView<TView>(string name, CrdtObjectKind kind, Type valueType, Func<TView> create)
        where TView : CollaborativeObject
    {
        if (!IsValidObjectName(name))
        {
            throw new ArgumentException($"Invalid object name: 1 to {MaxObjectNameLength} characters without control characters.", nameof(name));
        }

        lock (_gate)
        {
            if (_views.TryGetValue(name, out var existing))
            {
                return existing as TView ?? throw new CollaborationException(
                    $"\"{name}\" is already read as a {CrdtOperation.KindName(existing.Kind)} of {existing.ValueType.Name}; it cannot also be read as a {CrdtOperation.KindName(kind)} of {valueType.Name}.");
            }

            ObjectState state;
            try
            {
                state = _state.GetOrAdd(name, kind);
            }
            catch (OperationRejectedException ex)
            {
                throw new CollaborationException($"\"{name}\" holds a {CrdtOperation.KindName(_state.Objects[name].Kind)}, not a {CrdtOperation.KindName(kind)}.", ex);
            }

            var view = create();
            view.Load(state);
            _views.Add(name, view);
            return view;
        }
    }

    private void Raise(List<string> names, ChangeOrigin origin)
    {
        foreach (var name in names)
        {
            var args = new CollaborationChangedEventArgs(name, origin);
            CollaborativeObject? view;
            lock (_gate)
            {
                _views.TryGetValue(name, out view);
            }

            view?.RaiseChanged(args);
            Changed?.Invoke(this, args);
        }
    }
}
