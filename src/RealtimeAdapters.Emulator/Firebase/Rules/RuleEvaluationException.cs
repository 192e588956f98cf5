namespace RealtimeAdapters.Emulator.Firebase.Rules;

/// <summary>A rule expression failed while evaluating (e.g. a property of null): the rule counts as false, as on the service.</summary>
internal sealed class RuleEvaluationException : Exception
{
    public RuleEvaluationException()
    {
    }

    public RuleEvaluationException(string message)
        : base(message)
    {
    }

    public RuleEvaluationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
