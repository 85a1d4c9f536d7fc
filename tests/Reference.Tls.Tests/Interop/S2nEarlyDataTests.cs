using Reference.S2n;
using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.Interop;

/// <summary>
/// TLS 1.3 early data (0-RTT) with the real C s2n-tls. The s2n endpoints are in-memory connections
/// (<see cref="S2nMemoryConnection"/>) pumped on the test thread, so a client's early data records leave in
/// its first flight, right behind the ClientHello and before any server byte exists: real 0-RTT, not
/// early-keyed data sent after the server's flight (which is what a blocking s2n client does).
/// The first tests prove the binding s2n against s2n (tickets with and without early data, a server that
/// rejects, external PSKs, the server's early data callback); the rest put our engine on one side, both ways:
/// accepted, rejected by the server's limit, rejected by a HelloRetryRequest, and external PSKs.
/// </summary>
public sealed class S2nEarlyDataTests
{
    private const uint MaxEarly = 1024;

    /// <summary>s2n policy with only NIST curves: a client whose first key share is X25519 gets a HelloRetryRequest.</summary>
    private const string NoX25519Policy = "20230317";
    private const byte ApplicationDataRecord = 23;
    private const byte HandshakeRecord = 22;
    private const byte ChangeCipherSpecRecord = 20;

    /// <summary>A 0-RTT first flight from s2n: ClientHello, the middlebox-compatibility CCS, then early data.</summary>
    private static readonly byte[] ZeroRttFlight = [HandshakeRecord, ChangeCipherSpecRecord, ApplicationDataRecord];

    private static readonly byte[] Early = "GET /early HTTP/1.1\r\n\r\n"u8.ToArray();
    private static readonly byte[] Late = "after the handshake"u8.ToArray();

    /// <summary>Our client, asking for 0-RTT whenever its session allows it.</summary>
    private static TlsConfig OurEarlyClientConfig() => S2nInterop.OurClientConfig(Pki) with { OfferEarlyData = true };
    private static readonly byte[] Pong = "pong"u8.ToArray();
    private static readonly byte[] TicketKey = Enumerable.Range(0x40, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] PskIdentity = "reference-0rtt-psk"u8.ToArray();
    private static readonly byte[] PskSecret = Enumerable.Repeat((byte)0x3c, 32).ToArray();

    private static GeneratedPki Pki => S2nInterop.Pki(KeyKind.EcdsaP256);

    /// <summary>What one resumed s2n-to-s2n connection showed.</summary>
    private sealed record S2nPairResult(
        byte[] FirstFlightRecordTypes, int ClientSent, byte[] ServerGot, S2nEarlyDataStatus ClientStatus,
        S2nEarlyDataStatus ServerStatus, bool ClientResumed, bool ServerResumed, byte[]? ServerPskIdentity, uint ClientMax,
        byte[] LateGot);

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# When a PSK is used and early data is allowed for that PSK, the client
    //# can send Application Data in its first flight of messages.
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4
    //= type=test
    //# If offering early data, the record is placed immediately after the
    //# first ClientHello.
    [Fact]
    public void An_s2n_server_accepts_s2n_early_data_sent_on_its_ticket()
    {
        using var serverConfig = S2nTicketServer(MaxEarly);
        using var clientConfig = S2nTicketClient();
        byte[] session = S2nTicket(serverConfig, clientConfig, _ => { });

        var result = S2nResume(serverConfig, clientConfig, c => c.SetSession(session), _ => { });

        Assert.Equal(ZeroRttFlight, result.FirstFlightRecordTypes);
        Assert.Equal(Early.Length, result.ClientSent);
        Assert.Equal(Early, result.ServerGot);
        Assert.Equal(S2nEarlyDataStatus.End, result.ClientStatus);
        Assert.Equal(S2nEarlyDataStatus.End, result.ServerStatus);
        Assert.True(result.ClientResumed);
        Assert.True(result.ServerResumed);
        Assert.Equal(MaxEarly, result.ClientMax);
        Assert.Equal(Late, result.LateGot);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# -  Ignore the extension and return a regular 1-RTT response.  The
    //# server then skips past early data by attempting to deprotect
    //# received records using the handshake traffic key, discarding
    //# records which fail deprotection (up to the configured
    //# max_early_data_size).
    [Fact]
    public void An_s2n_server_whose_limit_is_now_zero_rejects_early_data_and_completes_in_one_round_trip()
    {
        using var serverConfig = S2nTicketServer(MaxEarly);
        using var clientConfig = S2nTicketClient();
        byte[] session = S2nTicket(serverConfig, clientConfig, _ => { });

        // s2n caps a ticket's limit by the server's current one: 0 rejects every request.
        var result = S2nResume(serverConfig, clientConfig, c => c.SetSession(session), s => s.SetServerMaxEarlyDataSize(0));

        Assert.Equal(ZeroRttFlight, result.FirstFlightRecordTypes);
        Assert.Equal(Early.Length, result.ClientSent);
        Assert.Empty(result.ServerGot);
        Assert.Equal(S2nEarlyDataStatus.Rejected, result.ClientStatus);
        Assert.Equal(S2nEarlyDataStatus.Rejected, result.ServerStatus);
        Assert.True(result.ClientResumed);
        Assert.True(result.ServerResumed);
        Assert.Equal(Late, result.LateGot);
    }

    [Fact]
    public void A_ticket_from_an_s2n_server_that_allows_no_early_data_lets_an_s2n_client_send_none()
    {
        using var serverConfig = S2nTicketServer(maxEarlyData: 0);
        using var clientConfig = S2nTicketClient();
        byte[] session = S2nTicket(serverConfig, clientConfig, _ => { });

        var result = S2nResume(serverConfig, clientConfig, c => c.SetSession(session), _ => { });

        Assert.Equal([HandshakeRecord], result.FirstFlightRecordTypes);
        Assert.Equal(0, result.ClientSent);
        Assert.Equal(0u, result.ClientMax);
        Assert.Equal(S2nEarlyDataStatus.NotRequested, result.ClientStatus);
        Assert.Equal(S2nEarlyDataStatus.NotRequested, result.ServerStatus);
        Assert.True(result.ServerResumed);
        Assert.Equal(Late, result.LateGot);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# For externally provisioned PSKs, the associated values are those provisioned along
    //# with the key.
    [Theory]
    [InlineData(MaxEarly, S2nEarlyDataStatus.End)]
    [InlineData(0u, S2nEarlyDataStatus.NotRequested)]
    public void S2n_early_data_on_an_external_psk(uint pskMax, S2nEarlyDataStatus expected)
    {
        using var serverConfig = S2nInterop.ServerConfig(Pki);
        using var clientConfig = S2nInterop.ClientConfig(Pki);
        var earlyData = new S2nPskEarlyData(pskMax, Tls13Aes128GcmSha256);

        var result = S2nResume(serverConfig, clientConfig,
            c => c.AppendExternalPsk(PskIdentity, PskSecret, S2nPskHmac.Sha256, earlyData),
            s => s.AppendExternalPsk(PskIdentity, PskSecret, S2nPskHmac.Sha256, earlyData));

        Assert.Equal(expected, result.ClientStatus);
        Assert.Equal(expected, result.ServerStatus);
        Assert.Equal(expected == S2nEarlyDataStatus.End ? Early : [], result.ServerGot);
        Assert.Equal(PskIdentity, result.ServerPskIdentity);
        Assert.Equal(Late, result.LateGot);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_s2n_early_data_callback_sees_the_ticket_context_and_decides(bool accept)
    {
        using var serverConfig = S2nTicketServer(MaxEarly);
        using var clientConfig = S2nTicketClient();
        byte[]? seen = null;
        serverConfig.SetEarlyDataCallback(context => { seen = context; return accept; });
        byte[] session = S2nTicket(serverConfig, clientConfig, s => s.SetServerEarlyDataContext("ctx:v1"u8));

        var result = S2nResume(serverConfig, clientConfig, c => c.SetSession(session), _ => { });

        Assert.Equal("ctx:v1"u8.ToArray(), seen);
        var status = accept ? S2nEarlyDataStatus.End : S2nEarlyDataStatus.Rejected;
        Assert.Equal(status, result.ClientStatus);
        Assert.Equal(status, result.ServerStatus);
        Assert.Equal(accept ? Early : [], result.ServerGot);
        Assert.Equal(Late, result.LateGot);
    }

    /// <summary>The blocking binding (S2nConnection over streams, one thread per side) carries early data too.</summary>
    [Fact]
    public async Task Blocking_s2n_connections_exchange_early_data_on_a_ticket()
    {
        using var serverConfig = S2nTicketServer(MaxEarly);
        using var clientConfig = S2nTicketClient();
        byte[] session = S2nTicket(serverConfig, clientConfig, _ => { });
        var (clientStream, serverStream) = DuplexStream.CreatePair();
        int sent = 0, received = 0;
        var got = new byte[MaxEarly];

        var server = S2nPeer.RunAsync(S2nMode.Server, c =>
        {
            c.UseStream(serverStream);
            received = c.ReceiveEarlyData(got);
        }, serverConfig, null, c => (c.EarlyDataStatus, c.IsSessionResumed, ReceiveExactly(c, Late.Length)));
        var client = S2nPeer.RunAsync(S2nMode.Client, c =>
        {
            c.UseStream(clientStream);
            c.SetSession(session);
            sent = c.SendEarlyData(Early);
        }, clientConfig, S2nInterop.ServerName, c => { c.SendAll(Late); return c.EarlyDataStatus; });

        var clientStatus = await client.WaitAsync(S2nInterop.Timeout);
        var (serverStatus, resumed, late) = await server.WaitAsync(S2nInterop.Timeout);
        Assert.Equal(Early.Length, sent);
        Assert.Equal(Early, got[..received]);
        Assert.Equal(S2nEarlyDataStatus.End, clientStatus);
        Assert.Equal(S2nEarlyDataStatus.End, serverStatus);
        Assert.True(resumed);
        Assert.Equal(Late, late);
    }

    private static byte[] ReceiveExactly(S2nConnection connection, int count)
    {
        var buffer = new byte[count];
        connection.ReceiveExactly(buffer);
        return buffer;
    }

    private const ushort Tls13Aes128GcmSha256 = 0x1301;

    /// <summary>A full s2n-to-s2n handshake; returns the session the client kept from the server's ticket.</summary>
    private static byte[] S2nTicket(S2nConfig serverConfig, S2nConfig clientConfig, Action<S2nMemoryConnection> prepareServer)
    {
        using var client = new S2nMemoryConnection(S2nMode.Client, clientConfig, S2nInterop.ServerName);
        using var server = new S2nMemoryConnection(S2nMode.Server, serverConfig);
        prepareServer(server);
        for (int round = 0; round < 10 && !(client.IsHandshakeComplete && server.IsHandshakeComplete); round++)
        {
            client.TryNegotiate();
            Move(client, server);
            server.TryNegotiate();
            Move(server, client);
        }
        Move(client, server);
        server.Send(Pong); // the tickets go out before it
        Move(server, client);
        Assert.Equal(Pong, ReceiveAll(client, Pong.Length));
        Assert.False(client.IsSessionResumed);
        return client.GetSession() ?? throw new Xunit.Sdk.XunitException("the s2n client received no ticket");
    }

    /// <summary>
    /// One s2n-to-s2n connection where the client sends <see cref="Early"/> as early data and the server reads
    /// it (s2n_send_early_data / s2n_recv_early_data, then s2n_negotiate), then <see cref="Late"/> flows 1-RTT.
    /// </summary>
    private static S2nPairResult S2nResume(S2nConfig serverConfig, S2nConfig clientConfig,
        Action<S2nMemoryConnection> prepareClient, Action<S2nMemoryConnection> prepareServer)
    {
        using var client = new S2nMemoryConnection(S2nMode.Client, clientConfig, S2nInterop.ServerName);
        using var server = new S2nMemoryConnection(S2nMode.Server, serverConfig);
        prepareClient(client);
        prepareServer(server);
        bool clientEarlyDone = client.TrySendEarlyData(Early, out int sent);
        if (clientEarlyDone && !client.HasPendingOutput)
            client.TryNegotiate(); // nothing allowed: s2n_send_early_data returned before the ClientHello
        byte[] firstFlight = RecordTypes(client.PendingOutput);
        var got = new byte[MaxEarly];
        int received = 0;
        bool serverEarlyDone = false;
        for (int round = 0; round < 10 && !(client.IsHandshakeComplete && server.IsHandshakeComplete); round++)
        {
            Move(client, server);
            serverEarlyDone = StepReceivingEarlyData(server, serverEarlyDone, got, ref received);
            Move(server, client);
            clientEarlyDone = StepSendingEarlyData(client, clientEarlyDone, Early, ref sent);
        }
        Move(client, server);
        server.TryNegotiate();
        client.Send(Late);
        Move(client, server);
        byte[] late = ReceiveAll(server, Late.Length);
        return new(firstFlight, sent, got[..received], client.EarlyDataStatus, server.EarlyDataStatus,
            client.IsSessionResumed, server.IsSessionResumed, server.NegotiatedPskIdentity, client.MaxEarlyDataSize, late);
    }

    private static void Move(S2nMemoryConnection from, S2nMemoryConnection to)
    {
        if (!from.HasPendingOutput)
            return;
        to.Feed(from.PendingOutput);
        from.ConsumeOutput(from.PendingOutput.Length);
    }

    private static byte[] ReceiveAll(S2nMemoryConnection connection, int count)
    {
        var buffer = new byte[count];
        int total = 0;
        for (int n; total < count && (n = connection.Receive(buffer.AsSpan(total))) > 0;)
            total += n;
        return buffer[..total];
    }

    /// <summary>The content type of each TLS record in <paramref name="flight"/>, in order.</summary>
    private static byte[] RecordTypes(ReadOnlySpan<byte> flight)
    {
        var types = new List<byte>();
        while (flight.Length >= 5)
        {
            types.Add(flight[0]);
            int length = flight[3] << 8 | flight[4];
            flight = flight[Math.Min(flight.Length, 5 + length)..];
        }
        return [.. types];
    }

    private static S2nConfig S2nTicketServer(uint maxEarlyData, string policy = S2nInterop.Policy)
    {
        var config = S2nInterop.ServerConfig(Pki);
        try
        {
            config.SetSecurityPolicy(policy);
            config.EnableSessionTickets();
            config.AddTicketKey("reference-0rtt"u8, TicketKey);
            config.SetServerMaxEarlyDataSize(maxEarlyData);
            return config;
        }
        catch
        {
            config.Dispose();
            throw;
        }
    }

    private static S2nConfig S2nTicketClient()
    {
        var config = S2nInterop.ClientConfig(Pki);
        config.EnableSessionTickets();
        return config;
    }

    // ---- our engine with C s2n-tls: both pumped sans-IO on the test thread ----

    /// <summary>What one resumed connection between our engine and s2n showed.</summary>
    private sealed record MixedResult(
        byte[] FirstFlightRecordTypes, byte[] EarlyGot, EarlyDataStatus OurStatus, S2nEarlyDataStatus S2nStatus,
        bool OurPskAccepted, bool OurHelloRetry, byte[] LateGot);

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# When a PSK is used and early data is allowed for that PSK, the client
    //# can send Application Data in its first flight of messages.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# For PSKs established via a NewSessionTicket message,
    //# the associated values are those which were negotiated in the
    //# connection which established the PSK.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
    //= type=test
    //# If the server sent an "early_data" extension in EncryptedExtensions, the
    //# client MUST send an EndOfEarlyData message after receiving the server
    //# Finished.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# max_early_data_size:  The maximum amount of 0-RTT data that the
    //# client is allowed to send when using this ticket, in bytes.
    [Fact]
    public void An_s2n_server_accepts_and_reads_our_early_data_on_its_ticket()
    {
        using var s2nConfig = S2nTicketServer(MaxEarly);
        var config = OurEarlyClientConfig();
        var ticket = OurTicketFromS2n(s2nConfig, config);
        Assert.Equal(MaxEarly, ticket.MaxEarlyDataSize);

        var result = OurClientResumes(s2nConfig, config, ticket, _ => { });

        Assert.Equal(ZeroRttFlight, result.FirstFlightRecordTypes);
        Assert.Equal(Early, result.EarlyGot);
        Assert.Equal(EarlyDataStatus.Accepted, result.OurStatus);
        Assert.Equal(S2nEarlyDataStatus.End, result.S2nStatus); // s2n saw our EndOfEarlyData
        Assert.True(result.OurPskAccepted);
        Assert.Equal(Late, result.LateGot);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# If the server rejects the "early_data" extension, the client
    //# application MAY opt to retransmit the Application Data previously
    //# sent in early data once the handshake has been completed.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
    //= type=test
    //# If the server does not send an "early_data" extension
    //# in EncryptedExtensions, then the client MUST NOT send an
    //# EndOfEarlyData message.
    [Fact]
    public void An_s2n_server_whose_limit_is_now_zero_rejects_our_early_data_and_we_resend_it_in_1_rtt()
    {
        using var s2nConfig = S2nTicketServer(MaxEarly);
        var config = OurEarlyClientConfig();
        var ticket = OurTicketFromS2n(s2nConfig, config);

        var result = OurClientResumes(s2nConfig, config, ticket, s => s.SetServerMaxEarlyDataSize(0), late: Early);

        Assert.Equal(ZeroRttFlight, result.FirstFlightRecordTypes);
        Assert.Empty(result.EarlyGot);
        Assert.Equal(EarlyDataStatus.Rejected, result.OurStatus);
        Assert.Equal(S2nEarlyDataStatus.Rejected, result.S2nStatus);
        Assert.True(result.OurPskAccepted);
        Assert.Equal(Early, result.LateGot); // the same bytes, now as 1-RTT data
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# A client MUST NOT include the
    //# "early_data" extension in its followup ClientHello.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# Request that the client send another ClientHello by responding
    //# with a HelloRetryRequest.
    [Fact]
    public void An_s2n_server_that_sends_a_hello_retry_request_rejects_our_early_data()
    {
        using var s2nConfig = S2nTicketServer(MaxEarly, NoX25519Policy);
        var config = OurEarlyClientConfig() with { Groups = [NamedGroup.X25519, NamedGroup.Secp256r1] };
        var ticket = OurTicketFromS2n(s2nConfig, config);

        var result = OurClientResumes(s2nConfig, config, ticket, _ => { });

        Assert.True(result.OurHelloRetry);
        Assert.Empty(result.EarlyGot);
        Assert.Equal(EarlyDataStatus.Rejected, result.OurStatus);
        Assert.Equal(S2nEarlyDataStatus.Rejected, result.S2nStatus);
        Assert.True(result.OurPskAccepted);
        Assert.Equal(Late, result.LateGot);
    }

    /// <summary>s2n's application-level decision (s2n_config_set_early_data_cb) on our early data: once per resumption.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_s2n_early_data_callback_decides_on_our_early_data(bool accept)
    {
        using var s2nConfig = S2nTicketServer(MaxEarly);
        int calls = 0;
        s2nConfig.SetEarlyDataCallback(_ => { calls++; return accept; });
        var config = OurEarlyClientConfig();
        var ticket = OurTicketFromS2n(s2nConfig, config);
        Assert.Equal(0, calls);

        var result = OurClientResumes(s2nConfig, config, ticket, _ => { });

        Assert.Equal(1, calls);
        Assert.Equal(accept ? EarlyDataStatus.Accepted : EarlyDataStatus.Rejected, result.OurStatus);
        Assert.Equal(accept ? S2nEarlyDataStatus.End : S2nEarlyDataStatus.Rejected, result.S2nStatus);
        Assert.Equal(accept ? Early : [], result.EarlyGot);
        Assert.Equal(Late, result.LateGot);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# Return its own "early_data" extension in EncryptedExtensions,
    //# indicating that it intends to process the early data.
    [Fact]
    public void Our_server_accepts_s2n_early_data_on_our_ticket_and_reads_it_through_ReadEarlyData()
    {
        using var s2nConfig = S2nTicketClient();
        var config = OurTicketServerConfig(MaxEarly);
        byte[] session = S2nTicketFromOurServer(s2nConfig, config, out uint s2nSeesMax);
        Assert.Equal(MaxEarly, s2nSeesMax);

        var result = S2nClientResumes(s2nConfig, config, c => c.SetSession(session));

        Assert.Equal(ZeroRttFlight, result.FirstFlightRecordTypes);
        Assert.Equal(Early, result.EarlyGot);
        Assert.Equal(EarlyDataStatus.Accepted, result.OurStatus);
        Assert.Equal(S2nEarlyDataStatus.End, result.S2nStatus);
        Assert.True(result.OurPskAccepted);
        Assert.Equal(Late, result.LateGot); // and only Late: early data never comes out of ReadApplicationData
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# Ignore the extension and return a regular 1-RTT response.  The
    //# server then skips past early data by attempting to deprotect
    //# received records using the handshake traffic key, discarding
    //# records which fail deprotection (up to the configured
    //# max_early_data_size).
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# If the client attempts a 0-RTT handshake but the server
    //# rejects it, the server will generally not have the 0-RTT record
    //# protection keys and must instead use trial decryption
    [Fact]
    public void Our_server_with_no_early_data_allowed_rejects_s2n_early_data_and_the_handshake_completes()
    {
        using var s2nConfig = S2nTicketClient();
        byte[] session = S2nTicketFromOurServer(s2nConfig, OurTicketServerConfig(MaxEarly), out _);

        var result = S2nClientResumes(s2nConfig, OurTicketServerConfig(maxEarlyData: 0), c => c.SetSession(session));

        Assert.Equal(ZeroRttFlight, result.FirstFlightRecordTypes);
        Assert.Empty(result.EarlyGot);
        Assert.Equal(EarlyDataStatus.Rejected, result.OurStatus);
        Assert.Equal(S2nEarlyDataStatus.Rejected, result.S2nStatus);
        Assert.True(result.OurPskAccepted);
        Assert.Equal(Late, result.LateGot);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# The server
    //# then ignores early data by skipping all records with an external
    //# content type of "application_data" (indicating that they are
    //# encrypted), up to the configured max_early_data_size.
    [Fact]
    public void Our_server_skips_s2n_early_data_after_sending_a_hello_retry_request()
    {
        using var s2nConfig = S2nTicketClient();
        var config = OurTicketServerConfig(MaxEarly);
        byte[] session = S2nTicketFromOurServer(s2nConfig, config, out _);

        // An s2n client's one key share is x25519 (policy 20190801); a P-256-only server must ask again.
        var result = S2nClientResumes(s2nConfig, config with { Groups = [NamedGroup.Secp256r1] }, c => c.SetSession(session));

        Assert.True(result.OurHelloRetry);
        Assert.Empty(result.EarlyGot);
        Assert.Equal(EarlyDataStatus.Rejected, result.OurStatus);
        Assert.Equal(S2nEarlyDataStatus.Rejected, result.S2nStatus);
        Assert.True(result.OurPskAccepted);
        Assert.Equal(Late, result.LateGot);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# For externally provisioned PSKs, the associated values are those
    //# provisioned along with the key.
    [Theory]
    [InlineData(TlsRole.Client)]
    [InlineData(TlsRole.Server)]
    public void Early_data_on_an_external_psk_with_s2n(TlsRole ourRole)
    {
        var psk = TlsSession.External(PskIdentity, PskSecret, CipherSuite.TlsAes128GcmSha256, MaxEarly);
        var s2nEarly = new S2nPskEarlyData(MaxEarly, Tls13Aes128GcmSha256);
        Action<S2nMemoryConnection> prepare = c => c.AppendExternalPsk(PskIdentity, PskSecret, S2nPskHmac.Sha256, s2nEarly);

        MixedResult result;
        if (ourRole == TlsRole.Client)
        {
            using var s2nConfig = S2nInterop.ServerConfig(Pki);
            var config = OurEarlyClientConfig() with { PreSharedKeys = [psk], CipherSuites = [CipherSuite.TlsAes128GcmSha256] };
            result = OurClientResumes(s2nConfig, config, session: null, prepare);
        }
        else
        {
            using var s2nConfig = S2nInterop.ClientConfig(Pki);
            var config = S2nInterop.OurServerConfig(Pki) with
            {
                PreSharedKeys = [psk],
                CipherSuites = [CipherSuite.TlsAes128GcmSha256],
                MaxEarlyDataSize = MaxEarly,
                Blinding = BlindingMode.SelfService,
            };
            result = S2nClientResumes(s2nConfig, config, prepare);
        }

        Assert.Equal(ZeroRttFlight, result.FirstFlightRecordTypes);
        Assert.Equal(Early, result.EarlyGot);
        Assert.Equal(EarlyDataStatus.Accepted, result.OurStatus);
        Assert.Equal(S2nEarlyDataStatus.End, result.S2nStatus);
        Assert.True(result.OurPskAccepted);
        Assert.Equal(Late, result.LateGot);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# A server receiving more than max_early_data_size bytes of 0-RTT data
    //# SHOULD terminate the connection with an "unexpected_message" alert.
    [Fact]
    public void Our_server_ends_with_unexpected_message_when_s2n_sends_more_early_data_than_it_now_allows()
    {
        using var s2nConfig = S2nTicketClient();
        byte[] session = S2nTicketFromOurServer(s2nConfig, OurTicketServerConfig(MaxEarly), out _);
        // The ticket allows MaxEarly bytes; the server now takes at most 10 (the smaller limit applies).
        using var ours = TlsConnection.CreateServer(OurTicketServerConfig(maxEarlyData: 10));
        using var s2n = new S2nMemoryConnection(S2nMode.Client, s2nConfig, S2nInterop.ServerName);
        s2n.SetSession(session);
        s2n.TrySendEarlyData(Early, out int sent);
        Assert.Equal(Early.Length, sent);

        var error = Assert.Throws<TlsException>(() => Move(s2n, ours));
        Assert.Equal(AlertDescription.UnexpectedMessage, error.Alert);
        Move(ours, s2n); // our flight (which accepted early data), then the alert under the handshake key
        // s2n completes its side of the handshake (its Finished needs nothing more) and meets the alert on its first read.
        var s2nError = Assert.Throws<S2nException>(() => { s2n.TryNegotiate(); s2n.Receive(new byte[16]); });
        Assert.Equal(S2nErrorType.Alert, s2nError.ErrorType);
        Assert.Equal((int)AlertDescription.UnexpectedMessage, s2nError.PeerAlert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# A server receiving more than max_early_data_size bytes of 0-RTT data
    //# SHOULD terminate the connection with an "unexpected_message" alert.
    /// <summary>
    /// s2n fails with S2N_ERR_MAX_EARLY_DATA_SIZE, an error it maps to no alert (tls/s2n_alerts.c), and writes
    /// nothing more: our client, which saw its early data accepted, completes its side of the handshake and
    /// hears nothing, instead of the unexpected_message the RFC recommends.
    /// </summary>
    [Fact]
    public void An_s2n_server_fails_without_an_alert_when_we_send_more_early_data_than_it_now_allows()
    {
        using var s2nConfig = S2nTicketServer(MaxEarly);
        var config = OurEarlyClientConfig();
        var ticket = OurTicketFromS2n(s2nConfig, config);
        using var ours = TlsConnection.CreateClient(config, S2nInterop.ServerName, ticket);
        using var s2n = new S2nMemoryConnection(S2nMode.Server, s2nConfig);
        s2n.SetServerMaxEarlyDataSize(10);
        ours.WriteEarlyData(Early);
        Move(ours, s2n);

        var s2nError = Assert.Throws<S2nException>(() => s2n.TryReceiveEarlyData(new byte[MaxEarly], out _));
        Assert.Equal("S2N_ERR_MAX_EARLY_DATA_SIZE", s2nError.ErrorName);
        Assert.Null(s2nError.Alert);
        Move(s2n, ours);
        // s2n's flight went out before it read the early data, and nothing follows it: our client finishes its
        // side of the handshake and hears nothing of the failure.
        Assert.Equal(EarlyDataStatus.Accepted, ours.EarlyDataStatus);
        Assert.True(ours.IsHandshakeComplete);
        Assert.False(ours.IsPeerClosed);
        Assert.False(s2n.HasPendingOutput);
    }

    /// <summary>A full handshake of our client with an s2n server; returns the last ticket we received.</summary>
    private static TlsSession OurTicketFromS2n(S2nConfig s2nConfig, TlsConfig config)
    {
        using var ours = TlsConnection.CreateClient(config, S2nInterop.ServerName);
        using var s2n = new S2nMemoryConnection(S2nMode.Server, s2nConfig);
        Handshake(ours, s2n, s2nEarly: null);
        s2n.Send(Pong); // the tickets go out before it
        Move(s2n, ours);
        Assert.Equal(Pong, ReadApplication(ours));
        Assert.NotEmpty(ours.ReceivedSessions);
        return ours.ReceivedSessions[^1];
    }

    /// <summary>A full handshake of an s2n client with our server; returns the session s2n kept from our ticket.</summary>
    private static byte[] S2nTicketFromOurServer(S2nConfig s2nConfig, TlsConfig config, out uint maxEarly)
    {
        using var ours = TlsConnection.CreateServer(config);
        using var s2n = new S2nMemoryConnection(S2nMode.Client, s2nConfig, S2nInterop.ServerName);
        Handshake(ours, s2n, s2nEarly: null);
        ours.WriteApplicationData(Pong); // our tickets went out with the handshake's end
        Move(ours, s2n);
        Assert.Equal(Pong, ReceiveAll(s2n, Pong.Length));
        byte[] session = s2n.GetSession() ?? throw new Xunit.Sdk.XunitException("s2n received no ticket from our server");
        maxEarly = MaxEarlyOfS2nSession(s2nConfig, session);
        return session;
    }

    /// <summary>The early data limit an s2n client takes from a saved session, before it connects.</summary>
    private static uint MaxEarlyOfS2nSession(S2nConfig s2nConfig, byte[] session)
    {
        using var probe = new S2nMemoryConnection(S2nMode.Client, s2nConfig, S2nInterop.ServerName);
        probe.SetSession(session);
        return probe.MaxEarlyDataSize;
    }

    /// <summary>
    /// Our client resumes (a ticket, or the config's external PSK) and writes <see cref="Early"/> as early data
    /// before anything moves; the s2n server reads early data with s2n_recv_early_data; then our client writes
    /// <paramref name="late"/> (default <see cref="Late"/>) as 1-RTT data.
    /// </summary>
    private static MixedResult OurClientResumes(S2nConfig s2nConfig, TlsConfig config, TlsSession? session,
        Action<S2nMemoryConnection> prepareS2n, byte[]? late = null)
    {
        using var ours = session is null
            ? TlsConnection.CreateClient(config, S2nInterop.ServerName)
            : TlsConnection.CreateClient(config, S2nInterop.ServerName, session);
        using var s2n = new S2nMemoryConnection(S2nMode.Server, s2nConfig);
        prepareS2n(s2n);
        Assert.Equal(EarlyDataStatus.Requested, ours.EarlyDataStatus);
        ours.WriteEarlyData(Early);
        byte[] firstFlight = RecordTypes(ours.PendingOutput);
        var got = new byte[MaxEarly];
        int received = Handshake(ours, s2n, got);
        late ??= Late;
        ours.WriteApplicationData(late);
        Move(ours, s2n);
        var info = ours.Info!;
        return new(firstFlight, got[..received], ours.EarlyDataStatus, s2n.EarlyDataStatus, info.PreSharedKeyAccepted,
            info.HelloRetryRequest, ReceiveAll(s2n, late.Length));
    }

    /// <summary>
    /// An s2n client resumes (<paramref name="prepareS2n"/> sets the session or PSK) and sends <see cref="Early"/>
    /// with s2n_send_early_data; our server reads it with ReadEarlyData; then s2n sends <see cref="Late"/> 1-RTT.
    /// </summary>
    private static MixedResult S2nClientResumes(S2nConfig s2nConfig, TlsConfig config, Action<S2nMemoryConnection> prepareS2n)
    {
        using var ours = TlsConnection.CreateServer(config);
        using var s2n = new S2nMemoryConnection(S2nMode.Client, s2nConfig, S2nInterop.ServerName);
        prepareS2n(s2n);
        bool s2nEarlyDone = s2n.TrySendEarlyData(Early, out int sent);
        Assert.Equal(Early.Length, sent);
        byte[] firstFlight = RecordTypes(s2n.PendingOutput);
        var early = new List<byte>();
        for (int round = 0; round < 10 && !(ours.IsHandshakeComplete && s2n.IsHandshakeComplete); round++)
        {
            Move(s2n, ours);
            early.AddRange(ReadEarly(ours));
            Move(ours, s2n);
            if (s2nEarlyDone)
                s2n.TryNegotiate();
            else
                s2nEarlyDone = s2n.TrySendEarlyData([], out _);
        }
        s2n.Send(Late);
        Move(s2n, ours);
        early.AddRange(ReadEarly(ours));
        var info = ours.Info!;
        return new(firstFlight, [.. early], ours.EarlyDataStatus, s2n.EarlyDataStatus, info.PreSharedKeyAccepted,
            info.HelloRetryRequest, ReadApplication(ours));
    }

    /// <summary>
    /// Runs the handshake between our endpoint and s2n to completion. With <paramref name="s2nEarly"/> the s2n
    /// server first reads early data into it (s2n_recv_early_data, until it returns success); returns the count.
    /// </summary>
    private static int Handshake(TlsConnection ours, S2nMemoryConnection s2n, byte[]? s2nEarly)
    {
        int received = 0;
        bool earlyDone = s2nEarly is null;
        if (ours.Role == TlsRole.Server)
            s2n.TryNegotiate(); // the s2n client speaks first
        for (int round = 0; round < 10 && !(ours.IsHandshakeComplete && s2n.IsHandshakeComplete); round++)
        {
            Move(ours, s2n);
            earlyDone = StepReceivingEarlyData(s2n, earlyDone, s2nEarly, ref received);
            Move(s2n, ours);
        }
        Assert.True(ours.IsHandshakeComplete && s2n.IsHandshakeComplete, "the handshake did not complete");
        return received;
    }

    /// <summary>
    /// One s2n step: s2n_recv_early_data into <paramref name="buffer"/> until it reports the early data done, then
    /// s2n_negotiate. Returns whether the early data is done.
    /// </summary>
    private static bool StepReceivingEarlyData(S2nMemoryConnection s2n, bool done, byte[]? buffer, ref int received)
    {
        if (done)
        {
            s2n.TryNegotiate();
            return true;
        }

        ArgumentNullException.ThrowIfNull(buffer);
        bool finished = s2n.TryReceiveEarlyData(buffer.AsSpan(received), out int n);
        received += n;
        return finished;
    }

    /// <summary>One s2n step: s2n_send_early_data of the rest of <paramref name="data"/> until done, then s2n_negotiate.</summary>
    private static bool StepSendingEarlyData(S2nMemoryConnection s2n, bool done, byte[] data, ref int sent)
    {
        if (done)
        {
            s2n.TryNegotiate();
            return true;
        }

        bool finished = s2n.TrySendEarlyData(data.AsSpan(sent), out int n);
        sent += n;
        return finished;
    }

    private static void Move(TlsConnection from, S2nMemoryConnection to)
    {
        if (!from.HasPendingOutput)
            return;
        to.Feed(from.PendingOutput);
        from.ConsumeOutput(from.PendingOutput.Length);
    }

    private static void Move(S2nMemoryConnection from, TlsConnection to)
    {
        if (!from.HasPendingOutput)
            return;
        byte[] bytes = from.PendingOutput.ToArray();
        from.ConsumeOutput(bytes.Length);
        to.Feed(bytes);
    }

    private static byte[] ReadEarly(TlsConnection server)
    {
        var buffer = new byte[server.AvailableEarlyData];
        return buffer[..server.ReadEarlyData(buffer)];
    }

    private static byte[] ReadApplication(TlsConnection connection)
    {
        var buffer = new byte[connection.AvailableApplicationData];
        return buffer[..connection.ReadApplicationData(buffer)];
    }

    private static TlsConfig OurTicketServerConfig(uint maxEarlyData) => S2nInterop.OurServerConfig(Pki) with
    {
        SessionTicketKey = TicketKey,
        MaxEarlyDataSize = maxEarlyData,
        Blinding = BlindingMode.SelfService,
    };
}
