using Reference.S2n;
using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.Interop;

/// <summary>
/// TLS 1.3 early data (0-RTT) with the real C s2n-tls. The s2n endpoints are in-memory connections
/// (<see cref="S2nMemoryConnection"/>) pumped on the test thread, so a client's early data records leave in
/// its first flight, right behind the ClientHello and before any server byte exists: real 0-RTT, not
/// early-keyed data sent after the server's flight (which is what a blocking s2n client does).
/// This part proves the binding s2n against s2n: tickets with and without early data, a server that
/// rejects, external PSKs, and the server's early data callback.
/// </summary>
public sealed partial class S2nEarlyDataTests
{
    private const uint MaxEarly = 1024;
    private const byte ApplicationDataRecord = 23;
    private const byte HandshakeRecord = 22;
    private const byte ChangeCipherSpecRecord = 20;

    /// <summary>A 0-RTT first flight from s2n: ClientHello, the middlebox-compatibility CCS, then early data.</summary>
    private static readonly byte[] ZeroRttFlight = [HandshakeRecord, ChangeCipherSpecRecord, ApplicationDataRecord];

    private static readonly byte[] Early = "GET /early HTTP/1.1\r\n\r\n"u8.ToArray();
    private static readonly byte[] Late = "after the handshake"u8.ToArray();
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
            if (serverEarlyDone)
            {
                server.TryNegotiate();
            }
            else
            {
                serverEarlyDone = server.TryReceiveEarlyData(got.AsSpan(received), out int n);
                received += n;
            }
            Move(server, client);
            if (clientEarlyDone)
            {
                client.TryNegotiate();
            }
            else
            {
                clientEarlyDone = client.TrySendEarlyData(Early.AsSpan(sent), out int n);
                sent += n;
            }
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

    private static S2nConfig S2nTicketServer(uint maxEarlyData)
    {
        var config = S2nInterop.ServerConfig(Pki);
        try
        {
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
}
