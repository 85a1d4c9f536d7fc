using System.Security.Cryptography.X509Certificates;
using Reference.S2n;
using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.Interop;

/// <summary>Mutual TLS (client certificate required and verified), ECDSA P-256, ours against C s2n-tls.</summary>
public sealed class S2nMutualTlsTests
{
    private static GeneratedPki Pki => S2nInterop.Pki(KeyKind.EcdsaP256);

    private const string ClientCommonName = "Reference Test Client";

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# The client MUST send a Certificate message if and only if the server
    //# has requested client authentication via a CertificateRequest message
    //# (Section 4.3.2).
    [Fact]
    public async Task Our_client_authenticates_to_an_s2n_server_that_requires_it()
    {
        using var s2nConfig = S2nInterop.ServerConfig(Pki);
        s2nConfig.SetClientAuth(S2nClientAuth.Required);
        s2nConfig.WipeTrustStore();
        s2nConfig.AddTrustedPem(Pki.CaPem);
        var namesChecked = new List<string>();
        s2nConfig.SetVerifyHost(name => { lock (namesChecked) namesChecked.Add(name); return name == ClientCommonName; });
        var ourConfig = new TlsConfig
        {
            TrustStore = TrustStore.FromPem(Pki.CaPem),
            Certificate = CertificateKeyPair.FromPem(Pki.ClientChainPem, Pki.ClientKeyPem),
        };

        var (ours, s2n) = await S2nInterop.RunAsync(S2nMode.Server, s2nConfig,
            ours: async (stream, ct) =>
            {
                await stream.AuthenticateAsClientAsync(ourConfig, S2nInterop.ServerName, ct);
                await stream.WriteAsync("hello"u8.ToArray(), ct);
                byte[] reply = await S2nInterop.ReadExactlyAsync(stream, 2, ct);
                await stream.ShutdownAsync(ct);
                return (stream.ConnectionInfo!, reply, await stream.ReadAsync(new byte[1], ct));
            },
            s2n: conn =>
            {
                var got = new byte[5];
                conn.ReceiveExactly(got);
                conn.SendAll("ok"u8);
                int afterClose = conn.Receive(new byte[1]);
                conn.Shutdown();
                return (S2nNegotiated.Read(conn), got, afterClose);
            });

        var (info, reply, ourTail) = ours;
        var (negotiated, got, s2nTail) = s2n;
        Assert.Equal("hello"u8.ToArray(), got);
        Assert.Equal("ok"u8.ToArray(), reply);
        Assert.Equal((0, 0), (ourTail, s2nTail));
        Assert.True(negotiated.ClientCertUsed);
        Assert.Contains("CLIENT_AUTH", negotiated.HandshakeType);
        Assert.Equal(SignatureScheme.EcdsaSecp256r1Sha256, info.ClientSignatureScheme);
        Assert.Equal(S2nInterop.IanaName(info.ServerSignatureScheme), negotiated.Scheme);
        lock (namesChecked)
        {
            Assert.Contains(ClientCommonName, namesChecked); // s2n really verified our certificate
        }
    }

    [Fact]
    public async Task S2n_client_authenticates_to_our_server_that_requires_it()
    {
        using var s2nConfig = S2nInterop.ClientConfig(Pki);
        s2nConfig.SetClientAuth(S2nClientAuth.Optional);
        s2nConfig.AddCertChainAndKey(Pki.ClientChainPem, Pki.ClientKeyPem);
        var ourConfig = new TlsConfig
        {
            Certificate = CertificateKeyPair.FromPem(Pki.ServerChainPem, Pki.ServerKeyPem),
            TrustStore = TrustStore.FromPem(Pki.CaPem),
            ClientAuth = ClientAuthMode.Required,
        };

        var (ours, s2n) = await S2nInterop.RunAsync(S2nMode.Client, s2nConfig,
            ours: async (stream, ct) =>
            {
                await stream.AuthenticateAsServerAsync(ourConfig, ct);
                byte[] got = await S2nInterop.ReadExactlyAsync(stream, 5, ct);
                await stream.WriteAsync("ok"u8.ToArray(), ct);
                return (stream.ConnectionInfo!, got);
            },
            s2n: conn =>
            {
                conn.SendAll("hello"u8);
                var reply = new byte[2];
                conn.ReceiveExactly(reply);
                return (S2nNegotiated.Read(conn), reply);
            });

        var (info, got) = ours;
        var (negotiated, reply) = s2n;
        Assert.Equal("hello"u8.ToArray(), got);
        Assert.Equal("ok"u8.ToArray(), reply);
        Assert.True(negotiated.ClientCertUsed);
        Assert.Contains("CLIENT_AUTH", negotiated.HandshakeType);
        Assert.Equal(SignatureScheme.EcdsaSecp256r1Sha256, info.ClientSignatureScheme);
        using var clientLeaf = X509Certificate2.CreateFromPem(Pki.ClientChainPem);
        Assert.NotEmpty(info.PeerCertificates);
        Assert.Equal(clientLeaf.RawData, info.PeerCertificates[0]);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
    //= type=test
    //# If the client does not send any certificates (i.e., it sends an empty
    //# Certificate message), the server MAY at its discretion either
    //# continue the handshake without client authentication or abort the
    //# handshake with a "certificate_required" alert.
    [Fact]
    public async Task Our_server_rejects_an_s2n_client_without_certificate_with_certificate_required()
    {
        using var s2nConfig = S2nInterop.ClientConfig(Pki);
        s2nConfig.SetClientAuth(S2nClientAuth.Optional); // answers the request with an empty Certificate
        var ourConfig = new TlsConfig
        {
            Certificate = CertificateKeyPair.FromPem(Pki.ServerChainPem, Pki.ServerKeyPem),
            TrustStore = TrustStore.FromPem(Pki.CaPem),
            ClientAuth = ClientAuthMode.Required,
            Blinding = BlindingMode.SelfService, // the failure is expected: report the delay, do not wait it out
        };

        var (ours, s2n) = await S2nInterop.RunToCompletionAsync(S2nMode.Client, s2nConfig,
            ours: async (stream, ct) => { await stream.AuthenticateAsServerAsync(ourConfig, ct); return true; },
            s2n: conn => conn.Receive(new byte[1]));

        var error = await Assert.ThrowsAsync<TlsException>(() => ours);
        Assert.Equal(AlertDescription.CertificateRequired, error.Alert);
        Assert.False(error.AlertFromPeer);
        var s2nError = await Assert.ThrowsAsync<S2nException>(() => s2n);
        Assert.Equal(S2nErrorType.Alert, s2nError.ErrorType);
    }
}
