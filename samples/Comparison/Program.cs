using Microsoft.Extensions.Configuration;
using RealtimeAdapters.Comparison;
using RealtimeAdapters.Firebase;

// The architects' comparison: the same scenarios on every backend, written as docs/comparison.md with SVG plots.
//   dotnet run -c Release --project samples/Comparison [-- --small] [--out docs] [--backends InMemory,Firebase,Ably]
//     [--scenarios channel-latency,fan-out,...] (a subset: write it elsewhere than docs with --out)
//     [--prices samples/Comparison/prices.json]
// Runs against an in-process emulator. A hosted Firebase database is added when Realtime:Firebase:DatabaseUrl and a
// credential are configured, a hosted Ably app when Realtime:Ably:Key is (appsettings.json, environment variables such as
// Realtime__Firebase__DatabaseUrl, or --Realtime:Ably:Key=...): the scenarios that need no proxy run there too.
var small = args.Contains("--small");
string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
var configuration = new ConfigurationBuilder()
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .AddCommandLine([.. args.Where(static a => a.StartsWith("--Realtime:", StringComparison.Ordinal))])
    .Build();
var extra = new List<Backend>();
if (configuration["Realtime:Firebase:DatabaseUrl"] is { } hosted)
{
    extra.Add(new FirebaseBackend(new Uri(hosted), o => configuration.GetSection("Realtime:Firebase").Bind(o), "Firebase (hosted)", emulated: false));
}

if (configuration["Realtime:Ably:Key"] is { } ablyKey)
{
    var endpoint = configuration["Realtime:Ably:Endpoint"] is { } e ? new Uri(e) : RealtimeAdapters.Ably.AblyChannelClientOptions.DefaultEndpoint;
    extra.Add(new AblyBackend(endpoint, ablyKey, binary: true, "Ably (hosted)", emulated: false));
}

var options = new ComparisonRunOptions
{
    OutputDirectory = Arg("--out") ?? "docs",
    Workload = small ? ComparisonWorkload.Small : ComparisonWorkload.Full,
    WorkloadName = small ? "small" : "full",
    Backends = Arg("--backends")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    Scenarios = Arg("--scenarios")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    ExtraBackends = extra,
    PricesPath = Arg("--prices") ?? Path.Combine(AppContext.BaseDirectory, "prices.json"),
    Command = "dotnet run -c Release --project samples/Comparison" + (args.Length > 0 ? " -- " + string.Join(' ', args.Where(static a => !a.StartsWith("--Realtime:", StringComparison.Ordinal))) : string.Empty),
    Log = Console.Out,
};
var (reports, path) = await ComparisonRunner.RunAsync(options);
foreach (var report in reports)
{
    Console.WriteLine($"{report.Id}: {string.Join("; ", report.Rows.Select(static r => $"{r.Backend} {string.Join(" / ", r.Cells)}"))}");
}

Console.WriteLine($"Report: {Path.GetFullPath(path)}");
