using System.Net;
using Microsoft.Extensions.Logging;

namespace RealtimeAdapters.Emulator;

/// <summary>
/// Settings of a <see cref="RealtimeEmulator"/>: where it listens, its clock, its logging, and one section per protocol it
/// serves (<see cref="Firebase"/>, <see cref="Ably"/>). Plain mutable settings, checked once by <see cref="Validate"/> when the emulator starts.
/// </summary>
/// <example><code>
/// await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } });
/// var url = emulator.FirebaseUrl; // http://127.0.0.1:PORT/
/// </code></example>
public sealed class EmulatorOptions
{
    /// <summary>The address to listen on: an IP address or <c>localhost</c>. Loopback (<c>127.0.0.1</c>) by default.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The clock of the emulator: server timestamps, push ids, token expiry and keep-alive timers.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Where the emulator's diagnostics go; <see langword="null"/> (the default) logs nothing. The command line's
    /// <c>--verbose</c> switch logs to standard error.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>How long a stop waits for requests in flight (open streams are ended at once). 5 seconds by default.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The Firebase Realtime Database front end.</summary>
    public FirebaseEmulatorOptions Firebase { get; set; } = new();

    /// <summary>The Ably REST + realtime front end (off unless <see cref="AblyEmulatorOptions.Enabled"/>).</summary>
    public AblyEmulatorOptions Ably { get; set; } = new();

    /// <summary>Checks the settings.</summary>
    /// <exception cref="RealtimeValidationException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (ParseHost(Host) is null)
        {
            throw new RealtimeValidationException(
                $"Invalid host \"{Host}\": use an IP address (such as 127.0.0.1, 0.0.0.0 or ::1) or localhost.", nameof(Host));
        }

        if (TimeProvider is null)
        {
            throw new RealtimeValidationException("TimeProvider must not be null.", nameof(TimeProvider));
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            throw new RealtimeValidationException("ShutdownTimeout must not be negative.", nameof(ShutdownTimeout));
        }

        if (Firebase is null)
        {
            throw new RealtimeValidationException("Firebase must not be null.", nameof(Firebase));
        }

        Firebase.Validate();
        if (Ably is null)
        {
            throw new RealtimeValidationException("Ably must not be null.", nameof(Ably));
        }

        Ably.Validate();
    }

    internal static IPAddress? ParseHost(string? host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(host, out var address) ? address : null;
    }
}
