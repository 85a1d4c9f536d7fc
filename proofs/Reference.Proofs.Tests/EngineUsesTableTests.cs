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

    public enum PskKind
    {
        Resumption,
        ResumptionAfterHelloRetry,
        External,
    }

    private const string PskServerFlight = "S:ServerHelloPsk S:EncryptedExtensions S:Finished C:Finished";

    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
    //= type=test
    //# As the server is authenticating via a PSK, it does not send a
    //# Certificate or a CertificateVerify message.
    [Theory]
    [InlineData(PskKind.Resumption, "C:ClientHello " + PskServerFlight)]
    [InlineData(PskKind.ResumptionAfterHelloRetry, "C:ClientHello S:HelloRetryRequest C:ClientHello " + PskServerFlight)]
    [InlineData(PskKind.External, "C:ClientHello " + PskServerFlight)]
    public void Every_transition_of_a_psk_handshake_is_a_row_of_the_table(PskKind kind, string expectedHandshake)
    {
        var clientTrace = new List<Transition>();
        var serverTrace = new List<Transition>();
        var (clientConfig, serverConfig, session) = PskConfigs(kind);
        using var client = TlsConnection.CreateClient(clientConfig with { TransitionObserver = clientTrace.Add }, "localhost", session);
        using var server = TlsConnection.CreateServer(serverConfig with { TransitionObserver = serverTrace.Add });
        Pump(client, server);
        Assert.True(client.IsHandshakeComplete && server.IsHandshakeComplete);
        Assert.True(client.Info!.PreSharedKeyAccepted && server.Info!.PreSharedKeyAccepted);
        Exchange(Scenario.Full, client, server);

        var rows = TransitionTable.Rows.ToHashSet();
        Assert.All(clientTrace.Concat(serverTrace), t => Assert.Contains(t, rows));
        Assert.Equal(expectedHandshake, Handshake(clientTrace));
        Assert.Equal(expectedHandshake, Handshake(serverTrace));
        Assert.All([clientTrace, serverTrace], trace =>
        {
            Assert.Equal(HandshakeState.Start, trace[0].From);
            Assert.All(trace.Zip(trace.Skip(1)), pair => Assert.Equal(pair.First.To, pair.Second.From));
            Assert.Contains(trace, t => t.To == HandshakeState.AfterEncryptedExtensionsPsk);
            Assert.DoesNotContain(trace, t => t.Message is TableMessage.Certificate or TableMessage.EmptyCertificate
                or TableMessage.CertificateVerify or TableMessage.CertificateRequest);
        });
        Assert.Contains(new Transition(HandshakeState.Connected, TableMessage.ApplicationData, Sender.Client, HandshakeState.Connected), serverTrace);
        Assert.Contains(new Transition(HandshakeState.Connected, TableMessage.ApplicationData, Sender.Server, HandshakeState.Connected), clientTrace);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.3
    //= type=test
    //# Figure 4: Message Flow for a 0-RTT Handshake
    [Fact]
    public void Every_transition_of_a_zero_rtt_handshake_is_a_row_of_the_table()
    {
        var clientTrace = new List<Transition>();
        var serverTrace = new List<Transition>();
        var (clientConfig, serverConfig) = Configs(Scenario.Full, clientTrace.Add, serverTrace.Add);
        var psk = TlsSession.External("proofs-0rtt"u8, Enumerable.Repeat((byte)0x5b, 32).ToArray(), maxEarlyDataSize: 64);
        using var client = TlsConnection.CreateClient(clientConfig with { PreSharedKeys = [psk], OfferEarlyData = true }, "localhost");
        using var server = TlsConnection.CreateServer(serverConfig with { PreSharedKeys = [psk], MaxEarlyDataSize = 64 });
        client.WriteEarlyData("early"u8);
        Pump(client, server);
        Assert.Equal(EarlyDataStatus.Accepted, client.EarlyDataStatus);
        Assert.Equal(5, server.AvailableEarlyData);

        const string expected = "C:ClientHello S:ServerHelloPsk S:EncryptedExtensionsEarlyData S:Finished C:EndOfEarlyData C:Finished";
        var rows = TransitionTable.Rows.ToHashSet();
        Assert.All(clientTrace.Concat(serverTrace), t => Assert.Contains(t, rows));
        Assert.Equal(expected, Handshake(clientTrace));
        Assert.Equal(expected, Handshake(serverTrace));
        Assert.All([clientTrace, serverTrace], trace => Assert.All(trace.Zip(trace.Skip(1)), pair => Assert.Equal(pair.First.To, pair.Second.From)));
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

    /// <summary>
    /// Configs for a PSK handshake. Resumption: a first (certificate) handshake against a server with a
    /// ticket key yields the session; its transitions are not recorded. External: both sides hold one PSK.
    /// </summary>
    private static (TlsConfig Client, TlsConfig Server, TlsSession? Session) PskConfigs(PskKind kind)
    {
        var (client, server) = Configs(Scenario.Full, _ => { }, _ => { });
        if (kind == PskKind.External)
        {
            var psk = TlsSession.External("proofs-external"u8, Enumerable.Repeat((byte)0x5a, 32).ToArray());
            return (client with { PreSharedKeys = [psk] }, server with { PreSharedKeys = [psk] }, null);
        }

        server = server with { SessionTicketKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray() };
        if (kind == PskKind.ResumptionAfterHelloRetry)
        {
            client = client with { Groups = [NamedGroup.X25519, NamedGroup.Secp384r1] };
        }

        using var first = TlsConnection.CreateClient(client, "localhost");
        using var firstServer = TlsConnection.CreateServer(server);
        Pump(first, firstServer);
        Assert.False(first.Info!.PreSharedKeyAccepted);
        var session = Assert.Single(first.ReceivedSessions.Take(1));
        // HRR on resumption: the second server accepts only P-384, which the client did not share first.
        return (client, kind == PskKind.ResumptionAfterHelloRetry ? server with { Groups = [NamedGroup.Secp384r1] } : server, session);
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
