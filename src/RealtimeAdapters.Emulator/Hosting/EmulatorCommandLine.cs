using System.Globalization;

namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// The command line of the emulator program. Every option is recognised or refused: an unknown option, a missing or bad
/// value is an error shown with the usage text, never ignored. Options are grouped by protocol prefix
/// (<c>--firebase-*</c>) so that other front ends can add theirs beside them.
/// </summary>
internal static class EmulatorCommandLine
{
    public const string Usage = """
        Usage: RealtimeAdapters.Emulator [options]

        A local emulator of the Firebase Realtime Database (REST + streaming API, and the realtime
        WebSocket protocol of the official SDKs on /.ws) and of the Ably REST + realtime protocol.
        When ready it prints one line to standard output:
          firebase listening on http://HOST:PORT
        and serves until SIGINT or SIGTERM, then exits with code 0.

        Options:
          --host ADDRESS                  Address to listen on (IP address or localhost). Default: 127.0.0.1
          --firebase-port PORT            Firebase port; 0 picks a free port. Default: 9000
          --firebase-rules FILE           Security rules file ({"rules": {...}}). Default: none (all reads and writes allowed)
          --firebase-keepalive SECONDS    Interval of keep-alive events on streams and of WebSocket
                                          pings. Default: 30
          --firebase-max-body BYTES       Largest request body or realtime message. Default: 268435456 (256 MB)
          --firebase-namespace NAME       Namespace of requests without ?ns=. Default: default
          --firebase-token-secret-file FILE
                                          File holding the secret that HS256 ID tokens are signed with
                                          (unsigned alg-none tokens are always accepted)
          --firebase-max-connections-per-ip N
                                          Realtime WebSockets and event streams one client address may hold open;
                                          one more gets HTTP 429. Default: 0 (no limit)
          --firebase-idle-timeout SECONDS Close a realtime WebSocket that sends nothing for this long (status 1001;
                                          the SDKs send a keep-alive after 45 s idle). Default: none
          --ably-port PORT                Serve the Ably REST + realtime protocol; 0 picks a free port. Alone (without
                                          --firebase-port) it serves Ably only. Ready line:
                                            ably listening on http://HOST:PORT key NAME:SECRET
          --ably-key NAME:SECRET[=CAPABILITY_JSON]
                                          An Ably API key (repeatable); default: one full-access key
          --ably-webhook URL              Send Ably-format webhooks (messages, presence, channel lifecycle; batched,
                                          signed with X-Ably-Key / X-Ably-Signature) to URL (repeatable)
          --ably-webhook-key NAME         The key (APP.KEY) webhooks are signed with. Default: the first key
          --ably-webhook-channel-idle SECONDS
                                          Send channel.closed once a channel has had no attachment, presence member
                                          or use for this long. Default: 120
          --ably-max-connections-per-ip N Realtime connections one client address may hold open; one more gets
                                          HTTP 429 with error 42922. Default: 0 (no limit)
          --ably-max-rate-per-connection MESSAGES
                                          Messages per second one connection may publish; over it a publish is
                                          NACKed with 42911. Default: 0 (no limit)
          --ably-max-rate-per-channel MESSAGES
                                          Messages per second all publishers may publish on one channel; over it
                                          42913 (NACK, or HTTP 429 over REST). Default: 0 (no limit)
          --ably-max-protocol-rate MESSAGES
                                          Protocol messages (frames of any kind) per second one connection may send;
                                          over it ERROR 42924 and the connection is closed. Default: 0 (no limit)
          --ably-max-message BYTES        Largest message (40009). Default: 65536
          --ably-max-frame BYTES          Largest realtime frame (ERROR 40009, connection closed). Default: 524288
          --ably-max-body BYTES           Largest REST request body (40009). Default: 4194304
          --ably-idle-timeout SECONDS     Send DISCONNECTED (80003) and close a realtime connection that sends
                                          nothing for this long. Default: none
          --verbose                       Log requests and errors to standard error
          -h, --help                      Show this text
        """;

    public static CommandLineResult Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new EmulatorOptions();
        var verbose = false;
        string? secretFile = null;
        var firebasePortGiven = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name = arg;
            string? inlineValue = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                name = arg[..eq];
                inlineValue = arg[(eq + 1)..];
            }

            string? Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return args[++i];
                }

                return null;
            }

            switch (name)
            {
                case "-h" or "--help" or "-?":
                    return new CommandLineResult(null, ShowHelp: true, Error: null, Verbose: false, TokenSecretFile: null);
                case "--verbose":
                    if (inlineValue is not null)
                    {
                        return Fail("--verbose takes no value.");
                    }

                    verbose = true;
                    break;
                case "--host":
                {
                    var value = Value();
                    if (value is null || EmulatorOptions.ParseHost(value) is null)
                    {
                        return Fail($"--host needs an IP address or localhost{Got(value)}.");
                    }

                    options.Host = value;
                    break;
                }

                case "--firebase-port":
                {
                    var value = Value();
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    {
                        return Fail($"--firebase-port needs a port number from 0 to 65535{Got(value)}.");
                    }

                    options.Firebase.Port = port;
                    firebasePortGiven = true;
                    break;
                }

                case "--firebase-rules":
                {
                    var value = Value();
                    if (string.IsNullOrEmpty(value))
                    {
                        return Fail("--firebase-rules needs a file name.");
                    }

                    options.Firebase.RulesFile = value;
                    break;
                }

                case "--firebase-keepalive":
                {
                    var value = Value();
                    if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) ||
                        seconds is not (> 0 and <= 86400))
                    {
                        return Fail($"--firebase-keepalive needs a number of seconds above 0 and at most 86400{Got(value)}.");
                    }

                    options.Firebase.KeepAliveInterval = TimeSpan.FromSeconds(seconds);
                    break;
                }

                case "--firebase-max-body":
                {
                    var value = Value();
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) || bytes < 1)
                    {
                        return Fail($"--firebase-max-body needs a positive number of bytes{Got(value)}.");
                    }

                    options.Firebase.MaxRequestBodySize = bytes;
                    break;
                }

                case "--firebase-namespace":
                {
                    var value = Value();
                    if (!FirebaseNamespaceName.IsValid(value))
                    {
                        return Fail($"--firebase-namespace needs a name: {FirebaseNamespaceName.Rule}");
                    }

                    options.Firebase.DefaultNamespace = value!;
                    break;
                }

                case "--firebase-token-secret-file":
                {
                    var value = Value();
                    if (string.IsNullOrEmpty(value))
                    {
                        return Fail("--firebase-token-secret-file needs a file name.");
                    }

                    secretFile = value;
                    break;
                }

                case "--ably-port":
                {
                    var value = Value();
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    {
                        return Fail($"--ably-port needs a port number from 0 to 65535{Got(value)}.");
                    }

                    options.Ably.Port = port;
                    options.Ably.Enabled = true;
                    break;
                }

                case "--firebase-max-connections-per-ip" or "--ably-max-connections-per-ip":
                {
                    var value = Value();
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                    {
                        return Fail($"{name} needs a number of connections, 0 for no limit{Got(value)}.");
                    }

                    if (name.StartsWith("--firebase", StringComparison.Ordinal))
                    {
                        options.Firebase.MaxConnectionsPerIp = count;
                    }
                    else
                    {
                        options.Ably.MaxConnectionsPerIp = count;
                    }

                    break;
                }

                case "--firebase-idle-timeout" or "--ably-idle-timeout" or "--ably-webhook-channel-idle":
                {
                    var value = Value();
                    if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) ||
                        seconds is not (> 0 and <= 86400))
                    {
                        return Fail($"{name} needs a number of seconds above 0 and at most 86400{Got(value)}.");
                    }

                    if (name.StartsWith("--firebase", StringComparison.Ordinal))
                    {
                        options.Firebase.IdleTimeout = TimeSpan.FromSeconds(seconds);
                    }
                    else if (name == "--ably-webhook-channel-idle")
                    {
                        options.Ably.WebhookChannelIdle = TimeSpan.FromSeconds(seconds);
                    }
                    else
                    {
                        options.Ably.IdleTimeout = TimeSpan.FromSeconds(seconds);
                    }

                    break;
                }

                case "--ably-max-rate-per-connection" or "--ably-max-rate-per-channel" or "--ably-max-protocol-rate":
                {
                    var value = Value();
                    if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) || rate is not (>= 0 and <= 1_000_000))
                    {
                        return Fail($"{name} needs a number of messages per second up to 1000000, 0 for no limit{Got(value)}.");
                    }

                    switch (name)
                    {
                        case "--ably-max-rate-per-connection":
                            options.Ably.MaxMessagesPerSecondPerConnection = rate;
                            break;
                        case "--ably-max-rate-per-channel":
                            options.Ably.MaxMessagesPerSecondPerChannel = rate;
                            break;
                        default:
                            options.Ably.MaxProtocolMessagesPerSecond = rate;
                            break;
                    }

                    break;
                }

                case "--ably-max-message" or "--ably-max-frame" or "--ably-max-body":
                {
                    var value = Value();
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) || bytes < 1)
                    {
                        return Fail($"{name} needs a positive number of bytes up to 2147483647{Got(value)}.");
                    }

                    switch (name)
                    {
                        case "--ably-max-message":
                            options.Ably.MaxMessageSize = bytes;
                            break;
                        case "--ably-max-frame":
                            options.Ably.MaxFrameSize = bytes;
                            break;
                        default:
                            options.Ably.MaxRequestBodySize = bytes;
                            break;
                    }

                    break;
                }

                case "--ably-webhook":
                {
                    var value = Value();
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                    {
                        return Fail($"--ably-webhook needs an absolute http or https URL{Got(value)}.");
                    }

                    options.Ably.WebhookUrls.Add(url);
                    break;
                }

                case "--ably-webhook-key":
                {
                    var value = Value();
                    if (string.IsNullOrEmpty(value) || value.Contains(':', StringComparison.Ordinal))
                    {
                        // Never echo the value: given a full key by mistake, it would print the secret.
                        return Fail("--ably-webhook-key needs a key name (APP.KEY, without the secret).");
                    }

                    options.Ably.WebhookKey = value;
                    break;
                }

                case "--ably-key":
                {
                    // The whole argument after the option name: the capability JSON may itself contain '='.
                    var value = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    try
                    {
                        _ = Ably.AblyKeyEntry.Parse(value);
                    }
                    catch (RealtimeValidationException ex)
                    {
                        return Fail("--ably-key: " + ex.Message);
                    }

                    options.Ably.Keys.Add(value!);
                    break;
                }

                default:
                    return Fail(arg.StartsWith('-') ? $"Unknown option {name}." : $"Unexpected argument \"{arg}\".");
            }
        }

        if (options.Ably.Enabled && !firebasePortGiven)
        {
            options.Firebase.Enabled = false;
        }

        return new CommandLineResult(options, ShowHelp: false, Error: null, verbose, secretFile);
    }

    private static string Got(string? value) => value is null ? " (no value given)" : $" (got \"{value}\")";

    private static CommandLineResult Fail(string error) => new(null, ShowHelp: false, error, Verbose: false, TokenSecretFile: null);
}
