using Microsoft.Playwright;

namespace RealtimeAdapters.Samples.Tests.Browser;

/// <summary>Opens pages of the web app as separate users (one browser context each: no shared cookies or storage).</summary>
public abstract class BrowserTest(BrowserFixture browser, WebAppFixture web) : IAsyncDisposable
{
    private readonly List<IBrowserContext> _contexts = [];

    protected Uri BaseUrl => web.App.Url;

    protected static string NewName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    protected async Task<IPage> OpenAsync(string relativeUrl)
    {
        var context = await (await browser.GetAsync()).NewContextAsync();
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(new Uri(BaseUrl, relativeUrl).ToString());
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
