using System.Diagnostics;
using Reference.Tls.Certificates;

namespace Reference.Bench;

/// <summary>Our engine: two sans-IO TlsConnections pumped back to back in memory on one thread.</summary>
internal sealed class OursHarness : IEngineHarness
{
    public Engine Engine => Engine.Ours;

    public string? Unsupported(HandshakeCase scenario) => null;

    public IHandshaker CreateHandshaker(HandshakeCase scenario) => new Handshaker(Configs(scenario.Cert, scenario.Policy, null));

    public IBulkPair CreateBulkPair(BulkCase scenario) =>
        new BulkPair(Establish(Configs(KeyKind.EcdsaP256, BulkCase.S2nPolicy, scenario.Suite)));

    private readonly Dictionary<HandshakeCase, (TlsConfig, TlsConfig)> _idleConfigs = [];

    /// <summary>Idle pairs share one configuration per scenario, as a server's connections would.</summary>
    public IDisposable EstablishIdle(HandshakeCase scenario)
    {
        if (!_idleConfigs.TryGetValue(scenario, out var configs))
        {
            configs = Configs(scenario.Cert, scenario.Policy, null);
            _idleConfigs[scenario] = configs;
        }
        return new IdlePair(Establish(configs));
    }

    /// <summary>Client and server configurations following s2n policy <paramref name="policy"/>; fresh key objects per call.</summary>
    internal static (TlsConfig Client, TlsConfig Server) Configs(KeyKind cert, string policy, CipherSuite? onlySuite)
    {
        var pki = Pki.Get(cert);
        var common = TlsConfig.FromPolicy(policy);
        if (onlySuite is { } suite)
            common = common with { CipherSuites = [suite] };
        return (common with { TrustStore = TrustStore.FromPem(pki.CaPem) },
                common with { Certificate = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem) });
    }

    internal static (TlsConnection Client, TlsConnection Server) Establish((TlsConfig Client, TlsConfig Server) configs)
    {
        var client = TlsConnection.CreateClient(configs.Client, "localhost");
        var server = TlsConnection.CreateServer(configs.Server);
        Pump(client, server);
        return (client, server);
    }

    /// <summary>Moves flights both ways until both sides finished the handshake and nothing is in flight.</summary>
    internal static void Pump(TlsConnection client, TlsConnection server)
    {
        for (int round = 0; round < 32; round++)
        {
            bool moved = Move(client, server) | Move(server, client);
            if (!moved && client.IsHandshakeComplete && server.IsHandshakeComplete)
                return;
            if (!moved)
                break;
        }
        throw new InvalidOperationException("our in-memory handshake did not complete");
    }

    /// <summary>Hands <paramref name="from"/>'s pending bytes straight to <paramref name="to"/> (no intermediate copy).</summary>
    internal static bool Move(TlsConnection from, TlsConnection to)
    {
        var pending = from.PendingOutput;
        if (pending.IsEmpty)
            return false;
        int count = pending.Length;
        to.Feed(pending);
        from.ConsumeOutput(count);
        return true;
    }

    private static string Describe(TlsConnection connection) =>
        connection.Info is { } info ? $"{info.CipherSuite} / {info.Group}" : "?";

    private sealed class Handshaker((TlsConfig Client, TlsConfig Server) configs) : IHandshaker
    {
        public string Negotiated { get; private set; } = "?";

        public void HandshakeOnce()
        {
            var (client, server) = Establish(configs);
            Negotiated = Describe(client);
            client.Dispose();
            server.Dispose();
        }
    }

    private sealed class BulkPair((TlsConnection Client, TlsConnection Server) pair) : IBulkPair
    {
        private readonly byte[] _payload = new byte[BulkCase.WriteSize];
        private readonly byte[] _sink = new byte[BulkCase.WriteSize];

        public string Negotiated => Describe(pair.Client);

        public TimeSpan Transfer(int records)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < records; i++)
            {
                pair.Client.WriteApplicationData(_payload);
                Move(pair.Client, pair.Server);
                int got = 0;
                while (pair.Server.AvailableApplicationData > 0)
                    got += pair.Server.ReadApplicationData(_sink);
                if (got != _payload.Length)
                    throw new InvalidOperationException($"received {got} of {_payload.Length} bytes");
            }
            return Stopwatch.GetElapsedTime(start);
        }

        public void Dispose()
        {
            pair.Client.Dispose();
            pair.Server.Dispose();
        }
    }

    private sealed class IdlePair((TlsConnection Client, TlsConnection Server) pair) : IDisposable
    {
        public void Dispose()
        {
            pair.Client.Dispose();
            pair.Server.Dispose();
        }
    }
}
