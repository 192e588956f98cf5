using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(RealtimeAdapters.Samples.Tests.Browser.BrowserFixture))]

namespace RealtimeAdapters.Samples.Tests.Browser;

/// <summary>
/// One headless Debian chromium for the whole run, driven by Playwright's driver from the NuGet package (no browser
/// download: <see cref="ExecutablePath"/> is the system's). Without chromium the browser tests skip with the reason,
/// unless <c>REALTIME_REQUIRE_BROWSER=1</c> (CI), where they fail.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static bool Required => Environment.GetEnvironmentVariable("REALTIME_REQUIRE_BROWSER") == "1";

    public ValueTask InitializeAsync()
    {
        // Playwright's assertions poll until their timeout; a loaded CI machine needs more than the default 5 s.
        Assertions.SetDefaultExpectTimeout(15_000);
        return ValueTask.CompletedTask;
    }

    /// <summary>The browser, launched on first use; skips (or fails in CI) when chromium is not installed.</summary>
    public async Task<IBrowser> GetAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            const string reason = $"{ExecutablePath} is not installed (apt-get install chromium); the browser tests need Debian's chromium.";
            if (Required)
            {
                Assert.Fail(reason + " REALTIME_REQUIRE_BROWSER=1 makes this a failure.");
            }

            Assert.Skip(reason);
        }

        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            _playwright ??= await Playwright.CreateAsync();
            return _browser ??= await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = ["--no-sandbox"],
            });
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _gate.Dispose();
    }
}
