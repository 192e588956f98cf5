namespace RealtimeAdapters.Emulator.Firebase.Streaming;

/// <summary>The kinds of <see cref="StreamSignal"/>.</summary>
internal enum StreamSignalKind
{
    Write,
    WindowChange,
    KeepAlive,
    RulesChanged,
    CredentialExpired,
}
