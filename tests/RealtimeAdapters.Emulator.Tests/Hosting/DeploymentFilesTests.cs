using System.Net;
using RealtimeAdapters.Emulator.Hosting;
using YamlDotNet.RepresentationModel;

namespace RealtimeAdapters.Emulator.Tests.Hosting;

/// <summary>
/// The deployment files of the emulator as a shared service (deploy/emulator): no container engine runs here, so their
/// contract is checked instead: the Kubernetes manifest parses, its arguments are ones the emulator accepts, its probes
/// name ports it declares and paths the emulator answers, the Service targets those ports, and the Dockerfile starts the
/// same command with the same ports exposed.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Deploy = Path.Combine(FindRoot(), "deploy", "emulator");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KubernetesManifest_ArgumentsPortsAndProbes_AreTheEmulatorsOwn()
    {
        var documents = Load(Path.Combine(Deploy, "kubernetes.yaml"));
        var deployment = Assert.Single(documents, static d => Scalar(d, "kind") == "Deployment");
        var service = Assert.Single(documents, static d => Scalar(d, "kind") == "Service");
        Assert.Equal("1", Scalar(deployment, "spec", "replicas"));

        var container = (YamlMappingNode)Assert.Single(Sequence(deployment, "spec", "template", "spec", "containers"));
        var args = Sequence(container, "args").Select(static a => ((YamlScalarNode)a).Value!).ToList();
        var parsed = EmulatorCommandLine.Parse(args);
        Assert.Null(parsed.Error);
        var ports = Sequence(container, "ports").Cast<YamlMappingNode>().ToDictionary(static p => Scalar(p, "name")!, static p => int.Parse(Scalar(p, "containerPort")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(parsed.Options!.Firebase.Port, ports["firebase"]);
        Assert.Equal(parsed.Options.Ably.Port, ports["ably"]);
        Assert.Equal("0.0.0.0", parsed.Options.Host);

        var probes = new[] { ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz") };
        foreach (var (probe, path) in probes)
        {
            Assert.Equal(path, Scalar(container, probe, "httpGet", "path"));
            Assert.Contains(Scalar(container, probe, "httpGet", "port")!, ports.Keys);
        }

        foreach (var port in Sequence(service, "spec", "ports").Cast<YamlMappingNode>())
        {
            Assert.Contains(Scalar(port, "targetPort")!, ports.Keys);
        }

        Assert.Equal(Scalar(deployment, "spec", "selector", "matchLabels", "app"), Scalar(service, "spec", "selector", "app"));

        // The probes' paths are the emulator's: started with the manifest's options (on free ports), both answer 200.
        parsed.Options.Host = "127.0.0.1";
        parsed.Options.Firebase.Port = 0;
        parsed.Options.Ably.Port = 0;
        await using var emulator = await RealtimeEmulator.StartAsync(parsed.Options, Ct);
        using var http = new HttpClient { BaseAddress = emulator.FirebaseUrl };
        foreach (var (_, path) in probes)
        {
            using var response = await http.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public void Dockerfile_StartsTheSameCommand_AndExposesItsPorts()
    {
        var lines = File.ReadAllLines(Path.Combine(Deploy, "Dockerfile")).Select(static l => l.Trim()).Where(static l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal(2, lines.Count(static l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        var publish = Assert.Single(lines, static l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal));
        var project = publish.Split(' ')[3];
        Assert.True(File.Exists(Path.Combine(FindRoot(), project)), $"{project} does not exist");

        var entry = Assert.Single(lines, static l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));
        var command = System.Text.Json.JsonSerializer.Deserialize<string[]>(entry["ENTRYPOINT ".Length..])!;
        Assert.Equal(["dotnet", typeof(RealtimeEmulator).Assembly.GetName().Name + ".dll"], command[..2]);
        var manifest = Load(Path.Combine(Deploy, "kubernetes.yaml")).Single(static d => Scalar(d, "kind") == "Deployment");
        var container = (YamlMappingNode)Sequence(manifest, "spec", "template", "spec", "containers").Single();
        Assert.Equal(Sequence(container, "args").Select(static a => ((YamlScalarNode)a).Value), command[2..]);

        var parsed = EmulatorCommandLine.Parse(command[2..]);
        Assert.Null(parsed.Error);
        var exposed = Assert.Single(lines, static l => l.StartsWith("EXPOSE ", StringComparison.Ordinal))["EXPOSE ".Length..].Split(' ');
        Assert.Equal([parsed.Options!.Firebase.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), parsed.Options.Ably.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], exposed);
    }

    private static List<YamlMappingNode> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Select(static d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlNode? Node(YamlMappingNode node, params string[] path)
    {
        YamlNode? current = node;
        foreach (var key in path)
        {
            current = current is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }

        return current;
    }

    private static string? Scalar(YamlMappingNode node, params string[] path) => (Node(node, path) as YamlScalarNode)?.Value;

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode node, params string[] path) =>
        Node(node, path) as YamlSequenceNode ?? throw new InvalidDataException($"No sequence at {string.Join('.', path)}.");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Adapters.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Adapters.sln not found above the test's folder.");
    }
}
