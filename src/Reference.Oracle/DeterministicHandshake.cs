using System.Reflection;
using System.Text;
using Reference.Tls;

namespace Reference.Oracle;

/// <summary>What the in-memory ours-to-ours exchange does.</summary>
internal sealed record HandshakeScenario
{
    /// <summary>Seed of the client's random stream; the server's is <c>Seed + 1</c>. Null uses OS randomness.</summary>
    public ulong? Seed { get; init; } = 1;

    /// <summary>"ecdsa" (P-256) or "rsa" (2048, RSA-PSS signatures): the committed oracle certificates.</summary>
    public string Certificate { get; init; } = "ecdsa";

    /// <summary>Make the server answer with a HelloRetryRequest (it wants secp256r1, the client shares x25519).</summary>
    public bool HelloRetry { get; init; }

    public bool MutualAuthentication { get; init; }

    /// <summary>Client sends a KeyUpdate with update_requested after the first exchange.</summary>
    public bool KeyUpdate { get; init; } = true;

    public IReadOnlyList<NamedGroup>? ClientGroups { get; init; }
}

/// <summary>
/// Runs our client against our server in memory and records the exchange as a <see cref="Transcript"/>
/// with the key log. With a seed both endpoints run in deterministic mode on the committed certificates
/// and a fixed clock, so the transcript is the same bytes on every run and machine.
/// </summary>
internal static class DeterministicHandshake
{
    /// <summary>The instant certificates are validated at in deterministic mode (inside the oracle certificates' validity).</summary>
    public static readonly DateTime FixedClock = new(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static Transcript Run(HandshakeScenario scenario)
    {
        var transcript = new Transcript();
        var keys = new List<string>();
        var (clientConfig, serverConfig) = Configs(scenario, line => { lock (keys) { keys.Add(line); } });
        using var server = TlsConnection.CreateServer(serverConfig);
        using var client = TlsConnection.CreateClient(clientConfig, "localhost");
        Pump(client, server, transcript);
        Exchange(client, server, transcript, "GET / HTTP/1.0\r\n\r\n", "HTTP/1.0 200 OK\r\n\r\nhello from the oracle\n");
        if (scenario.KeyUpdate)
        {
            client.UpdateKeys(requestPeerUpdate: true);
            Exchange(client, server, transcript, "after key update", "acknowledged");
        }

        client.Close();
        server.Close();
        Pump(client, server, transcript);
        foreach (var line in keys.Distinct())
        {
            transcript.Keys.AddLine(line);
        }

        return transcript;
    }

    public static (TlsConfig Client, TlsConfig Server) Configs(HandshakeScenario scenario, Action<string>? keyLog)
    {
        var ca = TrustStore.FromPem(Resource("ca.pem"));
        var certificate = CertificateKeyPair.FromPem(Resource($"{scenario.Certificate}-chain.pem"), Resource($"{scenario.Certificate}-key.pem"));
        var client = new TlsConfig
        {
            TrustStore = ca,
            KeyLogCallback = keyLog,
            DangerousClock = scenario.Seed is null ? null : () => FixedClock,
            DangerousDeterministicRandom = scenario.Seed is { } seed ? new DeterministicRandom(seed) : null,
            Certificate = scenario.MutualAuthentication ? certificate : null,
        };
        if (scenario.ClientGroups is { } groups)
        {
            client = client with { Groups = groups };
        }

        var server = new TlsConfig
        {
            Certificate = certificate,
            TrustStore = ca,
            KeyLogCallback = keyLog,
            ClientAuth = scenario.MutualAuthentication ? ClientAuthMode.Required : ClientAuthMode.None,
            DangerousClock = client.DangerousClock,
            DangerousDeterministicRandom = scenario.Seed is { } s ? new DeterministicRandom(s + 1) : null,
        };
        if (scenario.ClientGroups is { } clientGroups)
        {
            server = server with { Groups = clientGroups };
        }

        if (scenario.HelloRetry)
        {
            server = server with { Groups = [NamedGroup.Secp256r1] };
            client = client with { Groups = [NamedGroup.X25519, NamedGroup.Secp256r1] };
            server = server with { SendHelloRetryCookie = true };
        }

        return (client, server);
    }

    /// <summary>A committed oracle certificate file, embedded in this assembly.</summary>
    public static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("certificates/" + name)
            ?? throw new FileNotFoundException($"embedded certificate {name} not found");
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return reader.ReadToEnd();
    }

    private static void Exchange(TlsConnection client, TlsConnection server, Transcript transcript, string request, string response)
    {
        client.WriteApplicationData(Encoding.ASCII.GetBytes(request));
        Pump(client, server, transcript);
        server.WriteApplicationData(Encoding.ASCII.GetBytes(response));
        Pump(client, server, transcript);
        var buffer = new byte[4096];
        while (client.ReadApplicationData(buffer) > 0 || server.ReadApplicationData(buffer) > 0)
        {
        }
    }

    /// <summary>Moves bytes both ways, recording each write, until neither side has anything to send.</summary>
    private static void Pump(TlsConnection client, TlsConnection server, Transcript transcript)
    {
        for (int round = 0; round < 100; round++)
        {
            bool moved = Move(client, server, Direction.ClientToServer, transcript) | Move(server, client, Direction.ServerToClient, transcript);
            if (!moved)
            {
                return;
            }
        }

        throw new InvalidOperationException("the in-memory exchange did not settle");
    }

    private static bool Move(TlsConnection from, TlsConnection to, Direction direction, Transcript transcript)
    {
        if (!from.HasPendingOutput)
        {
            return false;
        }

        var bytes = from.PendingOutput.ToArray();
        from.ConsumeOutput(bytes.Length);
        transcript.Add(direction, bytes);
        if (!to.IsPeerClosed)
        {
            to.Feed(bytes);
        }

        return true;
    }
}
