using Reference.Tls.Certificates;
using Reference.S2n;
using Reference.Tls.Tests.Interop;
using static Reference.Tls.Tests.Certificates.SelectionPki;

namespace Reference.Tls.Tests.Certificates;

/// <summary>
/// Chain selection against C s2n-tls. No s2n TLS 1.3 policy offers only RSA or only ECDSA, but "rfc9151" offers
/// ECDSA only on P-384 (ecdsa_secp384r1_sha384) besides RSA SHA-384, so a P-256 key cannot sign for it while an
/// RSA key can; "20190801" offers both. Every certificate here is under the P-384 root signing ecdsa-with-SHA384
/// and the RSA key is 3072 bits, which rfc9151's certificate rules accept.
/// </summary>
public sealed class CertificateSelectionS2nTests
{
    private static readonly byte[] Ping = "ping"u8.ToArray();

    private static Leaf EcdsaP256 => Issue(KeyKind.EcdsaP256, Root.Ecdsa);

    private static Leaf Rsa3072 => Issue(KeyKind.Rsa2048, Root.Ecdsa, keyBits: 3072);

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
    //= type=test
    //# -  The server's end-entity certificate's public key (and associated
    //# restrictions) MUST be compatible with the selected authentication
    //# algorithm from the client's "signature_algorithms" extension (currently
    //# RSA, ECDSA, or EdDSA).
    [Theory]
    [InlineData("20190801", SignatureScheme.EcdsaSecp256r1Sha256)]
    [InlineData("rfc9151", SignatureScheme.RsaPssRsaeSha384)]
    public async Task An_s2n_client_gets_the_chain_its_policy_can_take(string policy, SignatureScheme expected)
    {
        using var s2nConfig = new S2nConfig();
        s2nConfig.SetSecurityPolicy(policy);
        s2nConfig.WipeTrustStore();
        s2nConfig.AddTrustedPem(EcdsaRoot.ExportCertificatePem() + "\n");
        var ourConfig = new TlsConfig { Certificates = [EcdsaP256.Pair(), Rsa3072.Pair()] };

        var (ours, s2n) = await S2nInterop.RunAsync(S2nMode.Client, s2nConfig,
            ours: async (stream, ct) =>
            {
                await stream.AuthenticateAsServerAsync(ourConfig, ct);
                Assert.Equal(Ping, await S2nInterop.ReadExactlyAsync(stream, Ping.Length, ct));
                await stream.ShutdownAsync(ct);
                Assert.Equal(0, await stream.ReadAsync(new byte[1], ct));
                return stream.ConnectionInfo!;
            },
            s2n: c =>
            {
                c.SendAll(Ping);
                int afterClose = c.Receive(new byte[1]);
                c.Shutdown();
                return (c.SignatureScheme, afterClose);
            });

        Assert.Equal(expected, ours.ServerSignatureScheme);
        Assert.Equal(S2nInterop.IanaName(expected), s2n.SignatureScheme); // s2n verified that chain's CertificateVerify
        Assert.Equal(0, s2n.afterClose);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.3
    //= type=test
    //# -  The certificates MUST be signed using an acceptable signature
    //# algorithm, as described in Section 4.3.2.
    [Fact]
    public async Task Our_client_answers_an_s2n_rfc9151_certificate_request_with_the_chain_it_can_sign_for()
    {
        using var s2nConfig = new S2nConfig();
        s2nConfig.SetSecurityPolicy("rfc9151");
        Leaf serverLeaf = Issue(KeyKind.EcdsaP384, Root.Ecdsa);
        s2nConfig.AddCertChainAndKey(serverLeaf.ChainPem, serverLeaf.KeyPem);
        s2nConfig.SetClientAuth(S2nClientAuth.Required);
        s2nConfig.WipeTrustStore();
        s2nConfig.AddTrustedPem(EcdsaRoot.ExportCertificatePem() + "\n");
        s2nConfig.SetVerifyHost(name => name == "localhost");
        var ourConfig = new TlsConfig { TrustStore = OnlyRoot(Root.Ecdsa), Certificates = [EcdsaP256.Pair(), Rsa3072.Pair()] };

        var (ours, s2n) = await S2nInterop.RunAsync(S2nMode.Server, s2nConfig,
            ours: async (stream, ct) =>
            {
                await stream.AuthenticateAsClientAsync(ourConfig, S2nInterop.ServerName, ct);
                await stream.WriteAsync(Ping, ct);
                await stream.ShutdownAsync(ct);
                Assert.Equal(0, await stream.ReadAsync(new byte[1], ct));
                return stream.ConnectionInfo!;
            },
            s2n: c =>
            {
                var got = new byte[Ping.Length];
                c.ReceiveExactly(got);
                c.Shutdown();
                return (c.ClientCertUsed, got);
            });

        Assert.True(s2n.ClientCertUsed);
        Assert.Equal(Ping, s2n.got);
        Assert.Equal(SignatureScheme.RsaPssRsaeSha384, ours.ClientSignatureScheme);
    }
}
