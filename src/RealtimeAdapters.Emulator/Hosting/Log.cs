using Microsoft.Extensions.Logging;

namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>The emulator's log messages. Paths are logged, query strings never: they may carry credentials.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Protocol} listening on {Url}")]
    public static partial void Listening(ILogger logger, string protocol, Uri url);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Unhandled error serving {Method} {Path}")]
    public static partial void UnhandledError(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "{Method} {Path} -> {Status}")]
    public static partial void Request(ILogger logger, string method, string path, int status);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Stream opened at {Path} in namespace {Namespace}")]
    public static partial void StreamOpened(ILogger logger, RealtimePath path, string @namespace);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Stream at {Path} in namespace {Namespace} ended: {Reason}")]
    public static partial void StreamClosed(ILogger logger, RealtimePath path, string @namespace, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Security rules of namespace {Namespace} replaced")]
    public static partial void RulesReplaced(ILogger logger, string @namespace);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Namespace {Namespace} created")]
    public static partial void NamespaceCreated(ILogger logger, string @namespace);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Realtime connection {Connection} opened in namespace {Namespace}")]
    public static partial void RealtimeOpened(ILogger logger, long connection, string @namespace);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "Realtime connection {Connection} in namespace {Namespace} ended: {Reason}")]
    public static partial void RealtimeClosed(ILogger logger, long connection, string @namespace, string reason);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Realtime connection {Connection} broke the protocol and is closed: {Problem}")]
    public static partial void RealtimeProtocolError(ILogger logger, long connection, string problem);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "An onDisconnect write of connection {Connection} at {Path} failed: {Problem}")]
    public static partial void DisconnectWriteFailed(ILogger logger, long connection, RealtimePath path, string problem);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "{Method} {Path}: the client went away before the request was complete")]
    public static partial void ClientWentAway(ILogger logger, string method, string path);
}
