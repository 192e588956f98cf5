using Monitoring;

// Runs until Ctrl+C or SIGTERM: point Prometheus at /metrics (prometheus.yml beside this file) and import grafana-dashboard.json.
await using var app = await MonitoringApp.StartAsync(args);
Console.WriteLine($"metrics at {app.Url}metrics; emulator metrics at {app.Emulator.FirebaseUrl}metrics and {app.Emulator.AblyUrl}metrics");
Console.WriteLine(app.ExportsTraces ? "traces exported over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT)" : "traces not exported (set OTEL_EXPORTER_OTLP_ENDPOINT to send them)");
await app.WaitForShutdownAsync();
