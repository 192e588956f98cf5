using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace RealtimeAdapters.Internal;

/// <summary>Marks the validators <see cref="RealtimeBuilder.AddProviderOptions{TOptions}(object?, string, Action{Microsoft.Extensions.Configuration.IConfiguration, TOptions}, Microsoft.Extensions.Configuration.IConfiguration?, Action{TOptions}?)"/> registers, so that the test swap can drop them.</summary>
internal interface IRealtimeOptionsValidator;

/// <summary>
/// The one place realtime options are validated: DataAnnotations attributes and <see cref="IValidatableObject"/> of one
/// named options instance, reported with the configuration path of each invalid member so that the message says which
/// setting to fix.
/// </summary>
internal sealed class RealtimeOptionsValidator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TOptions>(string name, string configurationPath) : IValidateOptions<TOptions>, IRealtimeOptionsValidator
    where TOptions : class
{
    public string Name { get; } = name;

    public string ConfigurationPath { get; } = configurationPath;

    // The options factory creates exactly TOptions (never a subtype), whose members DynamicallyAccessedMembers keeps: the
    // properties and attributes the validator reads are there after trimming. Nested objects are not walked.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "TOptions is the runtime type and its members are kept (DynamicallyAccessedMembers.All).")]
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (!string.Equals(name ?? Microsoft.Extensions.Options.Options.DefaultName, Name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options, typeof(TOptions).Name, null, null), results, validateAllProperties: true))
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
