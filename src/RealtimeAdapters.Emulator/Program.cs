using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RealtimeAdapters.Emulator.Hosting;

namespace RealtimeAdapters.Emulator;

/// <summary>The command-line entry point: parse, start, print the ready line, serve until SIGINT or SIGTERM.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var parsed = EmulatorCommandLine.Parse(args);
        if (parsed.ShowHelp)
        {
            await Console.Out.WriteLineAsync(EmulatorCommandLine.Usage).ConfigureAwait(false);
            return 0;
        }

        if (parsed.Error is not null || parsed.Options is null)
        {
            await Console.Error.WriteLineAsync($"error: {parsed.Error}{Environment.NewLine}{Environment.NewLine}{EmulatorCommandLine.Usage}").ConfigureAwait(false);
            return 2;
        }

        var options = parsed.Options;
        using var loggerFactory = parsed.Verbose ? CreateStandardErrorLogger() : null;
        options.LoggerFactory = loggerFactory;
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            // Handled here: the process must stop gracefully and exit 0 rather than die from the signal.
            context.Cancel = true;
            stop.TrySetResult();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        RealtimeEmulator emulator;
        try
        {
            if (parsed.TokenSecretFile is { } secretFile)
            {
                options.Firebase.TokenSecret = (await File.ReadAllTextAsync(secretFile).ConfigureAwait(false)).Trim();
            }

            emulator = await RealtimeEmulator.StartAsync(options).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RealtimeException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (emulator.ConfigureAwait(false))
        {
            if (options.Firebase.Enabled)
            {
                await Console.Out.WriteLineAsync($"firebase listening on {emulator.FirebaseUrl.GetLeftPart(UriPartial.Authority)}").ConfigureAwait(false);
            }

            if (options.Ably.Enabled)
            {
                await Console.Out.WriteLineAsync(
                    $"ably listening on {emulator.AblyUrl.GetLeftPart(UriPartial.Authority)} key {emulator.AblyKeys[0]}").ConfigureAwait(false);
            }

            await Console.Out.FlushAsync().ConfigureAwait(false);
            await stop.Task.ConfigureAwait(false);
        }

        return 0;
    }

    private static ILoggerFactory CreateStandardErrorLogger() =>
        LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Debug)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter("Microsoft", LogLevel.Warning)
            .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
}
