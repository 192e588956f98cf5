namespace RealtimeAdapters.Collaboration;

/// <summary>A last-writer-wins register: it holds the value of the write with the latest hybrid logical timestamp.</summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed class CollaborativeRegister<T> : CollaborativeObject
{
    private T? _value;
    private bool _hasValue;

    internal CollaborativeRegister(CollaborativeDocument document, string name)
        : base(document, name, CrdtObjectKind.Register)
    {
    }

    /// <summary>Whether the register was ever written.</summary>
    public bool HasValue
    {
        get
        {
            lock (Document.Gate)
            {
                return _hasValue;
            }
        }
    }

    /// <summary>The value, or <c>default</c> when never written.</summary>
    public T? Value
    {
        get
        {
            lock (Document.Gate)
            {
                return _value;
            }
        }
    }

    internal override Type ValueType => typeof(T);

    /// <summary>Writes the value.</summary>
    /// <param name="value">The value.</param>
    public void Set(T value)
    {
        var json = Serialize(value);
        Document.Edit(this, _ => [new("v", json)]);
    }

    internal override void ResetView()
    {
        _value = default;
        _hasValue = false;
    }

    internal override void OnCell(string key, CrdtCell cell)
    {
        _value = Deserialize<T>(cell.Value);
        _hasValue = true;
    }
}
