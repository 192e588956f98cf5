using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// DataAnnotations validation of this package's options objects, safe under trimming: the options types are sealed, so the
/// runtime type is the type parameter, whose members <see cref="DynamicallyAccessedMembersAttribute"/> keeps.
/// </summary>
internal static class OptionsValidation
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "T is the runtime type (sealed options) and its members are kept.")]
    public static bool TryValidate<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] T>(T options, List<ValidationResult> results)
        where T : class =>
        Validator.TryValidateObject(options, new ValidationContext(options, typeof(T).Name, null, null), results, validateAllProperties: true);

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "T is the runtime type (sealed options) and its members are kept.")]
    public static void Validate<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] T>(T options)
        where T : class =>
        Validator.ValidateObject(options, new ValidationContext(options, typeof(T).Name, null, null), validateAllProperties: true);
}
