using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// The logger factory handed to Kestrel and ASP.NET Core: drops the hosting diagnostics category, whose "Request starting"
/// lines carry the full URL, and with it credentials the protocols put in the query (<c>auth=</c>, <c>key=</c>,
/// <c>access_token=</c>). Everything else goes to the caller's factory, which this does not own.
/// </summary>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private const string RequestUrlCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith(RequestUrlCategory, StringComparison.Ordinal) ? NullLogger.Instance : inner.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
    }
}
