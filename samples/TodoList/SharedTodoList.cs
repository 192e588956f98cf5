using System.Threading.Channels;
using RealtimeAdapters;

namespace TodoList;

/// <summary>
/// One user's view of a shared todo list in an <see cref="IRealtimeStore"/>: the items live under
/// <c>todo-lists/&lt;list&gt;/items/&lt;push id&gt;</c> as <c>{title, done, order, createdBy, updatedBy}</c>, watched in
/// <c>order</c> order.
/// </summary>
/// <remarks>
/// <para><b>Concurrent edits.</b> Each edit writes only the fields it changes, inside a transaction on the item: two users
/// renaming and ticking the same item both win, and an edit to an item someone removed meanwhile is dropped rather than
/// bringing back a half item. Items added at the same moment by two users get the same order and are ordered by their
/// push ids, the same way on every client. Moving an item gives it an order between its new neighbours.</para>
/// <para><b>Offline edits.</b> <see cref="GoOffline"/> stops sending: edits are kept in order and shown at once over the
/// last state seen; <see cref="GoOnlineAsync"/> replays them against the current state with the same rules and reports
/// what could not be applied. (The Firebase provider also queues writes by itself across network loss,
/// <c>QueueWritesWhileOffline</c>; this explicit mode works on every store and decides conflicts in the application.)</para>
/// </remarks>
public sealed class SharedTodoList : IAsyncDisposable
{
    /// <summary>The longest title, in characters.</summary>
    public const int MaxTitleLength = 500;

    private readonly IRealtimeStore _store;
    private readonly RealtimePath _items;
    private readonly Channel<IReadOnlyList<TodoItem>> _changes = Channel.CreateBounded<IReadOnlyList<TodoItem>>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Edit> _pending = [];
    private IReadOnlyList<TodoItem> _remote = [];
    private IReadOnlyList<TodoItem> _view = [];
    private IRealtimeSubscription<StoreEvent>? _watch;
    private Task _pump = Task.CompletedTask;
    private bool _offline;
    private int _localIds;
    private double _lastOrder;

    /// <summary>Creates the view of <paramref name="listId"/> for <paramref name="userName"/>.</summary>
    /// <param name="store">The user's own store client; the list does not dispose it.</param>
    /// <param name="listId">The list (a valid path key).</param>
    /// <param name="userName">Who edits (recorded in <c>createdBy</c> / <c>updatedBy</c>).</param>
    public SharedTodoList(IRealtimeStore store, string listId, string userName)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(listId);
        ArgumentException.ThrowIfNullOrEmpty(userName);
        _store = store;
        _items = ItemsPath(listId);
        UserName = userName;
    }

    /// <summary>The user.</summary>
    public string UserName { get; }

    /// <summary>The items as this user sees them, in order (with this user's offline edits while offline).</summary>
    public IReadOnlyList<TodoItem> Items
    {
        get
        {
            lock (_lock)
            {
                return _view;
            }
        }
    }

    /// <summary>Whether edits are being kept locally (<see cref="GoOffline"/>).</summary>
    public bool IsOffline
    {
        get
        {
            lock (_lock)
            {
                return _offline;
            }
        }
    }

    /// <summary>How many offline edits wait to be sent.</summary>
    public int PendingEdits
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Where a list's items live.</summary>
    /// <param name="listId">The list.</param>
    public static RealtimePath ItemsPath(string listId) => RealtimePath.Parse("todo-lists").Child(listId).Child("items");

    /// <summary>Starts watching the list; completes once the current items are known.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _watch = await _store.WatchAsync(RealtimeQuery.At(_items).OrderByChild("order"), cancellationToken: cancellationToken).ConfigureAwait(false);
        _pump = PumpAsync(_watch);
        await _loaded.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The list after each change (the latest one when the reader falls behind); ends when disposed.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    public IAsyncEnumerable<IReadOnlyList<TodoItem>> ReadChangesAsync(CancellationToken cancellationToken = default) =>
        _changes.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Adds an item at the end.</summary>
    /// <param name="title">What to do.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The new item's id (<c>local-N</c> while offline).</returns>
    public async Task<string> AddAsync(string title, CancellationToken cancellationToken = default)
    {
        ValidateTitle(title);
        lock (_lock)
        {
            if (_offline)
            {
                var localId = "local-" + ++_localIds;
                Keep(new Edit(EditKind.Add, localId, title, null, NextOrder(_view)));
                return localId;
            }
        }

        return await SendAddAsync(title, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ticks or unticks an item (only the <c>done</c> field is written).</summary>
    /// <param name="id">The item.</param>
    /// <param name="done">Done or not.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether it was applied (false: the item no longer exists).</returns>
    public Task<bool> SetDoneAsync(string id, bool done, CancellationToken cancellationToken = default) =>
        EditAsync(new Edit(EditKind.SetDone, id, null, done, null), cancellationToken);

    /// <summary>Renames an item (only the <c>title</c> field is written).</summary>
    /// <param name="id">The item.</param>
    /// <param name="title">The new title.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether it was applied (false: the item no longer exists).</returns>
    public Task<bool> RenameAsync(string id, string title, CancellationToken cancellationToken = default)
    {
        ValidateTitle(title);
        return EditAsync(new Edit(EditKind.Rename, id, title, null, null), cancellationToken);
    }

    /// <summary>Moves an item to <paramref name="index"/> in the list as this user sees it (only <c>order</c> is written).</summary>
    /// <param name="id">The item.</param>
    /// <param name="index">Its new position, 0 for the top; past the end means the end.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether it was applied (false: the item no longer exists).</returns>
    public Task<bool> MoveAsync(string id, int index, CancellationToken cancellationToken = default)
    {
        double order;
        lock (_lock)
        {
            order = OrderAt([.. _view.Where(i => i.Id != id)], index);
        }

        return EditAsync(new Edit(EditKind.Move, id, null, null, order), cancellationToken);
    }

    /// <summary>Removes an item.</summary>
    /// <param name="id">The item.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_offline)
            {
                Keep(new Edit(EditKind.Remove, id, null, null, null));
                return;
            }
        }

        await _store.RemoveAsync(ItemPath(id), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops sending: edits are kept locally, in order, and shown over the last state seen.</summary>
    public void GoOffline()
    {
        lock (_lock)
        {
            _offline = true;
        }
    }

    /// <summary>
    /// Sends the edits made offline, in order, against the list as it is now: removals win over edits, each edit
    /// writes only its own fields, items added offline go to the end. Then shows the shared list again.
    /// </summary>
    /// <param name="cancellationToken">Cancels the replay (the edits not sent yet stay pending).</param>
    public async Task<ReconcileReport> GoOnlineAsync(CancellationToken cancellationToken = default)
    {
        var applied = 0;
        var dropped = new List<string>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal); // local id -> push id
        while (true)
        {
            Edit edit;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _offline = false;
                    Show(_remote);
                    return new ReconcileReport(applied, dropped);
                }

                edit = _pending[0];
            }

            var id = ids.GetValueOrDefault(edit.Id, edit.Id);
            switch (edit.Kind)
            {
                case EditKind.Add:
                    ids[edit.Id] = await SendAddAsync(edit.Title!, cancellationToken).ConfigureAwait(false);
                    applied++;
                    break;
                case EditKind.Remove:
                    await _store.RemoveAsync(ItemPath(id), cancellationToken).ConfigureAwait(false);
                    applied++;
                    break;
                default:
                    if (await SendEditAsync(edit with { Id = id }, cancellationToken).ConfigureAwait(false))
                    {
                        applied++;
                    }
                    else
                    {
                        dropped.Add($"{edit.Describe()}: the item was removed meanwhile");
                    }

                    break;
            }

            lock (_lock)
            {
                _pending.RemoveAt(0);
            }
        }
    }

    /// <summary>Stops watching (pending offline edits are lost).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_watch is not null)
        {
            await _watch.DisposeAsync().ConfigureAwait(false);
        }

        await _pump.ConfigureAwait(false);
        _changes.Writer.TryComplete();
    }

    private async Task<bool> EditAsync(Edit edit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_offline)
            {
                Keep(edit);
                return true;
            }
        }

        return await SendEditAsync(edit, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> SendAddAsync(string title, CancellationToken cancellationToken)
    {
        double order;
        lock (_lock)
        {
            // After the last item of the list as last seen, and after this user's own previous additions, which the
            // watch may not have delivered yet.
            order = _lastOrder = Math.Max(NextOrder(_remote), _lastOrder + 1);
        }

        var path = await _store.PushAsync(_items, DataNode.FromChildren(
        [
            new("title", title),
            new("done", false),
            new("order", order),
            new("createdBy", UserName),
            new("updatedBy", UserName),
        ]), cancellationToken).ConfigureAwait(false);
        return path.Key!;
    }

    // Writes only the edited field. With transactions, the edit is applied to the item's latest value and aborted when the
    // item is gone; without them (a store that does not offer them), a multi-path update of the same fields.
    private async Task<bool> SendEditAsync(Edit edit, CancellationToken cancellationToken)
    {
        var (field, value) = edit.Kind switch
        {
            EditKind.SetDone => ("done", DataNode.FromBoolean(edit.Done!.Value)),
            EditKind.Rename => ("title", DataNode.FromString(edit.Title!)),
            _ => ("order", DataNode.FromNumber(edit.Order!.Value)),
        };
        var path = ItemPath(edit.Id);
        if (!_store.Metadata.Supports(RealtimeCapabilities.Transactions))
        {
            await _store.UpdateAsync(path, new Dictionary<string, DataNode> { [field] = value, ["updatedBy"] = UserName }, cancellationToken).ConfigureAwait(false);
            return true;
        }

        var result = await _store.RunTransactionAsync(
            path,
            current => current.Exists
                ? TransactionDecision.Commit(current.Node.SetChild(field, value).SetChild("updatedBy", UserName))
                : TransactionDecision.Abort(),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.Committed;
    }

    private RealtimePath ItemPath(string id) => _items.Child(id);

    private async Task PumpAsync(IRealtimeSubscription<StoreEvent> watch)
    {
        try
        {
            // Only value events are used: each carries the whole list in query order. (Child events, with their previous
            // sibling's key, would let a large list be updated item by item instead.)
            await foreach (var e in watch)
            {
                if (e.Kind != StoreEventKind.Value)
                {
                    continue;
                }

                var items = e.Snapshot.Children.Select(ToItem).ToList();
                lock (_lock)
                {
                    _remote = items;
                    if (!_offline)
                    {
                        Show(items);
                    }
                }

                _loaded.TrySetResult();
            }
        }
        catch (RealtimeException ex)
        {
            _loaded.TrySetException(ex);
            _changes.Writer.TryComplete(ex);
        }
    }

    // Called under the lock.
    private void Keep(Edit edit)
    {
        _pending.Add(edit);
        Show(Overlay(_view, edit));
    }

    // Called under the lock.
    private void Show(IReadOnlyList<TodoItem> items)
    {
        _view = items;
        _changes.Writer.TryWrite(items);
    }

    private IReadOnlyList<TodoItem> Overlay(IReadOnlyList<TodoItem> items, Edit edit)
    {
        var list = items.ToList();
        var index = list.FindIndex(i => i.Id == edit.Id);
        switch (edit.Kind)
        {
            case EditKind.Add:
                list.Add(new TodoItem(edit.Id, edit.Title!, false, edit.Order!.Value, UserName));
                break;
            case EditKind.Remove when index >= 0:
                list.RemoveAt(index);
                break;
            case EditKind.SetDone when index >= 0:
                list[index] = list[index] with { Done = edit.Done!.Value, UpdatedBy = UserName };
                break;
            case EditKind.Rename when index >= 0:
                list[index] = list[index] with { Title = edit.Title!, UpdatedBy = UserName };
                break;
            case EditKind.Move when index >= 0:
                list[index] = list[index] with { Order = edit.Order!.Value, UpdatedBy = UserName };
                break;
        }

        // The store's order: by order, then by key.
        return [.. list.OrderBy(i => i.Order).ThenBy(i => i.Id, StringComparer.Ordinal)];
    }

    private static double NextOrder(IReadOnlyList<TodoItem> items) => items.Count == 0 ? 1 : Math.Floor(items.Max(i => i.Order)) + 1;

    private static double OrderAt(List<TodoItem> others, int index)
    {
        if (others.Count == 0)
        {
            return 1;
        }

        index = Math.Clamp(index, 0, others.Count);
        return index == 0 ? others[0].Order - 1
            : index == others.Count ? others[^1].Order + 1
            : (others[index - 1].Order + others[index].Order) / 2;
    }

    private static TodoItem ToItem(DataSnapshot item)
    {
        var title = item.Child("title").Node is { Kind: DataNodeKind.String } t ? t.GetString() : string.Empty;
        var done = item.Child("done").Node is { Kind: DataNodeKind.Boolean } d && d.GetBoolean();
        var order = item.Child("order").Node is { Kind: DataNodeKind.Number } o ? o.GetNumber() : 0;
        var updatedBy = item.Child("updatedBy").Node is { Kind: DataNodeKind.String } u ? u.GetString() : null;
        return new TodoItem(item.Key!, title, done, order, updatedBy);
    }

    private static void ValidateTitle(string title)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Length > MaxTitleLength)
        {
            throw new ArgumentException($"A title has 1 to {MaxTitleLength} characters.", nameof(title));
        }
    }

    private enum EditKind
    {
        Add,
        SetDone,
        Rename,
        Move,
        Remove,
    }

    private sealed record Edit(EditKind Kind, string Id, string? Title, bool? Done, double? Order)
    {
        public string Describe() => Kind switch
        {
            EditKind.SetDone => $"mark {Id} {(Done == true ? "done" : "not done")}",
            EditKind.Rename => $"rename {Id} to \"{Title}\"",
            EditKind.Move => $"move {Id}",
            _ => $"{Kind} {Id}",
        };
    }
}
