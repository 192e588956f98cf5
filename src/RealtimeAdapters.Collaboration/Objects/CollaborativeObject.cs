using System.Text.Json;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// A named replicated object of a <see cref="CollaborativeDocument"/>. Reads see the document's current state; edits
/// apply at once and are replicated; <see cref="Changed"/> reports local and remote changes.
/// </summary>
public abstract class CollaborativeObject
{
    private protected CollaborativeObject(CollaborativeDocument document, string name, CrdtObjectKind kind)
    {
        Document = document;
        Name = name;
        Kind = kind;
    }

    /// <summary>The document holding the object.</summary>
    public CollaborativeDocument Document { get; }

    /// <summary>The object's name in the document.</summary>
    public string Name { get; }

    /// <summary>The object's replicated type.</summary>
    public CrdtObjectKind Kind { get; }

    /// <summary>
    /// Raised after the object changed, by an edit here (on the editing thread) or by edits from another replica (on the
    /// replication thread). Handlers should be quick and must not edit the document re-entrantly from a remote change.
    /// </summary>
    public event EventHandler<CollaborationChangedEventArgs>? Changed;

    /// <summary>The element type's value type (for checks that a name is always read with one type).</summary>
    internal abstract Type ValueType { get; }

    internal JsonSerializerOptions SerializerOptions => Document.SerializerOptions;

    /// <summary>Takes in a cell the document changed (under the document's lock).</summary>
    internal abstract void OnCell(string key, CrdtCell cell);

    /// <summary>Empties the view before it is built again (under the document's lock).</summary>
    internal abstract void ResetView();

    /// <summary>Builds the view from the object's cells (under the document's lock).</summary>
    internal void Load(ObjectState state)
    {
        foreach (var (key, cell) in state.Cells)
        {
            OnCell(key, cell);
        }
    }

    internal void RaiseChanged(CollaborationChangedEventArgs args) => Changed?.Invoke(this, args);

    internal JsonElement Serialize<TValue>(TValue value) => JsonSerializer.SerializeToElement(value, SerializerOptions);

    internal TValue? Deserialize<TValue>(JsonElement value)
    {
        try
        {
            return value.Deserialize<TValue>(SerializerOptions);
        }
        catch (JsonException)
        {
            // A value another replica wrote that does not fit this replica's type reads as the default value; the
            // replicated state keeps the value as written.
            return default;
        }
    }
}
