using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// A map from string keys to last-writer-wins registers: each key holds the value of its latest write, and a removal is
/// a write too (the later of a concurrent set and remove wins). Keys enumerate in ordinal order.
/// </summary>
/// <typeparam name="T">The value type. A value that serializes to JSON null is a removal.</typeparam>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named for the replicated type it is, beside CollaborativeList and CollaborativeSet.")]
public sealed class CollaborativeMap<T> : CollaborativeObject, IReadOnlyDictionary<string, T>
{
    private readonly SortedDictionary<string, T> _values = new(StringComparer.Ordinal);

    internal CollaborativeMap(CollaborativeDocument document, string name)
        : base(document, name, CrdtObjectKind.Map)
    {
    }

    /// <summary>The number of keys.</summary>
    public int Count
    {
        get
        {
            lock (Document.Gate)
            {
                return _values.Count;
            }
        }
    }

    /// <summary>The keys, in ordinal order (a snapshot).</summary>
    public IEnumerable<string> Keys
    {
        get
        {
            lock (Document.Gate)
            {
                return [.. _values.Keys];
            }
        }
    }

    /// <summary>The values, in key order (a snapshot).</summary>
    public IEnumerable<T> Values
    {
        get
        {
            lock (Document.Gate)
            {
                return [.. _values.Values];
            }
        }
    }

    internal override Type ValueType => typeof(T);

    /// <summary>The value under <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="KeyNotFoundException">The key is absent.</exception>
    public T this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The map \"{Name}\" has no key \"{key}\".");
        set => Set(key, value);
    }

    /// <summary>Writes the value under <paramref name="key"/>.</summary>
    /// <param name="key">The key (1 to 768 characters).</param>
    /// <param name="value">The value; one that serializes to JSON null removes the key.</param>
    public void Set(string key, T value)
    {
        CheckKey(key);
        var json = Serialize(value);
        Document.Edit(this, _ => [new("k:" + key, json)]);
    }

    /// <summary>Removes a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether the key was present.</returns>
    public bool Remove(string key)
    {
        CheckKey(key);
        lock (Document.Gate)
        {
            if (!_values.ContainsKey(key))
            {
                return false;
            }

            Document.Edit(this, _ => [new("k:" + key, NullElement)]);
            return true;
        }
    }

    /// <inheritdoc />
    public bool ContainsKey(string key)
    {
        lock (Document.Gate)
        {
            return _values.ContainsKey(key);
        }
    }

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out T value)
    {
        lock (Document.Gate)
        {
            return _values.TryGetValue(key, out value);
        }
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, T>> GetEnumerator()
    {
        List<KeyValuePair<string, T>> copy;
        lock (Document.Gate)
        {
            copy = [.. _values];
        }

        return copy.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal override void ResetView() => _values.Clear();

    internal override void OnCell(string key, CrdtCell cell)
    {
        var mapKey = key[2..];
        if (cell.Value.ValueKind == JsonValueKind.Null)
        {
            _values.Remove(mapKey);
        }
        else
        {
            _values[mapKey] = Deserialize<T>(cell.Value)!;
        }
    }

    private static readonly JsonElement NullElement = JsonSerializer.SerializeToElement<object?>(null);

    private static void CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is 0 or > CellRules.MaxMapKeyLength)
        {
            throw new ArgumentException($"A map key has 1 to {CellRules.MaxMapKeyLength} characters.", nameof(key));
        }
    }
}
