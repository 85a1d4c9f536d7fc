using Reference.Tls.Certificates;
using Reference.Tls.Crypto;
using Reference.Tls.Record;

namespace Reference.Fuzz;

/// <summary>
/// Targets with state: the record layer, and whole client and server engines fed hostile bytes.
/// An engine may end in "needs more data" or in a protocol TlsException with an alert; an Internal
/// error (the engine wraps unexpected exceptions that way) is a finding.
/// </summary>
internal static class StatefulTargets
{
    /// <summary>Fixed traffic secret for the record-layer target: the fuzzer can then learn valid tags only by luck.</summary>
    private static readonly byte[] RecordSecret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static readonly Lazy<(TlsConfig Client, TlsConfig Server)> Configs = new(CreateConfigs);

    public static IEnumerable<FuzzTarget> All()
    {
        yield return new("RecordLayer", RecordLayerTarget);
        yield return new("ServerEngine", ServerEngine);
        yield return new("ClientEngine", ClientEngine);
    }

    /// <summary>The same ECDSA P-256 PKI for every engine in this process (tests and the differential share it).</summary>
    internal static (TlsConfig Client, TlsConfig Server) EngineConfigs => Configs.Value;

    internal static GeneratedPki Pki => LazyPki.Value;

    private static readonly Lazy<GeneratedPki> LazyPki = new(() => CertificateGenerator.Generate(KeyKind.EcdsaP256));

    private static (TlsConfig, TlsConfig) CreateConfigs()
    {
        var pki = Pki;
        var client = new TlsConfig { TrustStore = TrustStore.FromPem(pki.CaPem) };
        var server = new TlsConfig { Certificate = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem) };
        return (client, server);
    }

    private static void RecordLayerTarget(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        using var layer = new RecordLayer();
        if ((input[0] & 1) != 0)
        {
            layer.SetReadProtector(RecordProtector.Create(CipherSuiteSpec.Aes128GcmSha256, RecordSecret));
        }

        int chunk = 1 + (input[0] >> 1);
        for (int offset = 1; offset < input.Length; offset += chunk)
        {
            layer.AppendInput(input.AsSpan(offset, Math.Min(chunk, input.Length - offset)));
            while (layer.TryReadRecord(out var record))
            {
                ParserTargets.Expect(record.Content.Length <= RecordProtector.MaxCiphertext, "record content too long");
            }
        }
    }

    private static void ServerEngine(byte[] input)
    {
        using var server = TlsConnection.CreateServer(EngineConfigs.Server);
        server.Feed(input);
    }

    /// <summary>The client has sent its real ClientHello; the input plays the server's reply.</summary>
    private static void ClientEngine(byte[] input)
    {
        using var client = TlsConnection.CreateClient(EngineConfigs.Client, "localhost");
        client.ConsumeOutput(client.PendingOutput.Length);
        client.Feed(input);
    }
}
