using Reference.S2n;
using Reference.Tls.StateMachine;
using Reference.Tls.Tests.Interop;

namespace Reference.Tls.Tests.S2nAcceptance;

/// <summary>
/// HelloRetryRequest both ways with C s2n-tls, forced by policies: the client's first key share is in a
/// group the server's policy does not accept. The negotiated group must equal what s2n negotiates with
/// itself for the same pair, and both ends must report the retry.
/// </summary>
public sealed class S2nHelloRetryTests
{
    private static readonly byte[] Ping = "ping"u8.ToArray();
    private static readonly byte[] Pong = "pong"u8.ToArray();

    /// <summary>(client policy, its first key share, server policy, the group the server asks for).</summary>
    public static readonly TheoryData<string, string, string> Forced = new()
    {
        { "20190801", "rfc9151", "secp384r1" },   // x25519 share → P-384 only
        { "default", "20260720", "secp384r1" },   // X25519MLKEM768 + secp256r1 shares → MLKEM1024 / P-384
    };

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
    //= type=test
    //# If the server selects an (EC)DHE group and the client did not offer a
    //# compatible "key_share" extension in the initial ClientHello, the
    //# server MUST respond with a HelloRetryRequest (Section 4.1.4) message.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
    //= type=test
    //# Otherwise, the client MUST process all extensions in the
    //# HelloRetryRequest and send a second updated ClientHello.
    [Theory]
    [MemberData(nameof(Forced))]
    public async Task Our_client_retries_with_the_group_an_s2n_server_asks_for(string clientPolicy, string serverPolicy, string group)
    {
        var pki = S2nInterop.Pki(PolicyMatrix.CertificateFor(serverPolicy));
        var reference = await PolicyMatrix.S2nWithItselfAsync(clientPolicy, serverPolicy, pki);
        var trace = new List<Transition>();
        var config = TlsConfig.FromPolicy(clientPolicy) with { TrustStore = TrustStore.FromPem(pki.CaPem), TransitionObserver = trace.Add };
        using var s2nConfig = PolicyMatrix.S2nServer(serverPolicy, pki);

        var (ours, s2n) = await S2nInterop.RunAsync(S2nMode.Server, s2nConfig,
            ours: async (stream, ct) =>
            {
                await stream.AuthenticateAsClientAsync(config, S2nInterop.ServerName, ct);
                await stream.WriteAsync(Ping, ct);
                byte[] reply = await S2nInterop.ReadExactlyAsync(stream, Pong.Length, ct);
                await stream.ShutdownAsync(ct);
                return (Negotiation.FromOurs(stream.ConnectionInfo!), reply);
            },
            s2n: c => Echo(c));

        AssertRetried(reference, group, ours.Item1, s2n.Agreed);
        Assert.Equal(Pong, ours.reply);
        Assert.Equal(Ping, s2n.Got);
        Assert.Equal(2, trace.Count(t => t.Message == TableMessage.ClientHello));
        Assert.Contains(new Transition(HandshakeState.AfterClientHello, TableMessage.HelloRetryRequest, Sender.Server, HandshakeState.AfterHelloRetryRequest), trace);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
    //= type=test
    //# If the server selects an (EC)DHE group and the client did not offer a
    //# compatible "key_share" extension in the initial ClientHello, the
    //# server MUST respond with a HelloRetryRequest (Section 4.1.4) message.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.2
    //= type=test
    //# When sending the new ClientHello, the client MUST copy
    //# the contents of the extension received in the HelloRetryRequest into
    //# a "cookie" extension in the new ClientHello.
    [Theory]
    [InlineData("20190801", "rfc9151", "secp384r1", false)]
    [InlineData("20190801", "rfc9151", "secp384r1", true)]
    [InlineData("default", "20260720", "secp384r1", false)]
    [InlineData("default", "20260720", "secp384r1", true)]
    public async Task Our_server_sends_hello_retry_to_an_s2n_client(string clientPolicy, string serverPolicy, string group, bool cookie)
    {
        var pki = S2nInterop.Pki(PolicyMatrix.CertificateFor(serverPolicy));
        var reference = await PolicyMatrix.S2nWithItselfAsync(clientPolicy, serverPolicy, pki);
        var trace = new List<Transition>();
        var config = TlsConfig.FromPolicy(serverPolicy) with
        {
            Certificate = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem),
            SendHelloRetryCookie = cookie,
            TransitionObserver = trace.Add,
        };
        using var s2nConfig = PolicyMatrix.S2nClient(clientPolicy, pki);

        var (ours, s2n) = await S2nInterop.RunAsync(S2nMode.Client, s2nConfig,
            ours: async (stream, ct) =>
            {
                await stream.AuthenticateAsServerAsync(config, ct);
                await stream.WriteAsync(Ping, ct);
                byte[] reply = await S2nInterop.ReadExactlyAsync(stream, Pong.Length, ct);
                await stream.ShutdownAsync(ct);
                return (Negotiation.FromOurs(stream.ConnectionInfo!), reply);
            },
            s2n: c => Echo(c));

        AssertRetried(reference, group, ours.Item1, s2n.Agreed);
        Assert.Equal(Pong, ours.reply);
        Assert.Equal(Ping, s2n.Got);
        Assert.Equal(
            [TableMessage.ClientHello, TableMessage.HelloRetryRequest, TableMessage.ClientHello, TableMessage.ServerHello],
            trace.Take(4).Select(t => t.Message));
    }

    private static void AssertRetried(PolicyMatrix.Side reference, string group, Negotiation ours, Negotiation s2n)
    {
        Assert.True(reference.Ok, reference.Failure);
        Assert.True(reference.Agreed!.HelloRetry);
        Assert.Equal(group, reference.Agreed.Group);
        Assert.True(ours.HelloRetry);
        Assert.True(s2n.HelloRetry);
        Assert.Equal(group, ours.Group);
        Assert.Equal(reference.Agreed, ours);
        Assert.Equal(reference.Agreed, s2n);
    }

    /// <summary>s2n side: read the ping, answer, close both ways.</summary>
    private static (Negotiation Agreed, byte[] Got) Echo(S2nConnection c)
    {
        var got = new byte[Ping.Length];
        c.ReceiveExactly(got);
        c.SendAll(Pong);
        c.Shutdown();
        return (Negotiation.FromS2n(c), got);
    }
}
