using System.Security.Cryptography.X509Certificates;
using Reference.S2n;
using Reference.Tls.Certificates;
using Reference.Tls.StateMachine;
using Reference.Tls.Tests.Interop;

namespace Reference.Tls.Tests.S2nAcceptance;

/// <summary>
/// Mutual TLS with C s2n-tls in all three server modes (none / optional / required), each side as the
/// server, with and without a client certificate. Interop/S2nMutualTlsTests covers required-with-certificate
/// both ways and our required server refusing an s2n client without one; the other cases are here.
/// </summary>
public sealed class S2nClientAuthModeTests
{
    private const string ClientCommonName = "Reference Test Client";

    private static readonly byte[] Ping = "ping"u8.ToArray();
    private static readonly byte[] Pong = "pong"u8.ToArray();

    private static GeneratedPki Pki => S2nInterop.Pki(KeyKind.EcdsaP256);

    private static readonly Transition EmptyCertificateSent =
        new(HandshakeState.AfterServerFinishedAuth, TableMessage.EmptyCertificate, Sender.Client, HandshakeState.AfterEmptyClientCertificate);

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# The client MUST send a Certificate message if and only if the server
    //# has requested client authentication via a CertificateRequest message
    //# (Section 4.3.2).  If the server requests client authentication but no
    //# suitable certificate is available, the client MUST send a Certificate
    //# message containing no certificates (i.e., with the "certificate_list"
    //# field having length 0).
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
    //= type=test
    //# If the client does not send any certificates (i.e., it sends an empty
    //# Certificate message), the server MAY at its discretion either
    //# continue the handshake without client authentication or abort the
    //# handshake with a "certificate_required" alert.
    [Theory]
    [InlineData(S2nClientAuth.None, true)]
    [InlineData(S2nClientAuth.None, false)]
    [InlineData(S2nClientAuth.Optional, true)]
    [InlineData(S2nClientAuth.Optional, false)]
    public async Task Our_client_against_an_s2n_server(S2nClientAuth mode, bool ourClientHasCertificate)
    {
        using var s2nConfig = S2nServerRequesting(mode);
        var trace = new List<Transition>();
        var ourConfig = new TlsConfig
        {
            TrustStore = TrustStore.FromPem(Pki.CaPem),
            Certificate = ourClientHasCertificate ? CertificateKeyPair.FromPem(Pki.ClientChainPem, Pki.ClientKeyPem) : null,
            TransitionObserver = trace.Add,
        };

        var (info, s2n) = await S2nInterop.RunAsync(S2nMode.Server, s2nConfig,
            ours: (stream, ct) => ClientSessionAsync(stream, ourConfig, ct),
            s2n: ServerSession);

        bool requested = mode != S2nClientAuth.None;
        bool authenticated = requested && ourClientHasCertificate;
        Assert.Equal(Ping, s2n.Got);
        Assert.Equal(authenticated, s2n.Negotiated.ClientCertUsed);
        Assert.Equal(requested, s2n.Negotiated.HandshakeType.Contains("CLIENT_AUTH", StringComparison.Ordinal));
        Assert.Equal(requested && !ourClientHasCertificate, s2n.Negotiated.HandshakeType.Contains("NO_CLIENT_CERT", StringComparison.Ordinal));
        Assert.Equal(authenticated ? SignatureScheme.EcdsaSecp256r1Sha256 : null, info.ClientSignatureScheme);
        Assert.Equal(requested && !ourClientHasCertificate, trace.Contains(EmptyCertificateSent));
        Assert.Equal(requested, trace.Any(t => t.Message == TableMessage.CertificateRequest));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
    //= type=test
    //# If the client does not send any certificates (i.e., it sends an empty
    //# Certificate message), the server MAY at its discretion either
    //# continue the handshake without client authentication or abort the
    //# handshake with a "certificate_required" alert.
    [Fact]
    public async Task An_s2n_server_that_requires_a_certificate_rejects_our_client_without_one()
    {
        using var s2nConfig = S2nServerRequesting(S2nClientAuth.Required);
        var trace = new List<Transition>();
        var ourConfig = new TlsConfig { TrustStore = TrustStore.FromPem(Pki.CaPem), TransitionObserver = trace.Add };

        var (ours, s2n) = await S2nInterop.RunToCompletionAsync(S2nMode.Server, s2nConfig,
            ours: (stream, ct) => ClientSessionAsync(stream, ourConfig, ct),
            s2n: ServerSession);

        var s2nError = await Assert.ThrowsAsync<S2nException>(() => s2n);
        Assert.Equal("S2N_ERR_MISSING_CLIENT_CERT", s2nError.ErrorName);
        var ourError = await Assert.ThrowsAsync<TlsException>(() => ours);
        // s2n_negotiate fails without writing an alert; our client (already Connected after its empty
        // Certificate and Finished) sees the transport end under its read, never a clean 0.
        Assert.Contains(ourError.ErrorType, new[] { TlsErrorType.Closed, TlsErrorType.IO });
        Assert.Null(ourError.Alert);
        Assert.Contains(EmptyCertificateSent, trace);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
    //= type=test
    //# If the client does not send any certificates (i.e., it sends an empty
    //# Certificate message), the server MAY at its discretion either
    //# continue the handshake without client authentication or abort the
    //# handshake with a "certificate_required" alert.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.4
    //= type=test
    //# The "certificate_authorities" extension is used to indicate the
    //# certificate authorities (CAs) which an endpoint supports and which
    //# SHOULD be used by the receiving endpoint to guide certificate
    //# selection.
    [Theory]
    [InlineData(ClientAuthMode.None, true, false)]
    [InlineData(ClientAuthMode.None, false, false)]
    [InlineData(ClientAuthMode.Optional, true, false)]
    [InlineData(ClientAuthMode.Optional, true, true)]
    [InlineData(ClientAuthMode.Optional, false, false)]
    [InlineData(ClientAuthMode.Optional, false, true)]
    public async Task An_s2n_client_against_our_server(ClientAuthMode mode, bool s2nClientHasCertificate, bool sendCertificateAuthorities)
    {
        using var s2nConfig = S2nInterop.ClientConfig(Pki);
        s2nConfig.SetClientAuth(S2nClientAuth.Optional); // answers a request, with its certificate if it has one
        if (s2nClientHasCertificate)
        {
            s2nConfig.AddCertChainAndKey(Pki.ClientChainPem, Pki.ClientKeyPem);
        }

        var trace = new List<Transition>();
        var ourConfig = new TlsConfig
        {
            Certificate = CertificateKeyPair.FromPem(Pki.ServerChainPem, Pki.ServerKeyPem),
            TrustStore = TrustStore.FromPem(Pki.CaPem),
            ClientAuth = mode,
            SendCertificateAuthorities = sendCertificateAuthorities,
            TransitionObserver = trace.Add,
        };

        var (info, s2n) = await S2nInterop.RunAsync(S2nMode.Client, s2nConfig,
            ours: (stream, ct) => ServerSessionAsync(stream, ourConfig, ct),
            s2n: ClientSession);

        bool requested = mode != ClientAuthMode.None;
        bool authenticated = requested && s2nClientHasCertificate;
        Assert.Equal(Pong, s2n.Got);
        Assert.Equal(authenticated, s2n.Negotiated.ClientCertUsed);
        Assert.Equal(requested, s2n.Negotiated.HandshakeType.Contains("CLIENT_AUTH", StringComparison.Ordinal));
        Assert.Equal(requested && !s2nClientHasCertificate, trace.Contains(EmptyCertificateSent));
        Assert.Equal(authenticated ? SignatureScheme.EcdsaSecp256r1Sha256 : null, info.ClientSignatureScheme);
        using var clientLeaf = X509Certificate2.CreateFromPem(Pki.ClientChainPem);
        Assert.Equal(authenticated ? clientLeaf.RawData : null, info.PeerCertificates.FirstOrDefault()); // the chain, leaf first
    }

    private static S2nConfig S2nServerRequesting(S2nClientAuth mode)
    {
        var config = S2nInterop.ServerConfig(Pki);
        config.SetClientAuth(mode);
        config.WipeTrustStore();
        config.AddTrustedPem(Pki.CaPem);
        config.SetVerifyHost(name => name == ClientCommonName);
        return config;
    }

    private static async Task<ConnectionInfo> ClientSessionAsync(TlsStream stream, TlsConfig config, CancellationToken ct)
    {
        await stream.AuthenticateAsClientAsync(config, S2nInterop.ServerName, ct);
        await stream.WriteAsync(Ping, ct);
        Assert.Equal(Pong, await S2nInterop.ReadExactlyAsync(stream, Pong.Length, ct));
        await stream.ShutdownAsync(ct);
        Assert.Equal(0, await stream.ReadAsync(new byte[1], ct));
        return stream.ConnectionInfo!;
    }

    private static async Task<ConnectionInfo> ServerSessionAsync(TlsStream stream, TlsConfig config, CancellationToken ct)
    {
        await stream.AuthenticateAsServerAsync(config, ct);
        Assert.Equal(Ping, await S2nInterop.ReadExactlyAsync(stream, Ping.Length, ct));
        await stream.WriteAsync(Pong, ct);
        await stream.ShutdownAsync(ct);
        Assert.Equal(0, await stream.ReadAsync(new byte[1], ct));
        return stream.ConnectionInfo!;
    }

    private static (S2nNegotiated Negotiated, byte[] Got) ServerSession(S2nConnection c)
    {
        var got = new byte[Ping.Length];
        c.ReceiveExactly(got);
        c.SendAll(Pong);
        c.Shutdown();
        return (S2nNegotiated.Read(c), got);
    }

    private static (S2nNegotiated Negotiated, byte[] Got) ClientSession(S2nConnection c)
    {
        c.SendAll(Ping);
        var got = new byte[Pong.Length];
        c.ReceiveExactly(got);
        c.Shutdown();
        return (S2nNegotiated.Read(c), got);
    }
}
