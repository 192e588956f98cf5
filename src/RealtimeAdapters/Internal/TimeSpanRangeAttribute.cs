using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace RealtimeAdapters.Internal;

/// <summary>
/// A <see cref="TimeSpan"/> between two limits, inclusive: what <c>[Range(typeof(TimeSpan), min, max)]</c> checks, without
/// the type converter lookup trimming cannot follow. The message formats as RangeAttribute's: {0} the member, {1} the
/// minimum, {2} the maximum.
/// </summary>
/// <param name="minimum">The smallest value, in the invariant "c" format (e.g. <c>00:00:00.001</c>).</param>
/// <param name="maximum">The largest value, in the invariant "c" format (e.g. <c>365.00:00:00</c>).</param>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class TimeSpanRangeAttribute(string minimum, string maximum) : ValidationAttribute
{
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    public override bool IsValid(object? value) => value is not TimeSpan t || (t >= Minimum && t <= Maximum);

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
