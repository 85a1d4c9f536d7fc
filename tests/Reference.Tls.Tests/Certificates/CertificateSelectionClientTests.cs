using Reference.Tls.Certificates;
using Reference.Tls.Tests.Connection;
using static Reference.Tls.Tests.Certificates.SelectionPki;

namespace Reference.Tls.Tests.Certificates;

/// <summary>A client with several chains answers a CertificateRequest with the one that suits it (RFC 8446 §4.4.2.3).</summary>
public sealed class CertificateSelectionClientTests
{
    private static readonly SignatureScheme[] OnlyRsaPss = [SignatureScheme.RsaPssRsaeSha256, SignatureScheme.RsaPssRsaeSha384];

    private static Leaf EcdsaLeaf => Issue(KeyKind.EcdsaP256, Root.Ecdsa);

    private static Leaf RsaLeaf => Issue(KeyKind.Rsa2048, Root.Rsa);

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# If sent by a client, the signature algorithm used in the signature
    //# MUST be one of those present in the supported_signature_algorithms
    //# field of the "signature_algorithms" extension in the
    //# CertificateRequest message.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_client_sends_the_chain_whose_key_signs_a_scheme_the_request_lists(bool serverAcceptsOnlyRsa)
    {
        var server = new TlsConfig
        {
            Certificate = RsaLeaf.Pair(), TrustStore = BothRoots(), ClientAuth = ClientAuthMode.Required,
            SignatureSchemes = serverAcceptsOnlyRsa ? OnlyRsaPss : new TlsConfig().SignatureSchemes,
        };
        var client = new TlsConfig { TrustStore = BothRoots(), Certificates = [EcdsaLeaf.Pair(), RsaLeaf.Pair()] };
        using var pair = new InMemoryPair(client, server);
        pair.Pump();

        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.Equal(serverAcceptsOnlyRsa ? RsaLeaf.Der : EcdsaLeaf.Der, pair.Server.Info!.PeerCertificates[0]);
        Assert.Equal(serverAcceptsOnlyRsa ? SignatureScheme.RsaPssRsaeSha256 : SignatureScheme.EcdsaSecp256r1Sha256, pair.Server.Info.ClientSignatureScheme);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.3
    //= type=test
    //# -  If the "certificate_authorities" extension in the CertificateRequest
    //# message was present, at least one of the certificates in the certificate
    //# chain SHOULD be issued by one of the listed CAs.
    //
    // The choice can only follow the list if our server sent it (SendCertificateAuthorities).
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.4
    //= type=test
    //# The server MAY send it in the CertificateRequest message.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Certificate_authorities_in_the_request_steer_the_client_choice(bool listRsaRoot)
    {
        Root listed = listRsaRoot ? Root.Rsa : Root.Ecdsa;
        Leaf ecdsaUnderRsa = Issue(KeyKind.EcdsaP256, Root.Rsa);
        var server = new TlsConfig
        {
            Certificate = EcdsaLeaf.Pair(), TrustStore = OnlyRoot(listed), ClientAuth = ClientAuthMode.Required, SendCertificateAuthorities = true,
        };
        var client = new TlsConfig { TrustStore = BothRoots(), Certificates = [EcdsaLeaf.Pair(), ecdsaUnderRsa.Pair()] };
        using var pair = new InMemoryPair(client, server);
        pair.Pump();

        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.Equal(listed == Root.Rsa ? ecdsaUnderRsa.Der : EcdsaLeaf.Der, pair.Server.Info!.PeerCertificates[0]);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.3
    //= type=test
    //# -  The certificates MUST be signed using an acceptable signature
    //# algorithm, as described in Section 4.3.2.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# If the server requests client authentication but no
    //# suitable certificate is available, the client MUST send a Certificate
    //# message containing no certificates (i.e., with the "certificate_list"
    //# field having length 0).
    [Fact]
    public void A_client_whose_chains_are_all_signed_with_unlisted_algorithms_sends_an_empty_certificate()
    {
        // Its key is RSA (it could sign rsa_pss_rsae_sha256), but its certificate is signed ecdsa-with-SHA384.
        Leaf rsaUnderEcdsa = Issue(KeyKind.Rsa2048, Root.Ecdsa);
        var client = new TlsConfig { TrustStore = BothRoots(), Certificates = [EcdsaLeaf.Pair(), rsaUnderEcdsa.Pair()], Blinding = BlindingMode.SelfService };
        TlsConfig Server(ClientAuthMode mode) => new()
        {
            Certificate = RsaLeaf.Pair(), TrustStore = BothRoots(), ClientAuth = mode, SignatureSchemes = OnlyRsaPss, Blinding = BlindingMode.SelfService,
        };

        using (var optional = new InMemoryPair(client, Server(ClientAuthMode.Optional)))
        {
            optional.Pump();
            Assert.True(optional.Server.IsHandshakeComplete);
            Assert.Empty(optional.Server.Info!.PeerCertificates);
            Assert.Null(optional.Client.Info!.ClientSignatureScheme);
        }

        using var required = new InMemoryPair(client, Server(ClientAuthMode.Required));
        var e = Assert.Throws<TlsException>(() => required.Pump());
        Assert.Equal(AlertDescription.CertificateRequired, e.Alert);
    }
}
