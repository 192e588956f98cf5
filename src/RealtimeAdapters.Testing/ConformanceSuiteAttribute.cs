namespace RealtimeAdapters.Testing;

/// <summary>Marks an abstract conformance suite and names the capability its tests exercise.</summary>
/// <param name="capability">The capability, or <see cref="RealtimeCapabilities.None"/> for suites every provider runs in full (metadata, connection).</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ConformanceSuiteAttribute(RealtimeCapabilities capability) : Attribute
{
    /// <summary>The capability the suite's tests exercise.</summary>
    public RealtimeCapabilities Capability { get; } = capability;
}
