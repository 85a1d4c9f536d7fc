using System.Net.Sockets;
using Reference.S2n;
using Reference.Tls.Certificates;
using Reference.Tls.Tests.Interop;

namespace Reference.Tls.Tests.S2nAcceptance;

/// <summary>
/// Pre-shared keys with the real C s2n-tls, both ways: session tickets (the first connection receives a
/// ticket, the second resumes from it) and external (out-of-band) PSKs, including a wrong secret, which
/// must fail the binder check. Each connection exchanges a ping and a pong: in TLS 1.3 tickets arrive
/// after the handshake, so the client only holds one once it has read application data.
/// </summary>
public sealed class S2nResumptionTests
{
    private static readonly byte[] Ping = "ping"u8.ToArray();
    private static readonly byte[] Pong = "pong"u8.ToArray();
    private static readonly byte[] TicketKey = Enumerable.Range(0x30, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] PskIdentity = "reference-oob-psk"u8.ToArray();

    /// <summary>s2n policy with only NIST curves: a client whose first key share is X25519 gets a HelloRetryRequest.</summary>
    private const string NoX25519Policy = "20230317";

    private static GeneratedPki Pki => S2nInterop.Pki(KeyKind.EcdsaP256);

    /// <summary>What our side saw on one connection.</summary>
    private sealed record Ours(bool PskAccepted, bool HelloRetry, int PeerCertificates, CipherSuite Suite, IReadOnlyList<TlsSession> Tickets, byte[] Got);

    /// <summary>What s2n saw on one connection.</summary>
    private sealed record S2nSide(bool Resumed, bool HelloRetry, byte[]? PskIdentity, byte[]? Session, int TicketsSent, string Suite, byte[] Got);

    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
    //= type=test
    //# Figure 3 shows a pair of handshakes in which the first handshake
    //# establishes a PSK and the second handshake uses it:
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# At any time after the server has received the client Finished
    //# message, it MAY send a NewSessionTicket message.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Our_client_resumes_from_an_s2n_ticket(bool helloRetry)
    {
        using var s2nConfig = S2nTicketServer(helloRetry ? NoX25519Policy : S2nInterop.Policy);
        var config = S2nInterop.OurClientConfig(Pki) with { Groups = [NamedGroup.X25519, NamedGroup.Secp256r1] };

        var (first, s2nFirst) = await OurClientAsync(s2nConfig, config, session: null);
        Assert.False(first.PskAccepted);
        Assert.False(s2nFirst.Resumed);
        Assert.NotEqual(0, first.PeerCertificates);
        Assert.NotEmpty(first.Tickets);
        Assert.Equal(s2nFirst.TicketsSent, first.Tickets.Count);

        var (second, s2nSecond) = await OurClientAsync(s2nConfig, config, first.Tickets[^1]);
        Assert.True(second.PskAccepted);
        Assert.True(s2nSecond.Resumed);
        Assert.Equal(0, second.PeerCertificates);
        Assert.Equal(helloRetry, second.HelloRetry);
        Assert.Equal(helloRetry, s2nSecond.HelloRetry);
        Assert.Equal(Ping, s2nSecond.Got);
        Assert.Equal(Pong, second.Got);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
    //= type=test
    //# Once a handshake has completed, the server can send the client a PSK
    //# identity that corresponds to a unique key derived from the initial
    //# handshake (see Section 4.6.1).
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# The PSK associated with the ticket is computed as:
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_s2n_client_resumes_from_our_ticket(bool helloRetry)
    {
        using var s2nConfig = S2nInterop.ClientConfig(Pki);
        s2nConfig.EnableSessionTickets();
        var config = S2nInterop.OurServerConfig(Pki) with
        {
            SessionTicketKey = TicketKey,
            SessionTicketCount = 2,
            Groups = helloRetry ? [NamedGroup.Secp256r1] : new TlsConfig().Groups,
        };

        var (first, s2nFirst) = await OurServerAsync(s2nConfig, config, prepare: _ => { });
        Assert.False(first.PskAccepted);
        Assert.False(s2nFirst.Resumed);
        byte[] saved = s2nFirst.Session ?? throw new Xunit.Sdk.XunitException("s2n received no ticket from our server");

        var (second, s2nSecond) = await OurServerAsync(s2nConfig, config, prepare: c => c.SetSession(saved));
        Assert.True(second.PskAccepted);
        Assert.True(s2nSecond.Resumed);
        Assert.Equal(helloRetry, second.HelloRetry);
        Assert.Equal(helloRetry, s2nSecond.HelloRetry);
        Assert.Equal(Ping, second.Got);
        Assert.Equal(Pong, s2nSecond.Got);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
    //= type=test
    //# PSKs can be used with (EC)DHE key exchange in order to provide forward
    //# secrecy in combination with shared keys, or can be used alone, at the
    //# cost of losing forward secrecy for the application data.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# The server MUST ensure that it selects a compatible PSK
    //# (if any) and cipher suite.
    [Theory]
    [InlineData(CipherSuite.TlsAes128GcmSha256, true)]
    [InlineData(CipherSuite.TlsAes128GcmSha256, false)]
    [InlineData(CipherSuite.TlsAes256GcmSha384, true)]
    [InlineData(CipherSuite.TlsAes256GcmSha384, false)]
    public async Task External_psk_with_s2n(CipherSuite suite, bool oursIsClient)
    {
        var (psk, hmac) = ExternalPsk(suite, secretByte: 0x5a);
        Action<S2nConnection> prepare = c => c.AppendExternalPsk(PskIdentity, Secret(suite, 0x5a), hmac);
        using var s2nConfig = oursIsClient ? S2nPskServer() : S2nInterop.ClientConfig(Pki);
        var (ours, s2n) = oursIsClient
            ? await OurClientAsync(s2nConfig, PskClientConfig(psk, suite), session: null, prepare)
            : await OurServerAsync(s2nConfig, PskServerConfig(psk, suite), prepare);

        Assert.True(ours.PskAccepted);
        Assert.Equal(PskIdentity, s2n.PskIdentity);
        Assert.Equal(suite, ours.Suite);
        Assert.Equal(S2nInterop.IanaName(suite), s2n.Suite);
        Assert.Equal(0, ours.PeerCertificates);
        Assert.Equal(oursIsClient ? Pong : Ping, ours.Got);
        Assert.Equal(oursIsClient ? Ping : Pong, s2n.Got);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# Prior to accepting PSK key establishment, the server MUST validate
    //# the corresponding binder value (see Section 4.2.11.2 below).  If this
    //# value is not present or does not validate, the server MUST abort the
    //# handshake.
    [Fact]
    public async Task Our_server_rejects_an_s2n_binder_made_with_another_secret_with_decrypt_error()
    {
        var (psk, _) = ExternalPsk(CipherSuite.TlsAes128GcmSha256, secretByte: 0x5a);
        var config = PskServerConfig(psk, CipherSuite.TlsAes128GcmSha256) with { Blinding = BlindingMode.SelfService };
        using var s2nConfig = S2nInterop.ClientConfig(Pki);
        var (ours, s2n) = await RunAsync(S2nMode.Client, s2nConfig,
            c => c.AppendExternalPsk(PskIdentity, Secret(CipherSuite.TlsAes128GcmSha256, 0x5b)),
            async (stream, ct) => { await stream.AuthenticateAsServerAsync(config, ct); return true; },
            c => c.Receive(new byte[1]));

        var error = await Assert.ThrowsAsync<TlsException>(() => ours);
        Assert.Equal(AlertDescription.DecryptError, error.Alert);
        Assert.False(error.AlertFromPeer);
        var s2nError = await Assert.ThrowsAsync<S2nException>(() => s2n);
        Assert.Equal(S2nErrorType.Alert, s2nError.ErrorType);
        Assert.Equal((int)AlertDescription.DecryptError, s2nError.PeerAlert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# Prior to accepting PSK key establishment, the server MUST validate
    //# the corresponding binder value (see Section 4.2.11.2 below).  If this
    //# value is not present or does not validate, the server MUST abort the
    //# handshake.
    /// <summary>
    /// s2n fails a binder that does not verify with S2N_ERR_BAD_MESSAGE and sends no alert (RFC 8446 §6.2
    /// names decrypt_error for this; our server sends it), so our client sees the transport close.
    /// </summary>
    [Fact]
    public async Task An_s2n_server_rejects_our_binder_made_with_another_secret()
    {
        var (psk, _) = ExternalPsk(CipherSuite.TlsAes128GcmSha256, secretByte: 0x5a);
        var config = PskClientConfig(psk, CipherSuite.TlsAes128GcmSha256);
        using var s2nConfig = S2nPskServer();
        var (ours, s2n) = await RunAsync(S2nMode.Server, s2nConfig,
            c => c.AppendExternalPsk(PskIdentity, Secret(CipherSuite.TlsAes128GcmSha256, 0x5b)),
            async (stream, ct) => { await stream.AuthenticateAsClientAsync(config, S2nInterop.ServerName, ct); return true; },
            c => c.Receive(new byte[1]));

        var s2nError = await Assert.ThrowsAsync<S2nException>(() => s2n);
        Assert.Equal("s2n_negotiate", s2nError.Operation);
        Assert.Equal("S2N_ERR_BAD_MESSAGE", s2nError.ErrorName);
        var error = await Assert.ThrowsAsync<TlsException>(() => ours);
        Assert.Contains(error.ErrorType, new[] { TlsErrorType.Closed, TlsErrorType.IO });
    }

    private static async Task<(Ours Ours, S2nSide S2n)> OurClientAsync(
        S2nConfig s2nConfig, TlsConfig config, TlsSession? session, Action<S2nConnection>? prepare = null)
    {
        var (ours, s2n) = await RunAsync(S2nMode.Server, s2nConfig, prepare ?? (_ => { }),
            async (stream, ct) =>
            {
                await stream.AuthenticateAsClientAsync(config, S2nInterop.ServerName, session, ct);
                await stream.WriteAsync(Ping, ct);
                byte[] reply = await S2nInterop.ReadExactlyAsync(stream, Pong.Length, ct);
                await stream.ShutdownAsync(ct);
                return Observe(stream, reply);
            },
            c =>
            {
                var got = new byte[Ping.Length];
                c.ReceiveExactly(got);
                c.SendAll(Pong);
                c.Shutdown();
                return Observe(c, got, session: null, c.TicketsSent);
            });
        return (await ours, await s2n);
    }

    private static async Task<(Ours Ours, S2nSide S2n)> OurServerAsync(S2nConfig s2nConfig, TlsConfig config, Action<S2nConnection> prepare)
    {
        var (ours, s2n) = await RunAsync(S2nMode.Client, s2nConfig, prepare,
            async (stream, ct) =>
            {
                await stream.AuthenticateAsServerAsync(config, ct);
                byte[] got = await S2nInterop.ReadExactlyAsync(stream, Ping.Length, ct);
                await stream.WriteAsync(Pong, ct);
                await stream.ShutdownAsync(ct);
                return Observe(stream, got);
            },
            c =>
            {
                c.SendAll(Ping);
                var got = new byte[Pong.Length];
                c.ReceiveExactly(got);
                var session = c.GetSession(); // the ticket came before the pong
                c.Shutdown();
                return Observe(c, got, session, ticketsSent: 0);
            });
        return (await ours, await s2n);
    }

    private static Ours Observe(TlsStream stream, byte[] got)
    {
        var info = stream.ConnectionInfo!;
        return new(info.PreSharedKeyAccepted, info.HelloRetryRequest, info.PeerCertificates.Count, info.CipherSuite,
            stream.Connection.ReceivedSessions.ToList(), got);
    }

    private static S2nSide Observe(S2nConnection c, byte[] got, byte[]? session, int ticketsSent) =>
        new(c.IsSessionResumed, c.IsHelloRetry, c.NegotiatedPskIdentity, session, ticketsSent, c.CipherSuite, got);

    private static S2nConfig S2nTicketServer(string policy)
    {
        var config = new S2nConfig();
        try
        {
            config.SetSecurityPolicy(policy);
            config.AddCertChainAndKey(Pki.ServerChainPem, Pki.ServerKeyPem);
            config.EnableSessionTickets();
            config.AddTicketKey("reference-test"u8, TicketKey);
            return config;
        }
        catch
        {
            config.Dispose();
            throw;
        }
    }

    private static S2nConfig S2nPskServer() => S2nInterop.ServerConfig(Pki);

    private static byte[] Secret(CipherSuite suite, byte value) =>
        Enumerable.Repeat(value, suite == CipherSuite.TlsAes256GcmSha384 ? 48 : 32).ToArray();

    private static (TlsSession Psk, S2nPskHmac Hmac) ExternalPsk(CipherSuite suite, byte secretByte) =>
        (TlsSession.External(PskIdentity, Secret(suite, secretByte), suite),
         suite == CipherSuite.TlsAes256GcmSha384 ? S2nPskHmac.Sha384 : S2nPskHmac.Sha256);

    // A SHA-384 PSK can only be used with a SHA-384 suite: offer only that one, so the PSK is usable.
    private static TlsConfig PskClientConfig(TlsSession psk, CipherSuite suite) =>
        S2nInterop.OurClientConfig(Pki) with { PreSharedKeys = [psk], CipherSuites = [suite] };

    private static TlsConfig PskServerConfig(TlsSession psk, CipherSuite suite) =>
        S2nInterop.OurServerConfig(Pki) with { PreSharedKeys = [psk], CipherSuites = [suite] };

    /// <summary>
    /// Like <see cref="S2nInterop.RunToCompletionAsync"/>, with <paramref name="prepare"/> run on the s2n
    /// connection before its handshake (to offer a session or append an external PSK).
    /// </summary>
    private static async Task<(Task<TOurs> Ours, Task<TS2n> S2n)> RunAsync<TOurs, TS2n>(
        S2nMode s2nMode, S2nConfig s2nConfig, Action<S2nConnection> prepare,
        Func<TlsStream, CancellationToken, Task<TOurs>> ours, Func<S2nConnection, TS2n> s2n)
    {
        var (serverSocket, clientSocket) = await S2nInterop.ConnectLoopbackAsync();
        var s2nSocket = s2nMode == S2nMode.Server ? serverSocket : clientSocket;
        var ourSocket = s2nMode == S2nMode.Server ? clientSocket : serverSocket;
        using var cts = new CancellationTokenSource(S2nInterop.Timeout);
        try
        {
            var s2nTask = S2nPeer.RunAsync(s2nMode, c => { c.UseSocket(s2nSocket); prepare(c); }, s2nConfig,
                s2nMode == S2nMode.Client ? S2nInterop.ServerName : null, s2n);
            var ourTask = Task.Run(async () =>
            {
                await using var stream = new TlsStream(new NetworkStream(ourSocket, ownsSocket: false));
                return await ours(stream, cts.Token);
            });
            var first = await Task.WhenAny(s2nTask, ourTask).WaitAsync(S2nInterop.Timeout);
            if (first.IsFaulted)
            {
                // Let the other side read the alert, then cut the transport so it cannot wait forever.
                await Task.WhenAny(first == s2nTask ? ourTask : s2nTask, Task.Delay(TimeSpan.FromSeconds(2)));
                Abort(serverSocket, clientSocket);
            }

            await Task.WhenAll(s2nTask, ourTask).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(S2nInterop.Timeout);
            return (ourTask, s2nTask);
        }
        finally
        {
            Abort(serverSocket, clientSocket);
        }
    }

    private static void Abort(params Socket[] sockets)
    {
        foreach (var socket in sockets)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // already closed
            }

            socket.Dispose();
        }
    }
}
