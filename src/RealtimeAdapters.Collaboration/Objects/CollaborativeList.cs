using System.Collections;
using System.Text.Json;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// An ordered list that several replicas edit at once: inserts, value updates, moves and removals converge to the same
/// order everywhere. Each element has a stable id (<see cref="CollaborativeListItem{T}.Id"/>); prefer the id overloads for
/// edits that may race with others, since indexes shift as remote edits arrive.
/// </summary>
/// <typeparam name="T">The element type (a value or an immutable record: a changed object must be written back with <see cref="Set"/>).</typeparam>
/// <remarks>
/// Each element has a dense position key and a value, both last-writer-wins: concurrent moves of one element leave it at
/// one place (the later move), never duplicated; concurrent inserts at one place are ordered the same on every replica,
/// and each replica's own inserts keep their relative order. A removal is final and wins over concurrent updates and
/// moves. The order is kept sorted as changes arrive (a binary search and one shift per change), so an edit by index or
/// by id costs the same whatever the list's length, up to that shift; <see cref="Items"/> copies the list.
/// </remarks>
public sealed class CollaborativeList<T> : CollaborativeObject, IReadOnlyList<T>
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    // The visible elements in order: their (position, id) slots, and, at the same indexes, the items handed out.
    private readonly List<(string Position, string Id)> _slots = [];
    private readonly List<CollaborativeListItem<T>> _items = [];

    internal CollaborativeList(CollaborativeDocument document, string name)
        : base(document, name, CrdtObjectKind.List)
    {
    }

    /// <summary>The number of elements.</summary>
    public int Count
    {
        get
        {
            lock (Document.Gate)
            {
                return _slots.Count;
            }
        }
    }

    /// <summary>The element at <paramref name="index"/>.</summary>
    /// <param name="index">The position.</param>
    public T this[int index] => Items[index].Value;

    /// <summary>A snapshot of the elements with their ids, in order.</summary>
    public IReadOnlyList<CollaborativeListItem<T>> Items
    {
        get
        {
            lock (Document.Gate)
            {
                return [.. _items];
            }
        }
    }

    internal override Type ValueType => typeof(T);

    /// <summary>Appends an element.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The new element's id.</returns>
    public string Add(T value)
    {
        lock (Document.Gate)
        {
            return Insert(_slots.Count, value);
        }
    }

    /// <summary>Inserts an element at <paramref name="index"/> (0 to <see cref="Count"/>).</summary>
    /// <param name="index">The position.</param>
    /// <param name="value">The value.</param>
    /// <returns>The new element's id.</returns>
    public string Insert(int index, T value)
    {
        var json = Serialize(value);
        string? id = null;
        lock (Document.Gate)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(index, _slots.Count);
            Document.Edit(this, stamp =>
            {
                id = stamp.ToString();
                var position = PositionKeys.Between(PositionAt(index - 1), PositionAt(index), stamp);
                return [new("v:" + id, json), new("p:" + id, JsonString(position))];
            });
        }

        return id!;
    }

    /// <summary>Replaces the value of the element at <paramref name="index"/>.</summary>
    /// <param name="index">The position.</param>
    /// <param name="value">The new value.</param>
    public void Set(int index, T value)
    {
        lock (Document.Gate)
        {
            Update(_slots[index].Id, value);
        }
    }

    /// <summary>Replaces the value of an element.</summary>
    /// <param name="id">The element's id.</param>
    /// <param name="value">The new value.</param>
    /// <returns>Whether the element is in the list (a removed element is not updated).</returns>
    public bool Update(string id, T value)
    {
        ArgumentNullException.ThrowIfNull(id);
        var json = Serialize(value);
        lock (Document.Gate)
        {
            if (!IsVisible(id))
            {
                return false;
            }

            Document.Edit(this, _ => [new("v:" + id, json)]);
            return true;
        }
    }

    /// <summary>Removes the element at <paramref name="index"/>.</summary>
    /// <param name="index">The position.</param>
    public void RemoveAt(int index)
    {
        lock (Document.Gate)
        {
            Remove(_slots[index].Id);
        }
    }

    /// <summary>Removes an element, for good: a concurrent update or move of it is dropped.</summary>
    /// <param name="id">The element's id.</param>
    /// <returns>Whether the element was in the list.</returns>
    public bool Remove(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (Document.Gate)
        {
            if (!IsVisible(id))
            {
                return false;
            }

            Document.Edit(this, _ => [new("d:" + id, TrueElement)]);
            return true;
        }
    }

    /// <summary>Removes every element present now (elements inserted concurrently elsewhere stay).</summary>
    public void Clear()
    {
        lock (Document.Gate)
        {
            if (_slots.Count > 0)
            {
                Document.Edit(this, _ => [.. _slots.Select(static s => new KeyValuePair<string, JsonElement>("d:" + s.Id, TrueElement))]);
            }
        }
    }

    /// <summary>Moves the element at <paramref name="fromIndex"/> so that it ends at <paramref name="toIndex"/>.</summary>
    /// <param name="fromIndex">Its position now.</param>
    /// <param name="toIndex">Its position after the move (0 to <see cref="Count"/> - 1).</param>
    public void Move(int fromIndex, int toIndex)
    {
        lock (Document.Gate)
        {
            MoveTo(_slots[fromIndex].Id, toIndex);
        }
    }

    /// <summary>Moves an element so that it ends at <paramref name="toIndex"/>.</summary>
    /// <param name="id">The element's id.</param>
    /// <param name="toIndex">Its position after the move (0 to <see cref="Count"/> - 1).</param>
    /// <returns>Whether the element is in the list.</returns>
    public bool MoveTo(string id, int toIndex)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (Document.Gate)
        {
            if (!IsVisible(id))
            {
                return false;
            }

            // Neighbours in the list without the element: index j there is j here before the element, j + 1 after it.
            var current = _slots.BinarySearch((_entries[id].Position!, id), SlotComparer.Instance);
            var count = _slots.Count - 1;
            ArgumentOutOfRangeException.ThrowIfNegative(toIndex);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(toIndex, count);
            string? Neighbour(int j) => j < 0 || j >= count ? null : _slots[j < current ? j : j + 1].Position;
            Document.Edit(this, stamp =>
            {
                var position = PositionKeys.Between(Neighbour(toIndex - 1), Neighbour(toIndex), stamp);
                return [new("p:" + id, JsonString(position))];
            });
            return true;
        }
    }

    /// <summary>The position of an element, or -1 when it is not in the list.</summary>
    /// <param name="id">The element's id.</param>
    public int IndexOf(string id)
    {
        lock (Document.Gate)
        {
            return _entries.TryGetValue(id, out var entry) && entry.Visible ? Math.Max(-1, _slots.BinarySearch((entry.Position!, id), SlotComparer.Instance)) : -1;
        }
    }

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => Items.Select(static i => i.Value).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal override void ResetView()
    {
        _entries.Clear();
        _slots.Clear();
        _items.Clear();
    }

    internal override void OnCell(string key, CrdtCell cell)
    {
        var id = key[2..];
        if (!_entries.TryGetValue(id, out var entry))
        {
            entry = new Entry();
            _entries.Add(id, entry);
        }

        if (entry.Visible)
        {
            var at = _slots.BinarySearch((entry.Position!, id), SlotComparer.Instance);
            _slots.RemoveAt(at);
            _items.RemoveAt(at);
        }

        switch (key[0])
        {
            case 'v':
                entry.Value = Deserialize<T>(cell.Value);
                entry.HasValue = true;
                break;
            case 'p':
                entry.Position = cell.Value.GetString();
                break;
            default:
                entry.Deleted = true;
                entry.Value = default;
                break;
        }

        if (entry.Visible)
        {
            var slot = (entry.Position!, id);
            var at = ~_slots.BinarySearch(slot, SlotComparer.Instance);
            _slots.Insert(at, slot);
            _items.Insert(at, new(id, entry.Value!));
        }
    }

    private static readonly JsonElement TrueElement = JsonSerializer.SerializeToElement(true);

    private static JsonElement JsonString(string text) => JsonSerializer.SerializeToElement(text);

    private bool IsVisible(string id) => _entries.TryGetValue(id, out var entry) && entry.Visible;

    private string? PositionAt(int index) => index < 0 || index >= _slots.Count ? null : _slots[index].Position;

    private sealed class Entry
    {
        public T? Value { get; set; }

        public bool HasValue { get; set; }

        public string? Position { get; set; }

        public bool Deleted { get; set; }

        public bool Visible => HasValue && Position is not null && !Deleted;
    }

    private sealed class SlotComparer : IComparer<(string Position, string Id)>
    {
        public static readonly SlotComparer Instance = new();

        public int Compare((string Position, string Id) x, (string Position, string Id) y)
        {
            var c = string.CompareOrdinal(x.Position, y.Position);
            return c != 0 ? c : string.CompareOrdinal(x.Id, y.Id);
        }
    }
}
