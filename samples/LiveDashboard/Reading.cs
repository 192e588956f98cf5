namespace LiveDashboard;

/// <summary>One update of the dashboard, as published.</summary>
/// <param name="Sequence">1, 2, 3... per producer.</param>
/// <param name="SentAtUnixMs">When the producer sent it (its clock, Unix milliseconds, with fractions): viewers measure latency from it.</param>
/// <param name="RequestsPerSecond">A metric shown on the dashboard.</param>
/// <param name="CpuPercent">Another metric.</param>
public sealed record Reading(long Sequence, double SentAtUnixMs, double RequestsPerSecond, double CpuPercent);
