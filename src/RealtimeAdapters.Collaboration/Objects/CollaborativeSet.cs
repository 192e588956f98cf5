using System.Collections;
using System.Text.Json;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// An observed-remove set: an element is present while some add of it has not been removed. A removal removes only the
/// adds this replica has seen, so an add made concurrently elsewhere survives it (add wins). Elements are equal when
/// they serialize to the same JSON; they enumerate in the ordinal order of that JSON.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class CollaborativeSet<T> : CollaborativeObject, IReadOnlyCollection<T>
{
    private readonly SortedDictionary<string, Element> _elements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tagToElement = new(StringComparer.Ordinal);

    internal CollaborativeSet(CollaborativeDocument document, string name)
        : base(document, name, CrdtObjectKind.Set)
    {
    }

    /// <summary>The number of elements.</summary>
    public int Count
    {
        get
        {
            lock (Document.Gate)
            {
                return _elements.Count;
            }
        }
    }

    internal override Type ValueType => typeof(T);

    /// <summary>Adds an element (again, if present: a fresh add survives concurrent removals).</summary>
    /// <param name="value">The element; not null.</param>
    public void Add(T value)
    {
        var json = Serialize(value);
        if (json.ValueKind == JsonValueKind.Null)
        {
            throw new ArgumentNullException(nameof(value), "A set element cannot be null.");
        }

        Document.Edit(this, stamp => [new("a:" + stamp, json)]);
    }

    /// <summary>Removes an element: every add of it this replica has seen.</summary>
    /// <param name="value">The element.</param>
    /// <returns>Whether it was present.</returns>
    public bool Remove(T value)
    {
        var canonical = Serialize(value).GetRawText();
        lock (Document.Gate)
        {
            if (!_elements.TryGetValue(canonical, out var element))
            {
                return false;
            }

            var tags = element.Tags.ToList();
            Document.Edit(this, _ => [.. tags.Select(static t => new KeyValuePair<string, JsonElement>("r:" + t, TrueElement))]);
            return true;
        }
    }

    /// <summary>Whether an element is present.</summary>
    /// <param name="value">The element.</param>
    public bool Contains(T value)
    {
        var canonical = Serialize(value).GetRawText();
        lock (Document.Gate)
        {
            return _elements.ContainsKey(canonical);
        }
    }

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator()
    {
        List<T> copy;
        lock (Document.Gate)
        {
            copy = [.. _elements.Values.Select(static e => e.Value)];
        }

        return copy.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal override void ResetView()
    {
        _elements.Clear();
        _tagToElement.Clear();
    }

    internal override void OnCell(string key, CrdtCell cell)
    {
        var tag = key[2..];
        if (key[0] == 'a')
        {
            var canonical = cell.Value.GetRawText();
            if (!_elements.TryGetValue(canonical, out var element))
            {
                element = new Element(Deserialize<T>(cell.Value)!);
                _elements.Add(canonical, element);
            }

            element.Tags.Add(tag);
            _tagToElement[tag] = canonical;
        }
        else if (_tagToElement.Remove(tag, out var canonical) && _elements.TryGetValue(canonical, out var element))
        {
            element.Tags.Remove(tag);
            if (element.Tags.Count == 0)
            {
                _elements.Remove(canonical);
            }
        }
    }

    private static readonly JsonElement TrueElement = JsonSerializer.SerializeToElement(true);

    private sealed class Element(T value)
    {
        public T Value { get; } = value;

        public HashSet<string> Tags { get; } = new(StringComparer.Ordinal);
    }
}
