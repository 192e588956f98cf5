namespace TodoList;

/// <summary>An item of a shared list.</summary>
/// <param name="Id">The item's key (a push id; <c>local-N</c> for an item added offline and not yet sent).</param>
/// <param name="Title">What to do.</param>
/// <param name="Done">Whether it is done.</param>
/// <param name="Order">Its position: items are ordered by this number, then by key.</param>
/// <param name="UpdatedBy">Who changed it last.</param>
public sealed record TodoItem(string Id, string Title, bool Done, double Order, string? UpdatedBy);
