namespace TodoList;

/// <summary>What happened to the edits made offline when the list went back online.</summary>
/// <param name="Applied">How many edits were applied.</param>
/// <param name="Dropped">The edits that could not be applied, each with the reason (e.g. the item was removed meanwhile).</param>
public sealed record ReconcileReport(int Applied, IReadOnlyList<string> Dropped);
