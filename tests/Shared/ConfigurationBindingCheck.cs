using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RealtimeAdapters.Tests.Shared;

/// <summary>
/// Checks a provider's registration binds every setting configuration can hold exactly as the reflection binder would:
/// the providers bind through the configuration binding generator (trimming, native AOT), which must miss nothing.
/// Linked into the provider test projects.
/// </summary>
internal static class ConfigurationBindingCheck
{
    /// <summary>A configuration value, unlike the default, for every setting of <paramref name="type"/> below <paramref name="prefix"/>.</summary>
    public static Dictionary<string, string?> ValuesFor(Type type, string prefix)
    {
        var values = new Dictionary<string, string?>();
        var defaults = Activator.CreateInstance(type);
        foreach (var property in Settable(type))
        {
            var key = $"{prefix}:{property.Name}";
            var kind = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var value = kind switch
            {
                _ when kind == typeof(string) => $"v-{property.Name}",
                _ when kind == typeof(Uri) => $"http://{property.Name.ToLowerInvariant()}.example/",
                _ when kind == typeof(bool) => (property.GetValue(defaults) is true ? "false" : "true"),
                _ when kind == typeof(int) => "7",
                _ when kind == typeof(double) => "0.25",
                _ when kind == typeof(TimeSpan) => "00:00:07",
                _ when kind.IsEnum => Enum.GetNames(kind).First(n => !Equals(Enum.Parse(kind, n), property.GetValue(defaults))),
                _ => null,
            };
            if (value is not null)
            {
                values[key] = value;
            }
            else if (kind == typeof(IDictionary<string, string>))
            {
                values[$"{key}:k"] = "v";
            }
            else if (kind == typeof(IList<Uri>))
            {
                values[$"{key}:0"] = "http://fallback.example/";
            }
            else if (kind.IsClass && kind.Namespace?.StartsWith("RealtimeAdapters", StringComparison.Ordinal) == true)
            {
                foreach (var (k, v) in ValuesFor(kind, key))
                {
                    values[k] = v;
                }
            }
        }

        return values;
    }

    /// <summary>The options the registration's configure steps produce (binding included), before validation.</summary>
    public static TOptions Configured<TOptions>(IServiceProvider services)
        where TOptions : class, new()
    {
        var options = new TOptions();
        foreach (var configure in services.GetServices<IConfigureOptions<TOptions>>())
        {
            if (configure is IConfigureNamedOptions<TOptions> named)
            {
                named.Configure(Options.DefaultName, options);
            }
            else
            {
                configure.Configure(options);
            }
        }

        return options;
    }

    /// <summary>Binds <paramref name="values"/> with the reflection binder, for comparison.</summary>
    public static TOptions BoundByReflection<TOptions>(Dictionary<string, string?> values, string section)
        where TOptions : class, new()
    {
        var options = new TOptions();
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(section).Bind(options);
        return options;
    }

    /// <summary>Every setting of <paramref name="expected"/> and <paramref name="actual"/> is equal, nested settings included.</summary>
    public static void AssertSameSettings(object expected, object actual, string path = "")
    {
        foreach (var property in Settable(expected.GetType()))
        {
            var (e, a) = (property.GetValue(expected), property.GetValue(actual));
            var where = path + property.Name;
            if (e is string || e is Uri || e is null || e.GetType().IsValueType)
            {
                Assert.True(Equals(e, a), $"{where}: expected {e}, bound {a}");
            }
            else if (e is IEnumerable items && a is IEnumerable bound)
            {
                Assert.True(Describe(items) == Describe(bound), $"{where}: expected {Describe(items)}, bound {Describe(bound)}");
            }
            else if (e.GetType().Namespace?.StartsWith("RealtimeAdapters", StringComparison.Ordinal) == true)
            {
                AssertSameSettings(e, a!, where + ":");
            }
        }
    }

    private static string Describe(IEnumerable items) =>
        string.Join(",", items.Cast<object>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)));

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true && p.GetIndexParameters().Length == 0);
}
