namespace RealtimeAdapters.Collaboration;

/// <summary>An element of a <see cref="CollaborativeList{T}"/> with its stable id.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="Id">The element's id: stable across edits and moves, the same on every replica.</param>
/// <param name="Value">The element's value.</param>
public readonly record struct CollaborativeListItem<T>(string Id, T Value);
