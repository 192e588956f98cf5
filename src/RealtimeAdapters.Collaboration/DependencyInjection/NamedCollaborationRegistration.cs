namespace RealtimeAdapters.Collaboration;

/// <summary>A document registered with <c>services.AddCollaboration(name, ...)</c> (what <see cref="CollaborationSessions"/> reads).</summary>
/// <param name="Name">The document's name.</param>
/// <param name="Registration">How it is replicated.</param>
public sealed record NamedCollaborationRegistration(string Name, CollaborationRegistration Registration);
