using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace RealtimeAdapters.Internal;

/// <summary>Marks the validators <see cref="RealtimeBuilder.AddProviderOptions{TOptions}"/> registers, so that the test swap can drop them.</summary>
internal interface IRealtimeOptionsValidator;

/// <summary>
/// The one place realtime options are validated: DataAnnotations attributes and <see cref="IValidatableObject"/> of one
/// named options instance, reported with the configuration path of each invalid member so that the message says which
/// setting to fix.
/// </summary>
internal sealed class RealtimeOptionsValidator<TOptions>(string name, string configurationPath) : IValidateOptions<TOptions>, IRealtimeOptionsValidator
    where TOptions : class
{
    public string Name { get; } = name;

    public string ConfigurationPath { get; } = configurationPath;

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (!string.Equals(name ?? Microsoft.Extensions.Options.Options.DefaultName, Name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        var failures = results.Select(r =>
        {
            var member = r.MemberNames.FirstOrDefault();
            var where = member is null ? ConfigurationPath : Microsoft.Extensions.Configuration.ConfigurationPath.Combine(ConfigurationPath, member);
            return string.Format(CultureInfo.InvariantCulture, "Invalid realtime option {0} ({1}): {2}", where, typeof(TOptions).Name, r.ErrorMessage);
        });
        return ValidateOptionsResult.Fail(failures);
    }
}
