using System.Reflection;

namespace RealtimeAdapters.Ably.Tests.Auth;

/// <summary>The client package ships only client code: verifying tokens and matching capabilities is the server's (DESIGN.md).</summary>
public sealed class ClientPackageBoundaryTests
{
    [Fact]
    public void AblyClientAssembly_HasNoServerSideVerification()
    {
        string[] serverOnly = ["Validate", "ValidateSigned", "VerifyMac", "Allows", "AllowsStats", "GetPermittedModes", "Intersect", "Matches", "Covers"];
        var found = typeof(AblyChannelClient).Assembly.GetTypes()
            .Where(t => t.Namespace == "RealtimeAdapters.Ably.Auth")
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => serverOnly.Contains(m.Name))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}");

        Assert.Empty(found);
        Assert.DoesNotContain(typeof(AblyChannelClient).Assembly.GetTypes(), t => t.Name is "AblyJwt" or "AblyJwtClaims");
    }
}
