namespace RealtimeAdapters.Monitoring.Tests;

/// <summary>
/// The test classes that start a <see cref="global::Monitoring.MonitoringApp"/>, run one after the other: OpenTelemetry
/// listens to every meter named <c>RealtimeAdapters</c> in the process, so two sample hosts side by side would each
/// export the other's measurements too (series that come and go with the other host), and the Prometheus test would
/// read a mix.
/// </summary>
[CollectionDefinition(nameof(OneSampleHost))]
public sealed class OneSampleHost;
