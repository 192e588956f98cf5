namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>The outcome of parsing the command line: options to run with, a request for help, or an error.</summary>
internal sealed record CommandLineResult(EmulatorOptions? Options, bool ShowHelp, string? Error, bool Verbose, string? TokenSecretFile);
