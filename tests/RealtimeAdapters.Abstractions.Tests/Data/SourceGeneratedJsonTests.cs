using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Todo = RealtimeAdapters.Abstractions.Tests.Data.TypedReadTests.Todo;

namespace RealtimeAdapters.Abstractions.Tests.Data;

// Trimming and native AOT: every public member that serializes by reflection says so, and has a JsonTypeInfo<T> sibling.
public class SourceGeneratedJsonTests
{
    public static TheoryData<string> ReflectionMembers()
    {
        var data = new TheoryData<string>();
        foreach (var method in ReflectionBasedMethods())
        {
            data.Add($"{method.DeclaringType!.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})");
        }

        return data;
    }

    [Fact]
    public void ReflectionMembers_AreFound()
    {
        // The public surface has these reflection-based overloads; a change to the list is deliberate.
        Assert.Equal(
            [
                "ChannelExtensions.PublishAsync",
                "DataNode.FromValue",
                "DataSnapshot.GetValue",
                "MessageData.From",
                "MessageData.GetValue",
                "RealtimeJson.Deserialize",
                "RealtimeStoreExtensions.GetValueAsync",
                "RealtimeStoreExtensions.PushAsync",
                "RealtimeStoreExtensions.RunTransactionAsync",
                "RealtimeStoreExtensions.SetAsync",
            ],
            ReflectionBasedMethods().Select(m => $"{m.DeclaringType!.Name}.{m.Name}").Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ReflectionMembers))]
    public void ReflectionMember_IsAnnotated_AndHasJsonTypeInfoOverload(string member)
    {
        var method = ReflectionBasedMethods().First(m => Describe(m) == member);
        var unreferenced = method.GetCustomAttribute<RequiresUnreferencedCodeAttribute>();
        var dynamic = method.GetCustomAttribute<RequiresDynamicCodeAttribute>();
        Assert.NotNull(unreferenced);
        Assert.NotNull(dynamic);
        Assert.Contains("JsonTypeInfo<T>", unreferenced.Message, StringComparison.Ordinal);
        Assert.Contains("JsonTypeInfo<T>", dynamic.Message, StringComparison.Ordinal);

        // The sibling: same name and parameters, with JsonTypeInfo<T> where the options were.
        var expected = method.GetParameters().Select(p => p.ParameterType == typeof(JsonSerializerOptions) ? "JsonTypeInfo`1" : p.ParameterType.Name);
        var sibling = method.DeclaringType!.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance)
            .Where(m => m.Name == method.Name && m.GetCustomAttribute<RequiresUnreferencedCodeAttribute>() is null)
            .FirstOrDefault(m => m.GetParameters().Select(p => p.ParameterType.Name).SequenceEqual(expected));
        Assert.True(sibling is not null, $"{member} has no JsonTypeInfo<T> overload");
        Assert.Null(sibling.GetCustomAttribute<RequiresDynamicCodeAttribute>());
    }

    [Fact]
    public void MessageData_GetValue_TypeInfo_ReadsEveryKind()
    {
        var context = TestJsonContext.Default;
        Assert.Equal(new Todo("a", true), MessageData.From(new Todo("a", true), context.Todo).GetValue(context.Todo));
        Assert.Equal("x", MessageData.FromString("x").GetValue(context.String));
        byte[] bytes = [1, 2, 3];
        var binary = MessageData.FromBytes(bytes);
        Assert.Equal(bytes, binary.GetValue(context.ByteArray));
        Assert.NotSame(binary.GetValue(context.ByteArray), binary.GetValue(context.ByteArray));
        Assert.Equal("AQID", binary.GetValue(context.String));
        Assert.Equal(bytes, MessageData.FromString("AQID").GetValue(context.ByteArray));
        Assert.Null(MessageData.None.GetValue(context.Todo));
        Assert.Throws<JsonException>(() => MessageData.FromString("x").GetValue(context.Todo));
    }

    [Fact]
    public void MessageData_GetValue_TypeInfoAndOptions_Agree()
    {
        var context = TestJsonContext.Default;
        var json = MessageData.From(new Todo("a", false), context.Todo);
        Assert.Equal(json.GetValue<Todo>(), json.GetValue(context.Todo));
        foreach (var payload in new[] { MessageData.FromString("AQID"), MessageData.FromBytes([1, 2, 3]) })
        {
            Assert.Equal(payload.GetValue<string>(), payload.GetValue(context.String));
            Assert.Equal(payload.GetValue<byte[]>(), payload.GetValue(context.ByteArray));
        }
    }

    [Fact]
    public void DefaultOptions_UseReflectionWhereEnabled()
    {
        // Tests run with reflection enabled: the options overloads keep serializing any type, with the Web defaults.
        Assert.True(JsonSerializer.IsReflectionEnabledByDefault);
        Assert.IsType<DefaultJsonTypeInfoResolver>(RealtimeJson.DefaultOptions.TypeInfoResolver);
        Assert.True(RealtimeJson.DefaultOptions.IsReadOnly);
        Assert.Equal(["done", "title"], DataNode.FromValue(new Todo("a", true)).Children.Keys.Order(StringComparer.Ordinal));
    }

    private static string Describe(MethodInfo method) =>
        $"{method.DeclaringType!.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";

    private static IEnumerable<MethodInfo> ReflectionBasedMethods() =>
        typeof(DataNode).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(JsonSerializerOptions)))
            .OrderBy(Describe, StringComparer.Ordinal);
}
