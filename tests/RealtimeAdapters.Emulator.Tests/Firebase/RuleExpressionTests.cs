using System.Collections.Immutable;
using System.Text.Json;
using RealtimeAdapters.Emulator.Firebase.Rules;

namespace RealtimeAdapters.Emulator.Tests.Firebase;

public class RuleExpressionTests
{
    private static readonly DataNode Root = DataNode.Parse("""
        {"users":{"alice":{"name":"Alice","age":30,"admin":true,"score":{".value":5,".priority":2}}},
         "config":{"prefix":"usr_"}}
        """);

    private static readonly ImmutableHashSet<string> Variables = ["auth", "root", "data", "newData", "now", "query", "$uid"];

    private static object? Eval(string expression, string path = "/users/alice", string? auth = """{"uid":"alice","token":{"email":"a@x.io","list":[1,2]}}""")
    {
        using var authDoc = auth is null ? null : JsonDocument.Parse(auth);
        var scope = new RuleScope
        {
            Auth = authDoc?.RootElement.Clone(),
            OldRoot = Root,
            NewRoot = Root.SetAt("users/alice/age", 31),
            Path = RealtimePath.Parse(path),
            Captures = new Dictionary<string, string> { ["$uid"] = "alice" },
            Now = 1000,
            Query = FirebaseRules.QueryVariables(null),
        };
        return RuleExpressionParser.Parse(expression, Variables).Evaluate(scope);
    }

    [Theory]
    [InlineData("data.child('name').val() === 'Alice'")]
    [InlineData("data.child('name').val().length == 5")]
    [InlineData("data.child('name').val().contains('lic')")]
    [InlineData("data.child('name').val().beginsWith('Al')")]
    [InlineData("data.child('name').val().endsWith('ce')")]
    [InlineData("data.child('name').val().toLowerCase() === 'alice'")]
    [InlineData("data.child('name').val().toUpperCase() === 'ALICE'")]
    [InlineData("data.child('name').val().replace('l', 'L') === 'ALice'")]
    [InlineData("data.child('name').val().matches(/^A[a-z]+$/)")]
    [InlineData("data.child('name').val().matches(/^alice$/i)")]
    [InlineData("!data.child('name').val().matches(/^\\d+$/)")]
    [InlineData("data.exists() && !data.child('missing').exists()")]
    [InlineData("data.hasChild('name') && data.hasChild('score') && !data.hasChild('nope')")]
    [InlineData("data.hasChildren() && data.hasChildren(['name', 'age']) && !data.hasChildren(['name', 'x'])")]
    [InlineData("data.child('name').isString() && data.child('age').isNumber() && data.child('admin').isBoolean()")]
    [InlineData("!data.child('name').isNumber() && !data.child('missing').isString()")]
    [InlineData("data.child('score').getPriority() === 2 && data.child('score').val() === 5")]
    [InlineData("data.child('name').getPriority() === null")]
    [InlineData("data.parent().parent().child('config/prefix').val() === 'usr_'")]
    [InlineData("root.child('users').child($uid).child('age').val() == 30")]
    [InlineData("newData.child('age').val() === 31 && data.child('age').val() === 30")]
    [InlineData("newData.parent().child('alice/age').val() === 31")]
    [InlineData("auth.uid === $uid && auth.token.email === 'a@x.io'")]
    [InlineData("auth.token['email'].endsWith('@x.io') && auth.token.list[1] == 2 && auth.token.list.length == 2")]
    [InlineData("auth.token.missing == null")]
    [InlineData("now == 1000 && now > 999.5")]
    [InlineData("1 + 2 * 3 == 7 && (1 + 2) * 3 == 9 && 7 % 4 == 3 && 10 / 4 == 2.5 && -2 < 0")]
    [InlineData("'a' + 'b' === 'ab' && 'n' + 1 === 'n1' && 'x' < 'y' && 'b' >= 'a'")]
    [InlineData("true ? 1 == 1 : false")]
    [InlineData("false || !false && true")]
    [InlineData("1 != '1' && 1 !== 2 && null == null")]
    [InlineData("data.val().name === 'Alice' && data.val().age === 30")]
    [InlineData("query.orderByKey == false && query.limitToFirst == null")]
    [InlineData("\"double\" === 'double' && 'it\\'s' === \"it's\" && '\\u0041' === 'A'")]
    public void Evaluate_True(string expression) => Assert.Equal(true, Eval(expression));

    [Theory]
    [InlineData("auth.uid === 'bob'")]
    [InlineData("data.child('name').val() === 'alice'")]
    [InlineData("data.child('age').val() > 30")]
    public void Evaluate_False(string expression) => Assert.Equal(false, Eval(expression));

    [Theory]
    [InlineData("auth.uid == 'alice'")]
    [InlineData("auth.token.email.length > 0")]
    [InlineData("data.child('missing').val().length > 0")]
    [InlineData("data.child('age').val().contains('3')")]
    [InlineData("'a' < 1")]
    [InlineData("!1")]
    [InlineData("1 && true")]
    [InlineData("data.child('a..b').exists()")]
    [InlineData("root.parent().exists()")]
    public void IsTrue_ErrorsCountAsFalse(string expression)
    {
        var parsed = RuleExpressionParser.Parse(expression, Variables);
        var scope = new RuleScope
        {
            Auth = null,
            OldRoot = Root,
            NewRoot = Root,
            Path = RealtimePath.Parse("/users/alice"),
            Captures = ImmutableDictionary<string, string>.Empty,
            Now = 0,
        };
        Assert.False(parsed.IsTrue(scope));
        if (expression.StartsWith("auth", StringComparison.Ordinal))
        {
            Assert.Throws<RuleEvaluationException>(() => parsed.Evaluate(scope));
        }
    }

    [Fact]
    public void IsTrue_NonBooleanResult_False()
    {
        var parsed = RuleExpressionParser.Parse("'yes'", Variables);
        Assert.False(parsed.IsTrue(new RuleScope
        {
            Auth = null,
            OldRoot = Root,
            NewRoot = Root,
            Path = RealtimePath.Root,
            Captures = ImmutableDictionary<string, string>.Empty,
            Now = 0,
        }));
    }

    [Theory]
    [InlineData("auth.", "expected a property or method name")]
    [InlineData("(true", "expected ')'")]
    [InlineData("'open", "unterminated string")]
    [InlineData("true true", "unexpected 'true'")]
    [InlineData("foo == 1", "unknown variable 'foo'")]
    [InlineData("$other == 'x'", "unknown variable '$other'")]
    [InlineData("data.val(", "unexpected end of expression")]
    [InlineData("#", "unexpected character '#'")]
    [InlineData("'a'.matches(/x/g)", "unsupported regular expression flag 'g'")]
    [InlineData("data()", "only methods can be called")]
    [InlineData("'a'.matches(/abc", "unterminated regular expression")]
    public void Parse_Invalid_FormatExceptionSaysWhere(string expression, string expected)
    {
        var error = Assert.Throws<FormatException>(() => RuleExpressionParser.Parse(expression, Variables));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("at character", error.Message, StringComparison.Ordinal);
    }
}
