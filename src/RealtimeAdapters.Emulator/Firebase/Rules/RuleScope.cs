using System.Text.Json;

namespace RealtimeAdapters.Emulator.Firebase.Rules;

/// <summary>The variables a rule expression sees at one location.</summary>
internal sealed class RuleScope
{
    public required JsonElement? Auth { get; init; }

    public required DataNode OldRoot { get; init; }

    public required DataNode NewRoot { get; init; }

    public required RealtimePath Path { get; init; }

    public required IReadOnlyDictionary<string, string> Captures { get; init; }

    public required double Now { get; init; }

    public IReadOnlyDictionary<string, object?>? Query { get; init; }
}
