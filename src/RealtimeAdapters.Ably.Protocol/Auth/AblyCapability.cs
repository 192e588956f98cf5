using System.Collections.Immutable;
using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol.Auth;

/// <summary>
/// An Ably capability (protocol §2.3): resource patterns mapped to operations, immutable. A client only parses, validates
/// and writes it in canonical form (token parameters, TokenRequests); what a capability allows is decided by the server
/// (the emulator's <c>AblyCapabilityRules</c>).
/// </summary>
public sealed class AblyCapability
{
    /// <summary>The operation that stands for all operations.</summary>
    public const string AllOperations = "*";

    /// <summary>The operations Ably defines.</summary>
    internal static readonly ImmutableHashSet<string> KnownOperations = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "subscribe", "publish", "presence", "history", "stats", "channel-metadata", "push-subscribe", "push-admin",
        "privileged-headers", "object-subscribe", "object-publish", "annotation-subscribe", "annotation-publish", AllOperations);

    private AblyCapability(ImmutableSortedDictionary<string, ImmutableSortedSet<string>> resources) => Resources = resources;

    /// <summary>Every operation on every ordinary channel: <c>{"*":["*"]}</c>, a key's default capability.</summary>
    public static AblyCapability AllowAll { get; } = FromResources([new("*", [AllOperations])]);

    /// <summary>Nothing at all: <c>{}</c>.</summary>
    public static AblyCapability Empty { get; } = new(ImmutableSortedDictionary.Create<string, ImmutableSortedSet<string>>(StringComparer.Ordinal));

    /// <summary>Resource pattern → operations, both sorted ordinally.</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedSet<string>> Resources { get; }

    /// <summary>Whether no resource grants any operation.</summary>
    public bool IsEmpty => Resources.Values.All(static ops => ops.IsEmpty);

    /// <summary>Builds a capability; operations are validated and de-duplicated.</summary>
    /// <exception cref="AblyProtocolException">A resource is empty or an operation is unknown (40000).</exception>
    public static AblyCapability FromResources(IEnumerable<KeyValuePair<string, IEnumerable<string>>> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedSet<string>>(StringComparer.Ordinal);
        foreach (var (resource, operations) in resources)
        {
            if (string.IsNullOrEmpty(resource))
            {
                throw Invalid("a resource name is empty.");
            }

            var set = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
            foreach (var op in operations)
            {
                if (!KnownOperations.Contains(op))
                {
                    throw Invalid($"unknown operation \"{op}\" for resource \"{resource}\".");
                }

                set.Add(op);
            }

            builder[resource] = builder.TryGetValue(resource, out var existing) ? existing.Union(set) : set.ToImmutable();
        }

        return new(builder.ToImmutable());
    }

    /// <summary>Parses a capability JSON object such as <c>{"chat:*":["publish","subscribe"]}</c>.</summary>
    /// <exception cref="AblyProtocolException">The text is not a valid capability (40000).</exception>
    public static AblyCapability Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement root;
        try
        {
            root = JsonWire.ParseElement(json);
        }
        catch (JsonException ex)
        {
            throw Invalid("it is not valid JSON.", ex);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("it must be a JSON object of resource names to operation arrays.");
        }

        var resources = new List<KeyValuePair<string, IEnumerable<string>>>();
        foreach (var property in root.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Array)
            {
                throw Invalid($"the operations of \"{property.Name}\" must be an array of strings.");
            }

            var ops = new List<string>();
            foreach (var op in property.Value.EnumerateArray())
            {
                if (op.ValueKind != JsonValueKind.String)
                {
                    throw Invalid($"the operations of \"{property.Name}\" must be an array of strings.");
                }

                ops.Add(op.GetString()!);
            }

            resources.Add(new(property.Name, ops));
        }

        return FromResources(resources);
    }

    /// <summary>The canonical JSON text: no white space, resources sorted, each operation list sorted.</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, JsonWire.WriterOptions))
        {
            w.WriteStartObject();
            foreach (var (resource, ops) in Resources)
            {
                w.WriteStartArray(resource);
                foreach (var op in ops)
                {
                    w.WriteStringValue(op);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The canonical JSON (<see cref="ToJson"/>).</summary>
    public override string ToString() => ToJson();

    private static AblyProtocolException Invalid(string problem, Exception? inner = null) =>
        new(ErrorInfo.Create(AblyErrorCodes.BadRequest, "Invalid capability: " + problem), inner);
}
