namespace RealtimeAdapters.Testing;

// Types the suites serialize through the typed helpers (System.Text.Json, web defaults: camelCase names).

internal sealed record ConformancePerson(string Name, int Age, List<string> Tags, ConformanceAddress? Address);

internal sealed record ConformanceAddress(string City, string? Zip);

internal sealed class ConformanceHolder
{
    public Dictionary<string, string>? Map { get; set; }

    public List<string?>? Items { get; set; }
}

internal sealed record ConformanceCounter(int Count, string? LastBy);
