using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using TodoList;

namespace Web;

/// <summary>
/// The todo-list API the page uses: <c>GET /api/todo/{list}/events?user=</c> opens the list and streams Server-Sent
/// Events (<c>hello</c>, then <c>items</c> after each change) until the page goes away; the <c>POST</c> routes act for the
/// session named in the body.
/// </summary>
public static class TodoEndpoints
{
    /// <summary>The body of a list action.</summary>
    /// <param name="Session">The session id from the <c>hello</c> event.</param>
    /// <param name="Title">A title (add, rename).</param>
    /// <param name="Done">Done or not (done).</param>
    /// <param name="Index">The new position (move).</param>
    /// <param name="Offline">Work offline or not (offline).</param>
    public sealed record TodoAction(string Session, string? Title, bool? Done, int? Index, bool? Offline);

    /// <summary>Maps the todo-list API.</summary>
    /// <param name="app">The application.</param>
    public static void MapTodoList(this IEndpointRouteBuilder app)
    {
        var todo = app.MapGroup("/api/todo/{list}");
        todo.MapGet("/events", (string list, string user, TodoService service, HttpContext context) =>
            Names.Problem(list, user) is { } problem ? Results.BadRequest(problem)
            : service.NotOffered is { } reason ? Results.Problem(reason, statusCode: StatusCodes.Status501NotImplemented, title: "not offered")
            : TypedResults.ServerSentEvents(StreamAsync(service, list, user, context.RequestAborted)));

        todo.MapPost("/items", (TodoAction a, TodoService s, CancellationToken ct) => Act(s, a, async l => new { id = await l.AddAsync(a.Title ?? string.Empty, ct) }));
        todo.MapPost("/items/{id}/done", (string id, TodoAction a, TodoService s, CancellationToken ct) => Act(s, a, async l => new { applied = await l.SetDoneAsync(id, a.Done ?? true, ct) }));
        todo.MapPost("/items/{id}/title", (string id, TodoAction a, TodoService s, CancellationToken ct) => Act(s, a, async l => new { applied = await l.RenameAsync(id, a.Title ?? string.Empty, ct) }));
        todo.MapPost("/items/{id}/move", (string id, TodoAction a, TodoService s, CancellationToken ct) => Act(s, a, async l => new { applied = await l.MoveAsync(id, a.Index ?? 0, ct) }));
        todo.MapPost("/items/{id}/remove", (string id, TodoAction a, TodoService s, CancellationToken ct) => Act(s, a, async l =>
        {
            await l.RemoveAsync(id, ct);
            return new { applied = true };
        }));
        todo.MapPost("/offline", (TodoAction a, TodoService s, CancellationToken ct) => Act<object>(s, a, async l =>
        {
            if (a.Offline == true)
            {
                l.GoOffline();
                return new { offline = true };
            }

            return new { offline = false, report = await l.GoOnlineAsync(ct) };
        }));
    }

    private static async Task<IResult> Act<T>(TodoService service, TodoAction action, Func<SharedTodoList, Task<T>> act)
    {
        if (service.Find(action.Session) is not { } session)
        {
            return Results.NotFound();
        }

        try
        {
            return Results.Ok(await act(session.List));
        }
        catch (ArgumentException e)
        {
            return Results.BadRequest(e.Message);
        }
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(TodoService service, string listId, string user, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var session = await service.OpenAsync(listId, user, cancellationToken);
        try
        {
            yield return Event("hello", new { session = session.Id, user, list = listId, backend = service.Kind.ToString() });
            yield return Items(session.List, session.List.Items);
            await foreach (var items in session.List.ReadChangesAsync(cancellationToken))
            {
                yield return Items(session.List, items);
            }
        }
        finally
        {
            await service.CloseAsync(session.Id);
        }
    }

    private static SseItem<string> Items(SharedTodoList list, IReadOnlyList<TodoItem> items) =>
        new(JsonSerializer.Serialize(new { items, offline = list.IsOffline, pending = list.PendingEdits }, JsonSerializerOptions.Web), "items");

    private static SseItem<string> Event<T>(string type, T data) => new(JsonSerializer.Serialize(data, JsonSerializerOptions.Web), type);
}
