namespace RealtimeAdapters.Benchmarks.Emulator;

/// <summary>What the streams of <see cref="EmulatorQueryFanOutBenchmarks"/> listen to.</summary>
public enum FanOutStreamKind
{
    /// <summary>The location itself: each write arrives as a <c>put</c> at the written path.</summary>
    Plain,

    /// <summary><c>orderBy="score"&amp;limitToLast=10</c>: each write arrives as the change of the window.</summary>
    LimitToLast10,
}
