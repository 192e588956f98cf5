using System.Text.Json;

namespace RealtimeAdapters.Emulator.Firebase.Auth;

/// <summary>Who makes a request: an admin (rules bypassed), or a user whose <c>auth</c> the rules see (null when anonymous).</summary>
/// <param name="IsAdmin">Whether rules are bypassed.</param>
/// <param name="Auth">The rules' <c>auth</c> variable: an object with <c>uid</c>, <c>provider</c> and <c>token</c>, or <see langword="null"/>.</param>
/// <param name="ExpiresAt">When the credential stops being valid, if it expires.</param>
internal sealed record FirebaseIdentity(bool IsAdmin, JsonElement? Auth, DateTimeOffset? ExpiresAt)
{
    public static FirebaseIdentity Admin { get; } = new(true, null, null);

    public static FirebaseIdentity Anonymous { get; } = new(false, null, null);
}
