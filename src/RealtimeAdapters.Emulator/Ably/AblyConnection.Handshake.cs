using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Emulator.Ably;

// AblyConnection: the handshake (authentication, resume and recover, CONNECTED) and token expiry.
internal sealed partial class AblyConnection
{
    private async Task<bool> ConnectAsync(IQueryCollection query)
    {
        if (!AblyServer.IsSupportedVersion(query["v"].FirstOrDefault()))
        {
            await FailAsync(ErrorInfo.Create(AblyErrorCodes.UnsupportedProtocolVersion, "Unsupported protocol version; use 2 to 6.")).ConfigureAwait(false);
            return false;
        }

        AblyAuthContext auth;
        try
        {
            auth = Authenticate(query);
        }
        catch (RealtimeException ex)
        {
            await FailAsync(AblyServer.ToErrorInfo(ex)).ConfigureAwait(false);
            return false;
        }

        var clientId = auth.ClientId;
        if (query["clientId"].FirstOrDefault() is { Length: > 0 } requested)
        {
            if (requested == "*")
            {
                await FailAsync(ErrorInfo.Create(AblyErrorCodes.InvalidClientId, "clientId \"*\" is not allowed as a connection's client id.")).ConfigureAwait(false);
                return false;
            }

            if (clientId is not null && clientId != "*" && clientId != requested)
            {
                await FailAsync(ErrorInfo.Create(AblyErrorCodes.IncompatibleCredentials, "The clientId does not match the token's client id.")).ConfigureAwait(false);
                return false;
            }

            clientId = requested;
        }

        ErrorInfo? resumeError = null;

        // resume: this client instance's own connection (RTN15); recover: a previous instance's (RTN16), which has no
        // unacknowledged frames to resend here, so the publish bookkeeping starts again. resume wins when both are sent.
        var resumeKey = query["resume"].FirstOrDefault();
        var recovering = resumeKey is null;
        resumeKey ??= query["recover"].FirstOrDefault();
        if (resumeKey is not null)
        {
            var verb = recovering ? "recover" : "resume";
            if (!resumeKey.Contains('!', StringComparison.Ordinal))
            {
                resumeError = ErrorInfo.Create(AblyErrorCodes.InvalidConnectionKey, $"Unable to {verb}: invalid connection key.");
            }
            else if (_server.Connections.TryGetValue(resumeKey, out var existing) && existing.Auth.KeyName == auth.KeyName)
            {
                _state = existing;
                existing.Auth = auth;
                existing.ClientId = clientId;
                if (recovering)
                {
                    existing.ResetPublishTracking();
                }
            }
            else
            {
                resumeError = ErrorInfo.Create(AblyErrorCodes.RecoveryFailed, $"Unable to {verb} connection: the connection expired or is unknown.");
            }
        }

        if (_state is null)
        {
            var connectionId = _server.Hub.CreateConnectionId();
            var connectionKey = connectionId + "!" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 16);
            _state = new AblyConnectionState(connectionId, connectionKey, auth, clientId) { InboundRate = _server.Rates.NewConnectionBucket() };
            _server.Connections[connectionKey] = _state;
        }

        var previous = _state.Attach(this);
        if (previous is not null)
        {
            await previous.AbortAsync().ConfigureAwait(false);
        }

        ScheduleExpiry(auth);
        Post(Connected(resumeError));
        Volatile.Write(ref _live, 1);
        _server.TransportReady(_state.ConnectionId, this);
        return true;
    }

    private ProtocolMessage Connected(ErrorInfo? error) => new()
    {
        Action = ProtocolAction.Connected,
        ConnectionId = _state!.ConnectionId,
        ConnectionKey = _state.ConnectionKey,
        Error = error,
        ConnectionDetails = new ConnectionDetails
        {
            ClientId = _state.ClientId,
            ConnectionKey = _state.ConnectionKey,
            MaxMessageSize = _server.Options.MaxMessageSize,
            MaxFrameSize = _server.Options.MaxFrameSize,
            MaxInboundRate = AnnouncedInboundRate,
            ConnectionStateTtl = (long)_server.Options.ConnectionStateTtl.TotalMilliseconds,
            MaxIdleInterval = (long)_server.Options.MaxIdleInterval.TotalMilliseconds,
            ServerId = "realtimeadapters-emulator",
            SiteCode = "local",
            ObjectsGCGracePeriod = (long)LiveObjects.ObjectsHub.GracePeriod.TotalMilliseconds,
        },
    };

    private AblyAuthContext Authenticate(IQueryCollection query)
    {
        if (query["key"].FirstOrDefault() is { } key)
        {
            return _server.Authority.AuthenticateKey(key);
        }

        if ((query["accessToken"].FirstOrDefault() ?? query["access_token"].FirstOrDefault()) is { } token)
        {
            return _server.Authority.AuthenticateToken(token);
        }

        throw AblyAuthority.Fail(AblyErrorCodes.NoAuthMethod, "No credentials: pass key, accessToken or access_token.");
    }

    private void ScheduleExpiry(AblyAuthContext auth)
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        _reauthTimer?.Dispose();
        _reauthTimer = null;
        if (auth.Expires is { } expires)
        {
            var due = expires - _server.Time.GetUtcNow();

            // As the service does: ask for a new token (server AUTH, RTN22) shortly before this one expires.
            var reauthDue = due - TimeSpan.FromSeconds(Math.Min(30, due.TotalSeconds / 4));
            _reauthTimer = _server.Time.CreateTimer(
                _ => Post(new ProtocolMessage { Action = ProtocolAction.Auth }),
                null,
                reauthDue > TimeSpan.Zero ? reauthDue : TimeSpan.Zero,
                Timeout.InfiniteTimeSpan);
            _expiryTimer = _server.Time.CreateTimer(
                _ => _ = DisconnectAsync(ErrorInfo.Create(AblyErrorCodes.TokenExpired, "Token expired.")),
                null,
                due > TimeSpan.Zero ? due : TimeSpan.Zero,
                Timeout.InfiniteTimeSpan);
        }
    }
}
