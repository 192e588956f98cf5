using RealtimeAdapters.Emulator.Firebase.Rules;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>
/// One isolated database (the <c>ns</c> query parameter): its tree, its rules, and the gate that serialises the front
/// end's writes so that rules are evaluated against exactly the tree the write is applied to.
/// </summary>
internal sealed class FirebaseNamespace
{
    private FirebaseRules _rules;

    public FirebaseNamespace(string name, FirebaseRules rules, TimeProvider time)
    {
        Name = name;
        _rules = rules;
        Database = new InMemoryDatabase(time);
        PushIds = new PushIdGenerator(time);
    }

    public string Name { get; }

    public InMemoryDatabase Database { get; }

    /// <summary>Held while a request reads the tree, checks the rules and writes, and while a stream registers and takes its first snapshot.</summary>
    public Lock WriteGate { get; } = new();

    public PushIdGenerator PushIds { get; }

    public FirebaseRules Rules => Volatile.Read(ref _rules);

    /// <summary>Raised after the rules were replaced, so that open streams check whether they may still read.</summary>
    public event EventHandler? RulesChanged;

    public void ReplaceRules(FirebaseRules rules)
    {
        Volatile.Write(ref _rules, rules);
        RulesChanged?.Invoke(this, EventArgs.Empty);
    }
}
