using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Chat;

namespace Web;

/// <summary>
/// The chat API the page uses: <c>GET /api/chat/{room}/events?user=</c> joins and streams Server-Sent Events
/// (<c>hello</c>, <c>history</c>, <c>message</c>, <c>members</c>) until the page goes away; <c>POST .../messages</c> and
/// <c>POST .../typing</c> act for the session named in the body.
/// </summary>
public static class ChatEndpoints
{
    /// <summary>The body of a chat action.</summary>
    /// <param name="Session">The session id from the <c>hello</c> event.</param>
    /// <param name="Text">The message (for <c>messages</c>).</param>
    /// <param name="Typing">Whether the user is typing (for <c>typing</c>).</param>
    public sealed record ChatAction(string Session, string? Text, bool? Typing);

    /// <summary>Maps the chat API.</summary>
    /// <param name="app">The application.</param>
    public static void MapChat(this IEndpointRouteBuilder app)
    {
        var chat = app.MapGroup("/api/chat/{room}");
        chat.MapGet("/events", (string room, string user, ChatService service, HttpContext context) =>
            Names.Problem(room, user) is { } problem ? Results.BadRequest(problem)
            : service.NotOffered is { } reason ? Results.Problem(reason, statusCode: StatusCodes.Status501NotImplemented, title: "not offered")
            : TypedResults.ServerSentEvents(StreamAsync(service, room, user, context.RequestAborted)));

        chat.MapPost("/messages", async (ChatAction action, ChatService service, CancellationToken cancellationToken) =>
        {
            if (service.Find(action.Session) is not { } session)
            {
                return Results.NotFound();
            }

            try
            {
                await session.Room.SendAsync(action.Text ?? string.Empty, cancellationToken);
                return Results.NoContent();
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(e.Message);
            }
        });

        chat.MapPost("/typing", async (ChatAction action, ChatService service, CancellationToken cancellationToken) =>
        {
            if (service.Find(action.Session) is not { } session)
            {
                return Results.NotFound();
            }

            await session.Room.SetTypingAsync(action.Typing ?? false, cancellationToken);
            return Results.NoContent();
        });
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(ChatService service, string room, string user, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var session = await service.OpenAsync(room, user, cancellationToken);
        try
        {
            yield return Event("hello", new { session = session.Id, user, room, backend = service.Kind.ToString() });
            yield return Event("history", session.History);
            await foreach (var e in session.Room.ReadEventsAsync(cancellationToken))
            {
                yield return e.Kind == ChatEventKind.Message ? Event("message", e.Line) : Event("members", e.Members);
            }
        }
        finally
        {
            await service.CloseAsync(session.Id);
        }
    }

    private static SseItem<string> Event<T>(string type, T data) => new(JsonSerializer.Serialize(data, JsonSerializerOptions.Web), type);
}
