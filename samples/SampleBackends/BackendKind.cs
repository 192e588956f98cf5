namespace SampleBackends;

/// <summary>The services a sample can run on.</summary>
public enum BackendKind
{
    /// <summary>The in-memory provider, in this process: no network at all.</summary>
    InMemory,

    /// <summary>The Firebase Realtime Database provider (the emulator by default, or the hosted service).</summary>
    Firebase,

    /// <summary>The Ably provider (the emulator by default, or the hosted service).</summary>
    Ably,
}
