using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RealtimeAdapters.Emulator.Firebase.Rules;

/// <summary>
/// A parsed rule expression. Values at run time are <see langword="null"/>, <see cref="bool"/>, <see cref="double"/>,
/// <see cref="string"/>, <see cref="RuleSnapshot"/>, <see cref="JsonElement"/> (parts of <c>auth</c>), <see cref="DataNode"/>
/// (objects from <c>val()</c>), <see cref="Regex"/>, arrays (<c>object?[]</c>) and the <c>query</c> dictionary.
/// Errors throw <see cref="RuleEvaluationException"/>; the caller counts the rule as false.
/// </summary>
internal abstract class RuleExpression
{
    public abstract object? Evaluate(RuleScope scope);

    /// <summary>Whether the expression is <see langword="true"/> in <paramref name="scope"/>; errors and non-booleans count as false.</summary>
    public bool IsTrue(RuleScope scope)
    {
        try
        {
            return Evaluate(scope) is true;
        }
        catch (RuleEvaluationException)
        {
            return false;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    internal static RuleEvaluationException Error(string message) => new(message);

    internal static string TypeName(object? value) => value switch
    {
        null => "null",
        bool => "boolean",
        double => "number",
        string => "string",
        RuleSnapshot => "snapshot",
        Regex => "regular expression",
        object?[] => "array",
        _ => "object",
    };

    internal static string ToJsString(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => FormatNumber(d),
        string s => s,
        _ => throw Error($"cannot convert a {TypeName(value)} to a string"),
    };

    private static string FormatNumber(double d) =>
        Math.Abs(d) < 1e21 && d == Math.Floor(d)
            ? ((decimal)d).ToString(CultureInfo.InvariantCulture)
            : d.ToString("R", CultureInfo.InvariantCulture);

    internal static object? FromJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.String => (object?)json.GetString(),
        JsonValueKind.Number => (object)json.GetDouble(),
        JsonValueKind.True => (object)true,
        JsonValueKind.False => (object)false,
        JsonValueKind.Object or JsonValueKind.Array => (object)json,
        _ => null,
    };

    // Each arm is cast to object: DataNode converts implicitly from string, double and bool, so without the casts the
    // switch would have type DataNode and turn every primitive back into a node.
    internal static object? FromNode(DataNode node) => node.Kind switch
    {
        DataNodeKind.Boolean => (object)node.GetBoolean(),
        DataNodeKind.Number => (object)node.GetNumber(),
        DataNodeKind.String => (object)node.GetString(),
        DataNodeKind.Object => (object)node,
        _ => null,
    };
}

/// <summary>A literal: <c>true</c>, <c>42</c>, <c>'text'</c>, <c>null</c>, or a regular expression.</summary>
internal sealed class RuleLiteral(object? value) : RuleExpression
{
    public object? Value { get; } = value;

    public override object? Evaluate(RuleScope scope) => Value;
}

/// <summary>An array literal (the argument of <c>hasChildren</c>).</summary>
internal sealed class RuleArray(IReadOnlyList<RuleExpression> items) : RuleExpression
{
    public override object? Evaluate(RuleScope scope)
    {
        var values = new object?[items.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = items[i].Evaluate(scope);
        }

        return values;
    }
}

/// <summary>A variable: <c>auth</c>, <c>root</c>, <c>data</c>, <c>newData</c>, <c>now</c>, <c>query</c> or a <c>$capture</c>.</summary>
internal sealed class RuleVariable(string name) : RuleExpression
{
    public string Name { get; } = name;

    public override object? Evaluate(RuleScope scope) => Name switch
    {
        "auth" => scope.Auth is { } auth ? (object)auth : null,
        "root" => (object)new RuleSnapshot(scope.OldRoot, RealtimePath.Root),
        "data" => new RuleSnapshot(scope.OldRoot, scope.Path),
        "newData" => new RuleSnapshot(scope.NewRoot, scope.Path),
        "now" => scope.Now,
        "query" => scope.Query,
        _ => scope.Captures.TryGetValue(Name, out var captured) ? captured : throw Error($"unknown variable {Name}"),
    };
}

/// <summary>A property read: <c>auth.uid</c>, <c>'abc'.length</c>, <c>auth.token['email']</c>.</summary>
internal sealed class RuleMember(RuleExpression target, RuleExpression key) : RuleExpression
{
    public override object? Evaluate(RuleScope scope)
    {
        var value = target.Evaluate(scope);
        var name = key.Evaluate(scope);
        switch (value)
        {
            case null:
                throw Error($"cannot read property {ToJsString(name)} of null");
            case string s when name is "length":
                return (double)s.Length;
            case JsonElement { ValueKind: JsonValueKind.Object } json when name is string property:
                return json.TryGetProperty(property, out var child) ? FromJson(child) : null;
            case JsonElement { ValueKind: JsonValueKind.Array } array when name is "length":
                return (double)array.GetArrayLength();
            case JsonElement { ValueKind: JsonValueKind.Array } array when name is double index:
                return index >= 0 && index < array.GetArrayLength() && index == Math.Floor(index) ? FromJson(array[(int)index]) : null;
            case DataNode node when name is string or double:
                return FromNode(node.GetChild(ToJsString(name)));
            case IReadOnlyDictionary<string, object?> map when name is string property:
                return map.TryGetValue(property, out var entry) ? entry : null;
            case object?[] items when name is "length":
                return (double)items.Length;
            default:
                throw Error($"a {TypeName(value)} has no property {ToJsString(name)}");
        }
    }
}

/// <summary>A method call on a snapshot or a string.</summary>
internal sealed class RuleMethodCall(RuleExpression target, string method, IReadOnlyList<RuleExpression> arguments) : RuleExpression
{
    public override object? Evaluate(RuleScope scope)
    {
        var value = target.Evaluate(scope);
        var args = new object?[arguments.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = arguments[i].Evaluate(scope);
        }

        return value switch
        {
            RuleSnapshot snapshot => CallSnapshot(snapshot, args),
            string s => CallString(s, args),
            null => throw Error($"cannot call {method}() on null"),
            _ => throw Error($"a {TypeName(value)} has no method {method}()"),
        };
    }

    private object? CallSnapshot(RuleSnapshot snapshot, object?[] args)
    {
        switch (method)
        {
            case "val":
                Arity(args, 0);
                return FromNode(snapshot.Node.WithoutPriority());
            case "exists":
                Arity(args, 0);
                return !snapshot.Node.IsNull;
            case "child":
                Arity(args, 1);
                return new RuleSnapshot(snapshot.Root, snapshot.Path.Child(ParsePath(args[0])));
            case "parent":
                Arity(args, 0);
                return snapshot.Path.Parent is { } parent
                    ? new RuleSnapshot(snapshot.Root, parent)
                    : throw Error("the root has no parent");
            case "hasChild":
                Arity(args, 1);
                return !snapshot.Node.GetAt(ParsePath(args[0])).IsNull;
            case "hasChildren":
                if (args.Length == 0)
                {
                    return snapshot.Node.ChildCount > 0;
                }

                Arity(args, 1);
                if (args[0] is not object?[] keys)
                {
                    throw Error("hasChildren() takes an array of child names");
                }

                foreach (var key in keys)
                {
                    if (snapshot.Node.GetAt(ParsePath(key)).IsNull)
                    {
                        return false;
                    }
                }

                return true;
            case "getPriority":
                Arity(args, 0);
                return FromNode(snapshot.Node.Priority);
            case "isNumber":
                Arity(args, 0);
                return snapshot.Node.Kind == DataNodeKind.Number;
            case "isString":
                Arity(args, 0);
                return snapshot.Node.Kind == DataNodeKind.String;
            case "isBoolean":
                Arity(args, 0);
                return snapshot.Node.Kind == DataNodeKind.Boolean;
            default:
                throw Error($"a snapshot has no method {method}()");
        }
    }

    private object? CallString(string s, object?[] args)
    {
        switch (method)
        {
            case "contains":
                Arity(args, 1);
                return s.Contains(StringArg(args[0]), StringComparison.Ordinal);
            case "beginsWith":
                Arity(args, 1);
                return s.StartsWith(StringArg(args[0]), StringComparison.Ordinal);
            case "endsWith":
                Arity(args, 1);
                return s.EndsWith(StringArg(args[0]), StringComparison.Ordinal);
            case "replace":
                Arity(args, 2);
                var find = StringArg(args[0]);
                return find.Length == 0 ? s : s.Replace(find, StringArg(args[1]), StringComparison.Ordinal);
            case "toLowerCase":
                Arity(args, 0);
                return s.ToLowerInvariant();
            case "toUpperCase":
                Arity(args, 0);
                return s.ToUpperInvariant();
            case "matches":
                Arity(args, 1);
                return args[0] is Regex regex ? regex.IsMatch(s) : throw Error("matches() takes a regular expression literal");
            default:
                throw Error($"a string has no method {method}()");
        }
    }

    private void Arity(object?[] args, int count)
    {
        if (args.Length != count)
        {
            throw Error($"{method}() takes {count} argument(s), got {args.Length}");
        }
    }

    private string StringArg(object? value) => value as string ?? throw Error($"{method}() takes a string, got a {TypeName(value)}");

    private RealtimePath ParsePath(object? value)
    {
        var text = StringArg(value);
        return RealtimePath.TryParse(text, out var path) && !path!.IsRoot ? path : throw Error($"{method}() got an invalid path");
    }
}

/// <summary>A unary operator: <c>!</c> or <c>-</c>.</summary>
internal sealed class RuleUnary(char op, RuleExpression operand) : RuleExpression
{
    public override object? Evaluate(RuleScope scope)
    {
        var value = operand.Evaluate(scope);
        return op switch
        {
            '!' => value is bool b ? (object)!b : throw Error($"! needs a boolean, got a {TypeName(value)}"),
            _ => value is double d ? (object)(-d) : throw Error($"- needs a number, got a {TypeName(value)}"),
        };
    }
}

/// <summary><c>&amp;&amp;</c> and <c>||</c>, short-circuiting; both sides must be booleans.</summary>
internal sealed class RuleLogical(bool isAnd, RuleExpression left, RuleExpression right) : RuleExpression
{
    public override object? Evaluate(RuleScope scope)
    {
        var l = left.Evaluate(scope) as bool? ?? throw Error($"{(isAnd ? "&&" : "||")} needs booleans");
        if (l != isAnd)
        {
            return l;
        }

        return right.Evaluate(scope) as bool? ?? throw Error($"{(isAnd ? "&&" : "||")} needs booleans");
    }
}

/// <summary><c>cond ? a : b</c>.</summary>
internal sealed class RuleConditional(RuleExpression condition, RuleExpression whenTrue, RuleExpression whenFalse) : RuleExpression
{
    public override object? Evaluate(RuleScope scope) =>
        condition.Evaluate(scope) is bool b
            ? (b ? whenTrue : whenFalse).Evaluate(scope)
            : throw Error("the condition of ?: must be a boolean");
}

/// <summary>Arithmetic, comparison and (strict) equality operators.</summary>
internal sealed class RuleBinary(string op, RuleExpression left, RuleExpression right) : RuleExpression
{
    public override object? Evaluate(RuleScope scope)
    {
        var l = left.Evaluate(scope);
        var r = right.Evaluate(scope);
        switch (op)
        {
            case "==" or "===":
                return StrictEquals(l, r);
            case "!=" or "!==":
                return !StrictEquals(l, r);
            case "+":
                if (l is double a && r is double b)
                {
                    return a + b;
                }

                if (l is string || r is string)
                {
                    return ToJsString(l) + ToJsString(r);
                }

                throw Error($"cannot add a {TypeName(l)} and a {TypeName(r)}");
            case "-" or "*" or "/" or "%":
                if (l is not double x || r is not double y)
                {
                    throw Error($"{op} needs numbers, got a {TypeName(l)} and a {TypeName(r)}");
                }

                return op switch
                {
                    "-" => x - y,
                    "*" => x * y,
                    "/" => x / y,
                    _ => x % y,
                };
            default:
                int c;
                if (l is double n1 && r is double n2)
                {
                    c = n1.CompareTo(n2);
                }
                else if (l is string s1 && r is string s2)
                {
                    c = string.CompareOrdinal(s1, s2);
                }
                else
                {
                    throw Error($"{op} compares two numbers or two strings, got a {TypeName(l)} and a {TypeName(r)}");
                }

                return op switch
                {
                    "<" => c < 0,
                    "<=" => c <= 0,
                    ">" => c > 0,
                    _ => c >= 0,
                };
        }
    }

    private static bool StrictEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (double x, double y) => x == y,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (bool x, bool y) => x == y,
        (DataNode x, DataNode y) => x.Equals(y),
        _ => ReferenceEquals(a, b),
    };
}
