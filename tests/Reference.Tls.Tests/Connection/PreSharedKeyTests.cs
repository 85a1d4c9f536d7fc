using Reference.Tls.StateMachine;

namespace Reference.Tls.Tests.Connection;

/// <summary>PSK handshakes: session tickets (resumption) and external PSKs, ours with ours.</summary>
public class PreSharedKeyTests
{
    private static readonly byte[] TicketKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static (TlsConfig Client, TlsConfig Server) TicketConfigs(Func<TlsConfig, TlsConfig>? client = null) =>
        InMemoryPair.Configs(client: client, server: s => s with { SessionTicketKey = TicketKey, SessionTicketCount = 2 });

    private static TlsSession FirstTicket(TlsConfig client, TlsConfig server)
    {
        using var pair = new InMemoryPair(client, server);
        pair.Pump();
        Assert.False(pair.Client.Info!.PreSharedKeyAccepted);
        Assert.Equal(2, pair.Client.ReceivedSessions.Count);
        return pair.Client.ReceivedSessions[0];
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
    //= type=test
    //# Figure 3 shows a pair of handshakes in which the first handshake
    //# establishes a PSK and the second handshake uses it:
    [Fact]
    public void A_ticket_resumes_the_session_without_certificates()
    {
        var (c, s) = TicketConfigs();
        var ticket = FirstTicket(c, s);
        var transitions = new List<Transition>();
        var server = TlsConnection.CreateServer(s with { TransitionObserver = transitions.Add });
        var client = TlsConnection.CreateClient(c, "localhost", ticket);
        Pump(client, server);
        Assert.True(client.Info!.PreSharedKeyAccepted);
        Assert.True(server.Info!.PreSharedKeyAccepted);
        Assert.Empty(client.Info.PeerCertificates);
        Assert.Contains(transitions, t => t.Message == TableMessage.ServerHelloPsk);
        Assert.DoesNotContain(transitions, t => t.Message is TableMessage.Certificate or TableMessage.CertificateVerify);
        client.WriteApplicationData([7]);
        Pump(client, server);
        var buffer = new byte[1];
        Assert.Equal(1, server.ReadApplicationData(buffer));
    }

    [Fact]
    public void A_ticket_survives_a_hello_retry_request()
    {
        var (c, s) = TicketConfigs(client: c => c with { Groups = [NamedGroup.X25519, NamedGroup.Secp256r1] });
        var ticket = FirstTicket(c, s);
        var client = TlsConnection.CreateClient(c, "localhost", ticket);
        var server = TlsConnection.CreateServer(s with { Groups = [NamedGroup.Secp256r1] });
        Pump(client, server);
        Assert.True(client.Info!.HelloRetryRequest);
        Assert.True(client.Info.PreSharedKeyAccepted);
    }

    [Fact]
    public void A_ticket_under_another_key_falls_back_to_a_full_handshake()
    {
        var (c, s) = TicketConfigs();
        var ticket = FirstTicket(c, s);
        var client = TlsConnection.CreateClient(c, "localhost", ticket);
        var server = TlsConnection.CreateServer(s with { SessionTicketKey = new byte[32] });
        Pump(client, server);
        Assert.False(client.Info!.PreSharedKeyAccepted);
        Assert.NotEmpty(client.Info.PeerCertificates);
    }

    [Fact]
    public void An_expired_ticket_is_not_offered()
    {
        var (c, s) = TicketConfigs();
        var ticket = FirstTicket(c, s);
        var later = c with { DangerousClock = () => DateTime.UtcNow.AddDays(1) };
        var client = TlsConnection.CreateClient(later, "localhost", ticket);
        var server = TlsConnection.CreateServer(s);
        Pump(client, server);
        Assert.False(client.Info!.PreSharedKeyAccepted);
    }

    [Fact]
    public void External_psk_handshake()
    {
        var psk = TlsSession.External("client-1"u8, Enumerable.Repeat((byte)0x42, 32).ToArray());
        var (c, s) = InMemoryPair.Configs(client: c => c with { PreSharedKeys = [psk] }, server: s => s with { PreSharedKeys = [psk] });
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        Assert.True(pair.Server.Info!.PreSharedKeyAccepted);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# Prior to accepting PSK key establishment, the server MUST validate
    //# the corresponding binder value (see Section 4.2.11.2 below).  If this
    //# value is not present or does not validate, the server MUST abort the
    //# handshake.
    [Fact]
    public void A_wrong_binder_is_a_decrypt_error()
    {
        var clientPsk = TlsSession.External("client-1"u8, Enumerable.Repeat((byte)0x42, 32).ToArray());
        var serverPsk = TlsSession.External("client-1"u8, Enumerable.Repeat((byte)0x43, 32).ToArray());
        var (c, s) = InMemoryPair.Configs(
            client: c => c with { PreSharedKeys = [clientPsk] },
            server: s => s with { PreSharedKeys = [serverPsk], Blinding = BlindingMode.SelfService });
        using var pair = new InMemoryPair(c, s);
        var e = Assert.Throws<TlsException>(() => pair.Pump());
        Assert.Equal(AlertDescription.DecryptError, e.Alert);
    }

    [Fact]
    public void A_psk_of_another_hash_is_not_used()
    {
        var psk = TlsSession.External("sha384"u8, Enumerable.Repeat((byte)0x42, 48).ToArray(), CipherSuite.TlsAes256GcmSha384);
        var (c, s) = InMemoryPair.Configs(
            client: c => c with { PreSharedKeys = [psk] },
            server: s => s with { PreSharedKeys = [psk], CipherSuites = [CipherSuite.TlsAes128GcmSha256] });
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        Assert.False(pair.Server.Info!.PreSharedKeyAccepted);
        Assert.True(pair.Client.IsHandshakeComplete);
    }

    private static void Pump(TlsConnection client, TlsConnection server)
    {
        for (int i = 0; i < 50 && (client.HasPendingOutput || server.HasPendingOutput); i++)
        {
            InMemoryPair.Move(client, server);
            InMemoryPair.Move(server, client);
        }
    }
}
