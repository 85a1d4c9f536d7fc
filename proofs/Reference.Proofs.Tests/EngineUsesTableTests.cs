using Reference.Tls;
using Reference.Tls.Certificates;
using Reference.Tls.StateMachine;

namespace Reference.Proofs.Tests;

/// <summary>
/// The engine really runs on the proved table: real in-memory handshakes record every transition taken,
/// and each one must be a row of <see cref="TransitionTable.Rows"/>.
/// </summary>
public class EngineUsesTableTests
{
    private static readonly Lazy<GeneratedPki> Pki = new(() => CertificateGenerator.Generate(KeyKind.EcdsaP256));

    public enum Scenario
    {
        Full,
        HelloRetry,
        ClientAuthWithCertificate,
        ClientAuthEmptyCertificate,
        KeyUpdate,
    }

    [Theory]
    [InlineData(Scenario.Full, "C:ClientHello S:ServerHello S:EncryptedExtensions S:Certificate S:CertificateVerify S:Finished C:Finished")]
    [InlineData(Scenario.HelloRetry, "C:ClientHello S:HelloRetryRequest C:ClientHello S:ServerHello S:EncryptedExtensions S:Certificate S:CertificateVerify S:Finished C:Finished")]
    [InlineData(Scenario.ClientAuthWithCertificate, "C:ClientHello S:ServerHello S:EncryptedExtensions S:CertificateRequest S:Certificate S:CertificateVerify S:Finished C:Certificate C:CertificateVerify C:Finished")]
    [InlineData(Scenario.ClientAuthEmptyCertificate, "C:ClientHello S:ServerHello S:EncryptedExtensions S:CertificateRequest S:Certificate S:CertificateVerify S:Finished C:EmptyCertificate C:Finished")]
    [InlineData(Scenario.KeyUpdate, "C:ClientHello S:ServerHello S:EncryptedExtensions S:Certificate S:CertificateVerify S:Finished C:Finished")]
    public void Every_transition_taken_is_a_row_of_the_table(Scenario scenario, string expectedHandshake)
    {
        var clientTrace = new List<Transition>();
        var serverTrace = new List<Transition>();
        var (clientConfig, serverConfig) = Configs(scenario, clientTrace.Add, serverTrace.Add);
        using var client = TlsConnection.CreateClient(clientConfig, "localhost");
        using var server = TlsConnection.CreateServer(serverConfig);
        Pump(client, server);
        Assert.True(client.IsHandshakeComplete && server.IsHandshakeComplete);
        Exchange(scenario, client, server);

        var rows = TransitionTable.Rows.ToHashSet();
        Assert.All(clientTrace.Concat(serverTrace), t => Assert.Contains(t, rows));
        Assert.Equal(expectedHandshake, Handshake(clientTrace));
        Assert.Equal(expectedHandshake, Handshake(serverTrace));
        Assert.Equal(HandshakeState.Start, clientTrace[0].From);
        Assert.All(clientTrace.Zip(clientTrace.Skip(1)), pair => Assert.Equal(pair.First.To, pair.Second.From));
        Assert.All(serverTrace.Zip(serverTrace.Skip(1)), pair => Assert.Equal(pair.First.To, pair.Second.From));
        if (scenario == Scenario.KeyUpdate)
        {
            Assert.Contains(new Transition(HandshakeState.Connected, TableMessage.KeyUpdate, Sender.Client, HandshakeState.Connected), clientTrace);
            Assert.Contains(new Transition(HandshakeState.Connected, TableMessage.KeyUpdate, Sender.Server, HandshakeState.Connected), serverTrace);
        }

        Assert.Contains(new Transition(HandshakeState.Connected, TableMessage.ApplicationData, Sender.Client, HandshakeState.Connected), serverTrace);
        Assert.Contains(new Transition(HandshakeState.Connected, TableMessage.ApplicationData, Sender.Server, HandshakeState.Connected), clientTrace);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4
    //= type=test
    //# A peer which receives a
    //# handshake message in an unexpected order MUST abort the handshake
    //# with an "unexpected_message" alert.
    [Fact]
    public void Table_lookup_agrees_with_the_rows_and_rejections_for_every_key()
    {
        var table = TableSpec.FromEngine();
        foreach (var state in Enum.GetValues<HandshakeState>())
        {
            foreach (var message in Enum.GetValues<TableMessage>())
            {
                foreach (var sender in Enum.GetValues<Sender>())
                {
                    bool found = TransitionTable.TryNext(state, message, sender, out var to, out var alert);
                    var row = table.Find(state, message, sender);
                    Assert.Equal(row is not null, found);
                    if (row is { } r)
                    {
                        Assert.Equal(r.To, to);
                        continue;
                    }

                    var named = table.Rejections.Where(x => x.From == state && x.Message == message && x.Sender == sender).Select(x => (AlertDescription?)x.Alert).SingleOrDefault();
                    Assert.Equal(named ?? TransitionTable.DefaultRejection, alert);
                }
            }
        }
    }

    private static (TlsConfig Client, TlsConfig Server) Configs(Scenario scenario, Action<Transition> clientObserver, Action<Transition> serverObserver)
    {
        var pki = Pki.Value;
        bool auth = scenario is Scenario.ClientAuthWithCertificate or Scenario.ClientAuthEmptyCertificate;
        var client = new TlsConfig
        {
            TrustStore = TrustStore.FromPem(pki.CaPem),
            Groups = scenario == Scenario.HelloRetry ? [NamedGroup.X25519, NamedGroup.Secp384r1] : [NamedGroup.X25519],
            Certificate = scenario == Scenario.ClientAuthWithCertificate ? CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem) : null,
            TransitionObserver = clientObserver,
        };
        var server = new TlsConfig
        {
            Certificate = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem),
            TrustStore = TrustStore.FromPem(pki.CaPem),
            Groups = scenario == Scenario.HelloRetry ? [NamedGroup.Secp384r1] : [NamedGroup.X25519],
            ClientAuth = auth ? ClientAuthMode.Optional : ClientAuthMode.None,
            TransitionObserver = serverObserver,
        };
        return (client, server);
    }

    private static void Exchange(Scenario scenario, TlsConnection client, TlsConnection server)
    {
        if (scenario == Scenario.KeyUpdate)
        {
            client.UpdateKeys(requestPeerUpdate: true);
        }

        client.WriteApplicationData([1, 2, 3]);
        Pump(client, server);
        server.WriteApplicationData([4, 5]);
        Pump(client, server);
        var buffer = new byte[8];
        Assert.Equal(3, server.ReadApplicationData(buffer));
        Assert.Equal(2, client.ReadApplicationData(buffer));
    }

    /// <summary>The messages up to (and including) the one that reaches Connected, as "C:ClientHello S:...".</summary>
    private static string Handshake(List<Transition> trace)
    {
        int end = trace.FindIndex(t => t.To == HandshakeState.Connected);
        Assert.True(end >= 0, "the handshake never reached Connected");
        return string.Join(' ', trace.Take(end + 1).Select(t => $"{TableSpec.Short(t.Sender)}:{t.Message}"));
    }

    /// <summary>Moves bytes both ways until neither side has anything to send (as the engine tests' in-memory pair).</summary>
    private static void Pump(TlsConnection client, TlsConnection server)
    {
        for (int round = 0; round < 100; round++)
        {
            if (!(Move(client, server) | Move(server, client)))
            {
                return;
            }
        }

        throw new InvalidOperationException("pump did not settle");
    }

    private static bool Move(TlsConnection from, TlsConnection to)
    {
        if (!from.HasPendingOutput)
        {
            return false;
        }

        var bytes = from.PendingOutput.ToArray();
        from.ConsumeOutput(bytes.Length);
        to.Feed(bytes);
        return true;
    }
}
