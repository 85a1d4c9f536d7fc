using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Record;
using Reference.Tls.Session;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Tests.Malformed;

namespace Reference.Tls.Tests.Session;

/// <summary>
/// When the server issues tickets, for how long it honours them, and how the client takes unsolicited
/// NewSessionTicket extensions (RFC 8446 §4.2, §4.2.9, §4.6.1).
/// </summary>
public class TicketPolicyTests
{
    private static readonly byte[] TicketKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    /// <summary>A clock both peers read, moved by the test; it starts on a whole second (tickets keep milliseconds).</summary>
    private sealed class Clock
    {
        public DateTime Now { get; set; } = DateTime.UnixEpoch.AddSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        public void Advance(TimeSpan by) => Now += by;
    }

    private static (TlsConfig Client, TlsConfig Server) Configs(Clock clock, Func<TlsConfig, TlsConfig>? server = null) =>
        InMemoryPair.Configs(
            client: c => c with { DangerousClock = () => clock.Now },
            server: s =>
            {
                var t = s with { SessionTicketKey = TicketKey, DangerousClock = () => clock.Now, Blinding = BlindingMode.SelfService };
                return server?.Invoke(t) ?? t;
            });

    /// <summary>One handshake offering <paramref name="session"/> (or none); returns the client, completed.</summary>
    private static TlsConnection Handshake(TlsConfig client, TlsConfig server, TlsSession? session)
    {
        var c = TlsConnection.CreateClient(client, "localhost", session);
        using var s = TlsConnection.CreateServer(server);
        for (int i = 0; i < 50 && (c.HasPendingOutput || s.HasPendingOutput); i++)
        {
            InMemoryPair.Move(c, s);
            InMemoryPair.Move(s, c);
        }

        Assert.True(c.IsHandshakeComplete);
        Assert.True(s.IsHandshakeComplete);
        return c;
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
    //= type=test
    //# Servers SHOULD NOT send NewSessionTicket with tickets that are not
    //# compatible with the advertised modes; however, if a server does so, the
    //# impact will just be that the client's attempts at resumption fail.
    [Theory]
    [InlineData(new byte[] { PskKeyExchangeModesExtension.PskKe }, 0)]
    [InlineData(new byte[] { 0x7F }, 0)]
    [InlineData(new byte[] { PskKeyExchangeModesExtension.PskDheKe }, 1)]
    [InlineData(new byte[] { PskKeyExchangeModesExtension.PskKe, PskKeyExchangeModesExtension.PskDheKe }, 1)]
    public void The_server_issues_tickets_only_for_a_mode_the_client_advertised(byte[] modes, int tickets)
    {
        var clock = new Clock();
        var (c, s) = Configs(clock);
        using var client = Handshake(c with { DangerousTestPskKeyExchangeModes = modes }, s, null);
        Assert.Equal(tickets, client.ReceivedSessions.Count);
    }

    [Fact]
    public void A_client_hello_without_psk_key_exchange_modes_still_gets_tickets_as_from_s2n()
    {
        var clock = new Clock();
        var (c, s) = Configs(clock);
        using var client = Handshake(c, s, null);
        Assert.Single(client.ReceivedSessions);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# A server MAY treat a ticket as valid for a shorter period of time than
    //# what is stated in the ticket_lifetime.
    [Theory]
    [InlineData(12, true)]
    [InlineData(1, false)]
    public void The_server_honours_a_ticket_only_for_its_current_ticket_lifetime(int serverLifetimeHours, bool resumed)
    {
        var clock = new Clock();
        var (c, s) = Configs(clock);
        using var first = Handshake(c, s, null);
        var ticket = first.ReceivedSessions[0];
        Assert.Equal(TimeSpan.FromHours(12), ticket.Lifetime);

        clock.Advance(TimeSpan.FromHours(2));
        using var second = Handshake(c, s with { SessionTicketLifetime = TimeSpan.FromHours(serverLifetimeHours) }, ticket);

        Assert.Equal(resumed, second.Info!.PreSharedKeyAccepted);
        Assert.Equal(resumed, second.Info.PeerCertificates.Count == 0);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# It is RECOMMENDED that implementations place limits on the total
    //# lifetime of such keying material; these limits should take into account
    //# the lifetime of the peer's certificate, the likelihood of intervening
    //# revocation, and the time since the peer's online CertificateVerify
    //# signature.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-C.4
    //= type=test
    //# Servers SHOULD issue new tickets with every connection.
    [Fact]
    public void Tickets_issued_on_resumed_connections_expire_with_the_original_session()
    {
        var clock = new Clock();
        var (c, s) = Configs(clock, server: s => s with { SessionTicketLifetime = TimeSpan.FromHours(4), SessionLifetimeLimit = TimeSpan.FromHours(10) });
        using var full = Handshake(c, s, null);
        var ticket = full.ReceivedSessions[0];
        Assert.Equal(TimeSpan.FromHours(4), ticket.Lifetime);

        var lifetimes = new List<TimeSpan>();
        for (int i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromHours(3));
            using var resumed = Handshake(c, s, ticket);
            Assert.True(resumed.Info!.PreSharedKeyAccepted);
            ticket = resumed.ReceivedSessions[0];
            lifetimes.Add(ticket.Lifetime);
        }

        // Issued 3 h, 6 h and 9 h after the full handshake: the last one lives only to the 10 h limit.
        Assert.Equal([TimeSpan.FromHours(4), TimeSpan.FromHours(4), TimeSpan.FromHours(1)], lifetimes);
    }

    [Theory]
    [InlineData(12, true)]
    [InlineData(5, false)]
    public void A_ticket_of_a_session_older_than_the_limit_is_refused_even_if_the_ticket_itself_is_fresh(int limitHours, bool resumed)
    {
        var clock = new Clock();
        var (c, s) = Configs(clock, server: s => s with { SessionTicketLifetime = TimeSpan.FromHours(4), SessionLifetimeLimit = TimeSpan.FromHours(12) });
        using var full = Handshake(c, s, null);
        clock.Advance(TimeSpan.FromHours(3));
        using var firstResumption = Handshake(c, s, full.ReceivedSessions[0]);
        Assert.True(firstResumption.Info!.PreSharedKeyAccepted);
        var ticket = firstResumption.ReceivedSessions[0];

        // The ticket is 3 h old (of 4 h); its session is 6 h old.
        clock.Advance(TimeSpan.FromHours(3));
        using var later = Handshake(c, s with { SessionLifetimeLimit = TimeSpan.FromHours(limitHours) }, ticket);

        Assert.Equal(resumed, later.Info!.PreSharedKeyAccepted);
        Assert.Equal(resumed, later.Info.PeerCertificates.Count == 0);
    }

    [Fact]
    public void No_ticket_is_issued_when_the_session_has_less_than_a_second_left()
    {
        var clock = new Clock();
        var limit = TimeSpan.FromHours(3) + TimeSpan.FromMilliseconds(1500);
        var (c, s) = Configs(clock, server: s => s with { SessionTicketLifetime = TimeSpan.FromHours(4), SessionLifetimeLimit = limit });
        using var full = Handshake(c, s, null);
        Assert.Equal(TimeSpan.FromHours(3) + TimeSpan.FromSeconds(1), full.ReceivedSessions[0].Lifetime);

        // The ticket and its session are still valid, with 0.7 s of the session left: too little for a ticket.
        clock.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMilliseconds(800));
        using var resumed = Handshake(c, s, full.ReceivedSessions[0]);

        Assert.True(resumed.Info!.PreSharedKeyAccepted);
        Assert.Empty(resumed.ReceivedSessions);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.1
    //= type=test
    //# A client using a ticket for resumption SHOULD initiate the connection
    //# using the version that was previously negotiated.
    [Theory]
    [InlineData("default")]
    [InlineData("20190801")]
    public void A_resuming_client_offers_TLS_1_3_first_the_version_of_its_ticket(string policy)
    {
        var clock = new Clock();
        var (c, s) = Configs(clock);
        using var full = Handshake(c, s, null);
        var fromPolicy = TlsConfig.FromPolicy(policy) with { TrustStore = c.TrustStore, DangerousClock = c.DangerousClock };
        var client = TlsConnection.CreateClient(fromPolicy, "localhost", full.ReceivedSessions[0]);
        var hello = Scenario.ParseClientHello(Scenario.Take(client));

        Assert.Equal(ExtensionType.PreSharedKey, hello.Extensions[^1].Type);
        var versions = SupportedVersionsExtension.DecodeClient(ExtensionBlock.Find(hello.Extensions, ExtensionType.SupportedVersions)!);
        Assert.Equal((ushort)0x0304, versions[0]);
    }

    [Fact]
    public void SessionLifetimeLimit_must_be_positive()
    {
        var (_, s) = Configs(new Clock());
        Assert.Equal(TlsErrorType.Usage, Assert.Throws<TlsException>(() => TlsConnection.CreateServer(s with { SessionLifetimeLimit = TimeSpan.Zero })).ErrorType);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# The server MAY also send unsolicited extensions in the NewSessionTicket,
    //# though the client does not respond directly to these.
    [Fact]
    public void A_client_keeps_a_ticket_with_unsolicited_extensions_and_sends_nothing_back()
    {
        using var s = new Scenario();
        s.Complete();
        using var writer = RecordProtector.Create(CipherSuiteSpec.Get(Scenario.Suite), s.ServerKeys["SERVER_TRAFFIC_SECRET_0"]);
        var ticket = Bytes.Handshake(HandshakeType.NewSessionTicket, Bytes.Write(w =>
        {
            w.WriteU32(3600);
            w.WriteU32(5);
            w.WriteVector8([1]);
            w.WriteVector16(Enumerable.Repeat((byte)0xCD, 48).ToArray());
            ExtensionBlock.Write(w, [new Extension((ExtensionType)0x1A1A, [1, 2, 3]), new Extension(ExtensionType.EarlyData, [0, 0, 0x40, 0]), new Extension((ExtensionType)0xFE01, [])]);
        }));

        s.Client.Feed(Bytes.Seal(writer, ContentType.Handshake, ticket));

        var session = Assert.Single(s.Client.ReceivedSessions);
        Assert.Equal(16384u, session.MaxEarlyDataSize);
        Assert.False(s.Client.HasPendingOutput);
        Assert.False(s.Client.IsWriteClosed);
    }
}
