using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.Session;

/// <summary>The server's cipher suite choice follows the hash of the PSK it can use (RFC 8446 §4.2.11).</summary>
public class PskSuiteSelectionTests
{
    private static readonly CipherSuite[] Sha256First = [CipherSuite.TlsAes128GcmSha256, CipherSuite.TlsAes256GcmSha384];

    private static TlsSession External(string identity, CipherSuite suite) =>
        TlsSession.External(System.Text.Encoding.ASCII.GetBytes(identity), Enumerable.Repeat((byte)0x5A, 48).ToArray(), suite);

    private static InMemoryPair Run(TlsSession offered, params TlsSession[] known)
    {
        var (c, s) = InMemoryPair.Configs(
            client: c => c with { CipherSuites = Sha256First, PreSharedKeys = [offered] },
            server: s => s with { CipherSuites = Sha256First, PreSharedKeys = known });
        var pair = new InMemoryPair(c, s);
        pair.Pump();
        Assert.True(pair.Client.IsHandshakeComplete);
        return pair;
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# If backward compatibility is important, client-provided, externally
    //# established PSKs SHOULD influence cipher suite selection.
    [Fact]
    public void A_known_sha384_external_psk_makes_the_server_choose_its_sha384_suite_over_its_preferred_sha256_one()
    {
        var psk = External("psk-384", CipherSuite.TlsAes256GcmSha384);
        using var pair = Run(psk, psk);
        Assert.Equal(CipherSuite.TlsAes256GcmSha384, pair.Server.Info!.CipherSuite);
        Assert.True(pair.Server.Info.PreSharedKeyAccepted);
        Assert.True(pair.Client.Info!.PreSharedKeyAccepted);
        Assert.Empty(pair.Client.Info.PeerCertificates);
    }

    [Fact]
    public void An_unknown_psk_leaves_the_servers_own_preference()
    {
        var offered = External("psk-384", CipherSuite.TlsAes256GcmSha384);
        using var pair = Run(offered, External("another", CipherSuite.TlsAes256GcmSha384));
        Assert.Equal(CipherSuite.TlsAes128GcmSha256, pair.Server.Info!.CipherSuite);
        Assert.False(pair.Server.Info.PreSharedKeyAccepted);
        Assert.NotEmpty(pair.Client.Info!.PeerCertificates);
    }

    [Fact]
    public void A_sha384_ticket_steers_the_suite_too()
    {
        byte[] ticketKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var (c, s) = InMemoryPair.Configs(
            client: c => c with { CipherSuites = Sha256First },
            server: s => s with { CipherSuites = [CipherSuite.TlsAes256GcmSha384], SessionTicketKey = ticketKey });
        TlsSession ticket;
        using (var first = new InMemoryPair(c, s))
        {
            first.Pump();
            ticket = first.Client.ReceivedSessions[0];
        }

        Assert.Equal(CipherSuite.TlsAes256GcmSha384, ticket.CipherSuite);
        var client = TlsConnection.CreateClient(c, "localhost", ticket);
        var server = TlsConnection.CreateServer(s with { CipherSuites = Sha256First });
        EarlyData.EarlyDataHarness.Pump(client, server);
        Assert.Equal(CipherSuite.TlsAes256GcmSha384, server.Info!.CipherSuite);
        Assert.True(server.Info.PreSharedKeyAccepted);
    }
}
