using System.ComponentModel.DataAnnotations;

namespace RealtimeAdapters.Tests.Fakes;

/// <summary>Options of the fake provider: like a real one, it needs a URL and a secret to start.</summary>
public sealed class FakeProviderOptions
{
    [Required(ErrorMessage = "the URL is required.")]
    public Uri? Url { get; set; }

    [Required(ErrorMessage = "the secret is required.")]
    public string? Secret { get; set; }
}
