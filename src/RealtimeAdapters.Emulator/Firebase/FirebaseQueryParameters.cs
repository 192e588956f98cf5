using System.Globalization;
using System.Text.Json;

namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>
/// The query string of a REST request, parsed and validated as the service validates it: every parameter known, none
/// repeated, every value well-formed, filters only with an <c>orderBy</c>. Errors name the parameter but never quote its
/// value: the query string carries credentials (<c>auth</c>, <c>access_token</c>), and a malformed one can run them into
/// another parameter's value (<c>?ns=x;auth=SECRET</c>).
/// </summary>
internal sealed class FirebaseQueryParameters
{
    private static readonly HashSet<string> QueryNames =
        ["orderBy", "startAt", "endAt", "equalTo", "limitToFirst", "limitToLast"];

    public string? Namespace { get; private set; }

    public string? Auth { get; private set; }

    public string? AccessToken { get; private set; }

    public string? AuthVariableOverride { get; private set; }

    public FirebasePrintMode Print { get; private set; }

    public bool Shallow { get; private set; }

    public bool Export { get; private set; }

    public TimeSpan? Timeout { get; private set; }

    public string? WriteSizeLimit { get; private set; }

    /// <summary>The raw query parameters (orderBy, ranges, limits), for <see cref="BuildQuery"/>.</summary>
    public IReadOnlyDictionary<string, string> QueryValues => _query;

    public bool HasQuery => _query.Count > 0;

    private readonly Dictionary<string, string> _query = new(StringComparer.Ordinal);

    /// <summary>Parses a raw query string (with or without the leading <c>?</c>).</summary>
    /// <param name="rawQuery">The query string, percent-encoded.</param>
    /// <param name="rfc3986">Whether <c>+</c> is a literal plus (<c>X-Firebase-Decoding: 1</c>) rather than a space.</param>
    /// <exception cref="FirebaseHttpException">A parameter is unknown, repeated or malformed (400).</exception>
    public static FirebaseQueryParameters Parse(string? rawQuery, bool rfc3986)
    {
        var result = new FirebaseQueryParameters();
        if (string.IsNullOrEmpty(rawQuery))
        {
            return result;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = FirebaseTarget.PercentDecode(eq < 0 ? pair : pair[..eq], plusIsSpace: !rfc3986);
            var value = eq < 0 ? string.Empty : FirebaseTarget.PercentDecode(pair[(eq + 1)..], plusIsSpace: !rfc3986);
            if (!seen.Add(name))
            {
                throw FirebaseHttpException.BadRequest($"Invalid query: the parameter \"{Printable(name)}\" is given more than once.");
            }

            result.Set(name, value);
        }

        return result;
    }

    private void Set(string name, string value)
    {
        switch (name)
        {
            case "ns":
                Namespace = FirebaseNamespaceName.IsValid(value)
                    ? value
                    : throw FirebaseHttpException.BadRequest($"Invalid namespace (ns parameter): {FirebaseNamespaceName.Rule}");
                break;
            case "auth":
                Auth = value;
                break;
            case "access_token":
                AccessToken = value;
                break;
            case "auth_variable_override":
                AuthVariableOverride = value;
                break;
            case "print":
                Print = value switch
                {
                    "pretty" => FirebasePrintMode.Pretty,
                    "silent" => FirebasePrintMode.Silent,
                    _ => throw FirebaseHttpException.BadRequest("Invalid print parameter: use pretty or silent."),
                };
                break;
            case "shallow":
                Shallow = value switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw FirebaseHttpException.BadRequest("Invalid shallow parameter: use true or false."),
                };
                break;
            case "format":
                Export = value == "export"
                    ? true
                    : throw FirebaseHttpException.BadRequest("Invalid format parameter: the only format is export.");
                break;
            case "timeout":
                Timeout = ParseTimeout(value);
                break;
            case "writeSizeLimit":
                WriteSizeLimit = value is "tiny" or "small" or "medium" or "large" or "unlimited"
                    ? value
                    : throw FirebaseHttpException.BadRequest("Invalid writeSizeLimit: use tiny, small, medium, large or unlimited.");
                break;
            case "disableTriggers":
                // Sent by the Firebase CLI on import; the emulator runs no triggers, so there is nothing to disable.
                if (value is not ("true" or "false"))
                {
                    throw FirebaseHttpException.BadRequest("Invalid disableTriggers parameter: use true or false.");
                }

                break;
            default:
                if (!QueryNames.Contains(name))
                {
                    throw FirebaseHttpException.BadRequest($"Invalid query: unknown parameter \"{Printable(name)}\".");
                }

                _query[name] = value;
                break;
        }
    }

    private static TimeSpan ParseTimeout(string value)
    {
        var digits = 0;
        while (digits < value.Length && char.IsAsciiDigit(value[digits]))
        {
            digits++;
        }

        if (digits is > 0 and <= 9 && int.TryParse(value.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            TimeSpan? timeout = value[digits..] switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "min" => TimeSpan.FromMinutes(amount),
                _ => null,
            };
            if (timeout is { } t && t > TimeSpan.Zero && t <= TimeSpan.FromMinutes(15))
            {
                return t;
            }
        }

        throw FirebaseHttpException.BadRequest("Invalid timeout: use a positive number with ms, s or min, at most 15min.");
    }

    /// <summary>
    /// The query at <paramref name="path"/> described by orderBy, the ranges and the limits, or <see langword="null"/> when
    /// there are none.
    /// </summary>
    /// <exception cref="FirebaseHttpException">The combination is invalid (400).</exception>
    public RealtimeQuery? BuildQuery(RealtimePath path)
    {
        if (_query.Count == 0)
        {
            return null;
        }

        if (!_query.TryGetValue("orderBy", out var orderByText))
        {
            throw FirebaseHttpException.BadRequest(FirebaseMessages.OrderByRequired);
        }

        try
        {
            var query = RealtimeQuery.At(path);
            query = ParseOrderBy(orderByText) switch
            {
                "$key" => query.OrderByKey(),
                "$value" => query.OrderByValue(),
                "$priority" => query.OrderByPriority(),
                var child => query.OrderByChild(ParseChildPath(child)),
            };
            var byKey = query.OrderBy == QueryOrderBy.Key;
            if (_query.TryGetValue("equalTo", out var equalTo))
            {
                if (_query.ContainsKey("startAt") || _query.ContainsKey("endAt"))
                {
                    throw FirebaseHttpException.BadRequest("equalTo cannot be combined with startAt or endAt.");
                }

                query = query.WithEqualTo(ParseBound(equalTo, byKey));
            }

            if (_query.TryGetValue("startAt", out var startAt))
            {
                query = query.WithStartAt(ParseBound(startAt, byKey));
            }

            if (_query.TryGetValue("endAt", out var endAt))
            {
                query = query.WithEndAt(ParseBound(endAt, byKey));
            }

            var hasFirst = _query.TryGetValue("limitToFirst", out var first);
            var hasLast = _query.TryGetValue("limitToLast", out var last);
            if (hasFirst && hasLast)
            {
                throw FirebaseHttpException.BadRequest("Only one of limitToFirst and limitToLast may be given.");
            }

            if (hasFirst)
            {
                query = query.WithLimitToFirst(ParseLimit("limitToFirst", first!));
            }

            if (hasLast)
            {
                query = query.WithLimitToLast(ParseLimit("limitToLast", last!));
            }

            return query;
        }
        catch (RealtimeValidationException ex)
        {
            throw FirebaseHttpException.BadRequest(ex.Message);
        }
    }

    /// <summary>The <c>orderBy</c> value as the rules and the index check name it (<c>$key</c>, <c>.value</c>, a child path).</summary>
    public static string ParseOrderBy(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.String && doc.RootElement.GetString() is { Length: > 0 } value)
            {
                return value;
            }
        }
        catch (JsonException)
        {
        }
        catch (InvalidOperationException)
        {
        }

        throw FirebaseHttpException.BadRequest(FirebaseMessages.OrderByInvalid);
    }

    private static RealtimePath ParseChildPath(string child) =>
        RealtimePath.TryParse(child, out var path) && !path!.IsRoot ? path : throw FirebaseHttpException.BadRequest(FirebaseMessages.OrderByInvalid);

    private static DataNode ParseBound(string text, bool byKey)
    {
        DataNode value;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            value = root.ValueKind switch
            {
                JsonValueKind.String => DataNode.FromString(root.GetString()!),
                JsonValueKind.Number when root.TryGetDouble(out var d) && double.IsFinite(d) => DataNode.FromNumber(d),
                JsonValueKind.True => DataNode.True,
                JsonValueKind.False => DataNode.False,
                JsonValueKind.Null => DataNode.Null,
                _ => throw FirebaseHttpException.BadRequest(FirebaseMessages.ConstraintNotPrimitive),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or RealtimeValidationException)
        {
            throw FirebaseHttpException.BadRequest(FirebaseMessages.ConstraintNotPrimitive);
        }

        if (byKey && (value.Kind != DataNodeKind.String || !RealtimeKeys.IsValid(value.GetString())))
        {
            throw FirebaseHttpException.BadRequest(FirebaseMessages.ConstraintKeyInvalid);
        }

        return value;
    }

    private static int ParseLimit(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0
            ? limit
            : throw FirebaseHttpException.BadRequest($"{name} must be a positive integer.");

    /// <summary>Shortens and escapes user input for an error message.</summary>
    public static string Printable(string text)
    {
        var shortened = text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 61), "...");
        return string.Create(shortened.Length, shortened, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        });
    }
}
