using System.Reflection;
using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>The catalogue of conformance suites, and the meta-test that makes sure a provider binds all of them.</summary>
public static class ConformanceSuites
{
    /// <summary>
    /// Every suite: the public abstract generic classes of this assembly that derive from
    /// <see cref="ConformanceSuiteBase{TFixture}"/>, as open generic type definitions, by name.
    /// </summary>
    public static IReadOnlyList<Type> All { get; } =
    [
        .. typeof(ConformanceSuites).Assembly.GetExportedTypes()
            .Where(static t => t.IsAbstract && t.IsGenericTypeDefinition && DerivesFromSuiteBase(t))
            .OrderBy(static t => t.Name, StringComparer.Ordinal),
    ];

    /// <summary>The capability a suite exercises (<see cref="ConformanceSuiteAttribute.Capability"/>).</summary>
    /// <param name="suite">A suite from <see cref="All"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="suite"/> is not a conformance suite.</exception>
    public static RealtimeCapabilities GetCapability(Type suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var definition = suite.IsGenericType ? suite.GetGenericTypeDefinition() : suite;
        return definition.GetCustomAttribute<ConformanceSuiteAttribute>()?.Capability
            ?? throw new ArgumentException($"{suite.Name} is not a conformance suite.", nameof(suite));
    }

    /// <summary>The suites <paramref name="testAssembly"/> has no public concrete subclass of (xunit runs only public classes), closed over <paramref name="fixtureType"/>.</summary>
    /// <param name="testAssembly">The provider's test assembly.</param>
    /// <param name="fixtureType">The provider's fixture type.</param>
    public static IReadOnlyList<Type> FindMissingSuites(Assembly testAssembly, Type fixtureType)
    {
        ArgumentNullException.ThrowIfNull(testAssembly);
        ArgumentNullException.ThrowIfNull(fixtureType);
        var implemented = new HashSet<Type>();
        foreach (var type in GetLoadableTypes(testAssembly))
        {
            if (type.IsAbstract || type.IsGenericTypeDefinition || !type.IsVisible)
            {
                continue;
            }

            for (var b = type.BaseType; b is not null; b = b.BaseType)
            {
                if (b.IsGenericType && b.GetGenericArguments() is [var argument] && argument == fixtureType)
                {
                    implemented.Add(b.GetGenericTypeDefinition());
                }
            }
        }

        return [.. All.Where(suite => !implemented.Contains(suite))];
    }

    /// <summary>
    /// Fails unless <paramref name="testAssembly"/> has a concrete test class for every suite, closed over
    /// <paramref name="fixtureType"/>. Call it from one test in each provider's test project, so that a suite added to
    /// this package later cannot be skipped silently.
    /// </summary>
    /// <param name="testAssembly">The provider's test assembly.</param>
    /// <param name="fixtureType">The provider's fixture type (a <see cref="RealtimeProviderFixture"/>).</param>
    /// <exception cref="Xunit.Sdk.FailException">Some suites are not bound; the message lists them.</exception>
    public static void AssertAllSuitesImplemented(Assembly testAssembly, Type fixtureType)
    {
        ArgumentNullException.ThrowIfNull(fixtureType);
        Assert.True(
            typeof(RealtimeProviderFixture).IsAssignableFrom(fixtureType),
            $"{fixtureType.Name} is not a {nameof(RealtimeProviderFixture)}.");
        Assert.NotEmpty(All);
        var unmarked = All.Where(static s => s.GetCustomAttribute<ConformanceSuiteAttribute>() is null).Select(static s => s.Name).ToList();
        Assert.True(unmarked.Count == 0, $"Suites without [{nameof(ConformanceSuiteAttribute)}]: {string.Join(", ", unmarked)}.");
        var missing = FindMissingSuites(testAssembly, fixtureType);
        if (missing.Count > 0)
        {
            var lines = missing.Select(s =>
                $"  public sealed class {Prefix(fixtureType)}{TrimArity(s.Name)}({fixtureType.Name} fixture) : {TrimArity(s.Name)}<{fixtureType.Name}>(fixture);");
            Assert.Fail(
                $"{testAssembly.GetName().Name} does not bind {missing.Count} of the {All.Count} conformance suites for {fixtureType.Name}. Add:{Environment.NewLine}" +
                string.Join(Environment.NewLine, lines));
        }
    }

    private static bool DerivesFromSuiteBase(Type type)
    {
        for (var b = type.BaseType; b is not null; b = b.BaseType)
        {
            if (b.IsGenericType && b.GetGenericTypeDefinition() == typeof(ConformanceSuiteBase<>))
            {
                return true;
            }
        }

        return false;
    }

    private static string TrimArity(string name) => name.IndexOf('`', StringComparison.Ordinal) is var i and >= 0 ? name[..i] : name;

    private static string Prefix(Type fixtureType) =>
        fixtureType.Name.EndsWith("Fixture", StringComparison.Ordinal) ? fixtureType.Name[..^"Fixture".Length] : fixtureType.Name;

    private static IEnumerable<Type> GetLoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }
}
