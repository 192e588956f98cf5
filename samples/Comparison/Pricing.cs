using System.Globalization;
using System.Text.Json;

namespace RealtimeAdapters.Comparison;

/// <summary>The services' published price parameters and a workload to price (read from <c>prices.json</c>).</summary>
public sealed record PriceInputs
{
    /// <summary>When the prices were read.</summary>
    public required string Date { get; init; }

    /// <summary>A caveat shown with the estimate.</summary>
    public string? Note { get; init; }

    /// <summary>Firebase Realtime Database prices.</summary>
    public required FirebasePrices Firebase { get; init; }

    /// <summary>Ably prices.</summary>
    public required AblyPrices Ably { get; init; }

    /// <summary>The workload to price.</summary>
    public required PricedWorkload Workload { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Reads the inputs from a JSON file.</summary>
    /// <param name="path">The file.</param>
    public static PriceInputs Load(string path) =>
        JsonSerializer.Deserialize<PriceInputs>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path} holds no price inputs.");
}

/// <summary>Firebase Realtime Database prices (Blaze).</summary>
public sealed record FirebasePrices(string Source, double StoredPerGiBMonth, double FreeStoredGiB, double DownloadedPerGiB, double FreeDownloadedGiBPerMonth);

/// <summary>Ably prices (per-minute model).</summary>
public sealed record AblyPrices(string Source, double BasePerMonth, double PerMillionMessages, double PerMillionConnectionMinutes, double PerMillionChannelMinutes);

/// <summary>A workload described by the user.</summary>
public sealed record PricedWorkload(
    string Description,
    double MessagesPerDay,
    double PayloadBytes,
    double SubscribersPerMessage,
    double ConcurrentConnections,
    double ConnectedHoursPerDay,
    double ActiveChannels,
    double HistoryDays);

/// <summary>Monthly cost estimates from the price inputs and the measured bytes on the wire.</summary>
public static class CostEstimate
{
    private const double GiB = 1024d * 1024 * 1024;
    private const double Month = 30;

    /// <summary>Prices the workload on each service; the Firebase egress uses the measured per-message overhead when given.</summary>
    /// <param name="inputs">Prices and workload.</param>
    /// <param name="firebaseDeliveryOverheadBytes">Measured bytes a subscriber receives per message beyond the payload, or <see langword="null"/>.</param>
    /// <param name="firebaseStoredOverheadBytes">Bytes a stored message takes beyond its payload (the layout's fields).</param>
    public static ScenarioReport Price(PriceInputs inputs, double? firebaseDeliveryOverheadBytes, double firebaseStoredOverheadBytes = 160)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var w = inputs.Workload;
        var f = inputs.Firebase;
        var a = inputs.Ably;
        var overhead = firebaseDeliveryOverheadBytes ?? 150;
        var deliveries = w.MessagesPerDay * w.SubscribersPerMessage * Month;
        var downloadGiB = deliveries * (w.PayloadBytes + overhead) / GiB;
        var storedGiB = w.MessagesPerDay * Math.Min(w.HistoryDays, Month) * (w.PayloadBytes + firebaseStoredOverheadBytes) / GiB;
        var firebaseDownload = Math.Max(0, downloadGiB - f.FreeDownloadedGiBPerMonth) * f.DownloadedPerGiB;
        var firebaseStorage = Math.Max(0, storedGiB - f.FreeStoredGiB) * f.StoredPerGiBMonth;

        var ablyMessages = w.MessagesPerDay * Month * (1 + w.SubscribersPerMessage);
        var connectionMinutes = w.ConcurrentConnections * w.ConnectedHoursPerDay * 60 * Month;
        var channelMinutes = w.ActiveChannels * w.ConnectedHoursPerDay * 60 * Month;
        var ablyMessageCost = ablyMessages / 1e6 * a.PerMillionMessages;
        var ablyConnectionCost = connectionMinutes / 1e6 * a.PerMillionConnectionMinutes;
        var ablyChannelCost = channelMinutes / 1e6 * a.PerMillionChannelMinutes;

        var report = new ScenarioReport
        {
            Id = "cost",
            Title = "Cost estimate for a described workload",
            Method = $"Workload: {w.Description}. Prices as of {inputs.Date} (samples/Comparison/prices.json; {inputs.Note}). Firebase: {f.Source}: downloads at {f.DownloadedPerGiB:0.##} $/GiB after {f.FreeDownloadedGiBPerMonth:0.#} GiB free, storage at {f.StoredPerGiBMonth:0.##} $/GiB-month after {f.FreeStoredGiB:0.#} GiB free; each delivery counted as the payload plus the per-message overhead measured in [Bytes on the wire](#wire-bytes) ({overhead:0} B{(firebaseDeliveryOverheadBytes is null ? ", estimated: not measured in this run" : string.Empty)}; TLS not included). Ably: {a.Source}: {a.BasePerMonth:0.##} $ base, {a.PerMillionMessages:0.##} $ per million messages (a publish and each delivery count), {a.PerMillionConnectionMinutes:0.##} $ per million connection minutes, {a.PerMillionChannelMinutes:0.##} $ per million channel minutes.",
            Columns = ["what is billed", "volume per month", "cost per month ($)"],
        };
        report.Rows.Add(("Firebase", [$"downloads; storage", $"{downloadGiB:0.#} GiB; {storedGiB:0.##} GiB", Money(firebaseDownload + firebaseStorage)]));
        report.Rows.Add(("Ably", [$"base; messages; connection minutes; channel minutes", $"{ablyMessages / 1e6:0.#} M; {connectionMinutes / 1e6:0.#} M; {channelMinutes / 1e6:0.##} M", Money(a.BasePerMonth + ablyMessageCost + ablyConnectionCost + ablyChannelCost)]));
        report.Set("Firebase", "total", firebaseDownload + firebaseStorage);
        report.Set("Ably", "total", a.BasePerMonth + ablyMessageCost + ablyConnectionCost + ablyChannelCost);
        report.Plots.Add(("cost.svg", "Estimated monthly cost", Svg.Bars("Estimated cost per month ($)", "$ / month", ["this workload"],
            [("Firebase", [firebaseDownload + firebaseStorage]), ("Ably", [a.BasePerMonth + ablyMessageCost + ablyConnectionCost + ablyChannelCost])])));
        return report;
    }

    private static string Money(double value) => value.ToString("#,0.00", CultureInfo.InvariantCulture);
}
