using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RealtimeAdapters.Firebase;

/// <summary>
/// A Realtime Database security rules template for channels in the <see cref="FirebaseChannelLayout"/>: deploy it (or
/// merge it into your rules) with the Firebase CLI or the console. With it:
/// <list type="bullet">
/// <item>only signed-in users read channels and write to them;</item>
/// <item>a message is created, never edited; its <c>clientId</c>, when present, is the writer's <c>auth.uid</c> (a client
/// cannot publish as another client id), and its <c>timestamp</c> is the database's time (<c>{".sv": "timestamp"}</c>);</item>
/// <item>a presence member carries the writer's uid as its <c>clientId</c>, and only that user changes or removes it (the
/// on-disconnect removal included); presence events are logged under the writer's uid;</item>
/// <item>messages and presence events are removed only when they are older than the age limit or, for messages, when the
/// channel holds more than the count limit (the publishers' trimming).</item>
/// </list>
/// The count limit is cooperative: while a channel is over it, any signed-in user may remove any of its messages (rules
/// cannot tell the oldest); publishers remove the oldest, under the trim lease.
/// </summary>
public static class FirebaseChannelRules
{
    /// <summary>Creates the rules for channels below <paramref name="root"/>, with the retention limits of the publishers.</summary>
    /// <param name="root">The channels' root (<see cref="FirebaseChannelOptions.Root"/>).</param>
    /// <param name="historyMaxCount">The count limit (<see cref="FirebaseChannelOptions.HistoryMaxCount"/>), 0 for none.</param>
    /// <param name="historyMaxAge">The age limit (<see cref="FirebaseChannelOptions.HistoryMaxAge"/>), <see cref="TimeSpan.Zero"/> for none.</param>
    /// <returns>The rules document (JSON).</returns>
    /// <exception cref="ArgumentException">The root is not a valid path below the database root, or a limit is negative.</exception>
    public static string Create(string root = FirebaseChannelLayout.DefaultRoot, int historyMaxCount = 1000, TimeSpan? historyMaxAge = null)
    {
        if (FirebaseChannelLayout.GetRootProblem(root) is { } problem)
        {
            throw new ArgumentException(problem, nameof(root));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(historyMaxCount);
        var age = historyMaxAge ?? TimeSpan.FromHours(24);
        ArgumentOutOfRangeException.ThrowIfLessThan(age, TimeSpan.Zero, nameof(historyMaxAge));
        var rootPath = RealtimePath.Parse(root).ToString().Trim('/');
        var old = age > TimeSpan.Zero
            ? $"data.child('timestamp').val() < now - {((long)age.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}"
            : "false";
        var over = historyMaxCount > 0
            ? $"root.child('{rootPath}').child($channel).child('meta').child('count').val() > {historyMaxCount.ToString(CultureInfo.InvariantCulture)}"
            : "false";
        var rules = new Dictionary<string, object>
        {
            [rootPath] = new Dictionary<string, object>
            {
                ["$channel"] = new Dictionary<string, object>
                {
                    [".read"] = "auth != null",
                    [FirebaseChannelLayout.Messages] = new Dictionary<string, object>
                    {
                        [".indexOn"] = new[] { FirebaseChannelLayout.Timestamp },
                        ["$message"] = new Dictionary<string, object>
                        {
                            [".write"] = "auth != null && (!data.exists() " +
                                "? (!newData.child('clientId').exists() || newData.child('clientId').val() === auth.uid) " +
                                $": (!newData.exists() && ({old} || {over})))",
                            [".validate"] = "newData.hasChildren(['connectionId', 'id', 'timestamp']) && newData.child('timestamp').val() === now",
                        },
                    },
                    [FirebaseChannelLayout.Ids] = new Dictionary<string, object>
                    {
                        [".indexOn"] = new[] { FirebaseChannelLayout.Timestamp },
                        ["$id"] = new Dictionary<string, object> { [".write"] = "auth != null && (!data.exists() || !newData.exists())" },
                    },
                    [FirebaseChannelLayout.Presence] = new Dictionary<string, object>
                    {
                        ["$member"] = new Dictionary<string, object>
                        {
                            [".write"] = "auth != null && (newData.exists() " +
                                "? newData.child('clientId').val() === auth.uid && (!data.exists() || data.child('clientId').val() === auth.uid) " +
                                ": (!data.exists() || data.child('clientId').val() === auth.uid))",
                        },
                    },
                    [FirebaseChannelLayout.PresenceEvents] = new Dictionary<string, object>
                    {
                        [".indexOn"] = new[] { FirebaseChannelLayout.Timestamp },
                        ["$event"] = new Dictionary<string, object>
                        {
                            [".write"] = $"auth != null && (!data.exists() ? newData.child('clientId').val() === auth.uid : (!newData.exists() && {old}))",
                        },
                    },
                    [FirebaseChannelLayout.Meta] = new Dictionary<string, object> { [".write"] = "auth != null" },
                },
            },
        };
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["rules"] = rules }, FirebaseChannelRulesJsonContext.Default.DictionaryStringObject);
    }
}

/// <summary>Source-generated metadata for the rules document: nested dictionaries of strings and string arrays.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(string))]
internal sealed partial class FirebaseChannelRulesJsonContext : JsonSerializerContext;
