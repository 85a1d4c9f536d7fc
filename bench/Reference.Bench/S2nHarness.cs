using System.Diagnostics;
using Reference.S2n;
using Reference.Tls.Certificates;

namespace Reference.Bench;

/// <summary>
/// C s2n-tls through P/Invoke: two <see cref="S2nMemoryConnection"/>s pumped back to back on one thread
/// (in-memory callbacks, no sockets). Bulk runs against our client, because s2n's server always picks
/// its own preferred suite and no s2n policy puts ChaCha20 first: our client offers only the suite
/// under test, and only the time spent inside s2n (encrypting and decrypting) is counted.
/// </summary>
internal sealed class S2nHarness : IEngineHarness
{
    private readonly Dictionary<HandshakeCase, (S2nConfig, S2nConfig)> _idleConfigs = [];

    public Engine Engine => Engine.S2n;

    public string? Unsupported(HandshakeCase scenario) => null;

    public IHandshaker CreateHandshaker(HandshakeCase scenario) => new Handshaker(Configs(scenario.Cert, scenario.Policy));

    public IBulkPair CreateBulkPair(BulkCase scenario)
    {
        // No policy here: a policy-shaped ClientHello offers the policy's whole suite list.
        var ours = new TlsConfig
        {
            CipherSuites = [scenario.Suite],
            Groups = [NamedGroup.X25519],
            TrustStore = TrustStore.FromPem(Pki.Get(KeyKind.EcdsaP256).CaPem),
        };
        var (_, serverConfig) = Configs(KeyKind.EcdsaP256, BulkCase.S2nPolicy);
        var client = TlsConnection.CreateClient(ours, "localhost");
        var server = new S2nMemoryConnection(S2nMode.Server, serverConfig);
        server.PreferThroughput(); // 16 KiB records like the other two, not s2n's default ~8 KB
        for (int round = 0; round < 32 && !(client.IsHandshakeComplete && server.IsHandshakeComplete); round++)
        {
            MoveTo(client, server);
            server.TryNegotiate();
            MoveTo(server, client);
        }
        if (!client.IsHandshakeComplete || !server.IsHandshakeComplete)
            throw new InvalidOperationException("our client and the s2n server did not finish the handshake");
        server.Send(new byte[BulkCase.WriteSize]);
        if (server.PendingOutput.Length != BulkCase.WriteSize + 5 + 1 + 16)
            throw new InvalidOperationException($"s2n sent {server.PendingOutput.Length} bytes for one 16 KiB write, not one full record");
        server.ConsumeOutput(server.PendingOutput.Length);
        if (server.CipherSuiteValue != (ushort)scenario.Suite)
            throw new InvalidOperationException($"s2n negotiated {(CipherSuite)server.CipherSuiteValue}, not {scenario.Suite}");
        return new BulkPair(client, server, serverConfig);
    }

    public IDisposable EstablishIdle(HandshakeCase scenario)
    {
        if (!_idleConfigs.TryGetValue(scenario, out var configs))
        {
            configs = Configs(scenario.Cert, scenario.Policy);
            _idleConfigs[scenario] = configs;
        }
        var pair = Establish(configs.Item1, configs.Item2);
        pair.Client.TrimTransport();
        pair.Server.TrimTransport();
        return new IdlePair(pair.Client, pair.Server);
    }

    internal static (S2nConfig Client, S2nConfig Server) Configs(KeyKind cert, string policy)
    {
        var pki = Pki.Get(cert);
        var client = new S2nConfig();
        client.SetSecurityPolicy(policy);
        client.WipeTrustStore();
        client.AddTrustedPem(pki.CaPem);
        var server = new S2nConfig();
        server.SetSecurityPolicy(policy);
        server.AddCertChainAndKey(pki.ServerChainPem, pki.ServerKeyPem);
        return (client, server);
    }

    internal static (S2nMemoryConnection Client, S2nMemoryConnection Server) Establish(S2nConfig clientConfig, S2nConfig serverConfig)
    {
        var client = new S2nMemoryConnection(S2nMode.Client, clientConfig, "localhost");
        var server = new S2nMemoryConnection(S2nMode.Server, serverConfig);
        for (int round = 0; round < 32; round++)
        {
            bool clientDone = client.TryNegotiate();
            Move(client, server);
            bool serverDone = server.TryNegotiate();
            Move(server, client);
            if (clientDone && serverDone)
                return (client, server);
        }
        throw new InvalidOperationException("the s2n pair did not finish its handshake");
    }

    private static void Move(S2nMemoryConnection from, S2nMemoryConnection to)
    {
        if (!from.HasPendingOutput)
            return;
        var pending = from.PendingOutput;
        int count = pending.Length;
        to.Feed(pending);
        from.ConsumeOutput(count);
    }

    private static void MoveTo(TlsConnection from, S2nMemoryConnection to)
    {
        int count = from.PendingOutput.Length;
        to.Feed(from.PendingOutput);
        from.ConsumeOutput(count);
    }

    private static void MoveTo(S2nMemoryConnection from, TlsConnection to)
    {
        int count = from.PendingOutput.Length;
        if (count == 0)
            return;
        to.Feed(from.PendingOutput);
        from.ConsumeOutput(count);
    }

    private sealed class Handshaker((S2nConfig Client, S2nConfig Server) configs) : IHandshaker
    {
        public string Negotiated { get; private set; } = "?";

        public void HandshakeOnce()
        {
            var (client, server) = Establish(configs.Client, configs.Server);
            Negotiated = $"{(CipherSuite)client.CipherSuiteValue} / {client.Curve}";
            client.Dispose();
            server.Dispose();
        }
    }

    /// <summary>s2n's time per record = decrypting a record our client sealed + sealing one of its own.</summary>
    private sealed class BulkPair(TlsConnection client, S2nMemoryConnection server, S2nConfig config) : IBulkPair
    {
        private const int Batch = 32;
        private readonly byte[] _payload = new byte[BulkCase.WriteSize];
        private readonly byte[] _sink = new byte[BulkCase.WriteSize];

        public string Negotiated => ((CipherSuite)server.CipherSuiteValue).ToString();

        public TimeSpan Transfer(int records)
        {
            long inside = 0;
            for (int done = 0; done < records; done += Batch)
            {
                int n = Math.Min(Batch, records - done);
                for (int i = 0; i < n; i++)
                    client.WriteApplicationData(_payload); // untimed: our engine's work
                long start = Stopwatch.GetTimestamp();
                int count = client.PendingOutput.Length;
                server.Feed(client.PendingOutput);
                long got = server.Drain(_sink);
                for (int i = 0; i < n; i++)
                {
                    server.Send(_payload);
                    server.ConsumeOutput(server.PendingOutput.Length);
                }
                inside += Stopwatch.GetTimestamp() - start;
                client.ConsumeOutput(count);
                if (got != (long)n * _payload.Length)
                    throw new InvalidOperationException($"s2n received {got} of {n * _payload.Length} bytes");
            }
            // Each record was both decrypted and encrypted by s2n: one "transfer" is one of each.
            return Stopwatch.GetElapsedTime(0, inside);
        }

        public void Dispose()
        {
            client.Dispose();
            server.Dispose();
            config.Dispose();
        }
    }

    private sealed class IdlePair(S2nMemoryConnection client, S2nMemoryConnection server) : IDisposable
    {
        public void Dispose()
        {
            client.Dispose();
            server.Dispose();
        }
    }
}
