using System.Text.Json;

namespace RealtimeAdapters.Firebase.Realtime;

/// <summary>One request of the realtime protocol, from its issue to its answer (or failure).</summary>
internal sealed class RealtimeRequest(string action, byte[] body, RealtimeRequestKind kind, string what, RealtimePath path)
{
    private readonly TaskCompletionSource<RealtimeResponse> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The action (<c>p</c>, <c>m</c>, <c>g</c>, <c>o</c>...).</summary>
    public string Action { get; } = action;

    /// <summary>The request body, UTF-8 JSON.</summary>
    public byte[] Body { get; } = body;

    public RealtimeRequestKind Kind { get; } = kind;

    /// <summary>What the request does, for error messages (<c>write</c>, <c>read</c>...).</summary>
    public string What { get; } = what;

    public RealtimePath Path { get; } = path;

    /// <summary>The request number on the socket it was last sent on; 0 while unsent.</summary>
    public long Number { get; set; }

    /// <summary>Its place in the client's queue of unanswered requests; null once out of it. Changed under the client's gate.</summary>
    public LinkedListNode<RealtimeRequest>? QueueNode { get; set; }

    public Task<RealtimeResponse> Answer => _answer.Task;

    public void Complete(string status, JsonElement data) => _answer.TrySetResult(new RealtimeResponse(status, data));

    public void Fail(Exception error) => _answer.TrySetException(error);
}

/// <summary>The answer to a request: its status (<c>ok</c>, <c>permission_denied</c>, <c>datastale</c>...) and data.</summary>
/// <param name="Status">The status string.</param>
/// <param name="Data">The answer's data (a copy, independent of the message it came in).</param>
internal readonly record struct RealtimeResponse(string Status, JsonElement Data)
{
    public bool IsOk => Status == "ok";
}
