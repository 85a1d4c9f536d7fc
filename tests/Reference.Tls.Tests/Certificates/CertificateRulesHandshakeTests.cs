using Reference.Tls.Certificates;
using Reference.Tls.Tests.Connection;
using Xunit;

namespace Reference.Tls.Tests.Certificates;

/// <summary>The certificate signature rule inside a handshake: the chain must use schemes the receiver advertised.</summary>
public sealed class CertificateRulesHandshakeTests
{
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# If no "signature_algorithms_cert" extension is
    //# present, then the "signature_algorithms" extension also applies to
    //# signatures appearing in certificates.
    [Fact]
    public void A_client_refuses_a_chain_signed_with_a_scheme_it_did_not_advertise()
    {
        // An RSA leaf under ECDSA P-256 CAs (ecdsa-with-SHA256): the server can sign CertificateVerify with
        // rsa_pss_rsae_sha256, but the chain's own signatures are ecdsa_secp256r1_sha256.
        var (client, server) = InMemoryPair.Configs(KeyKind.Rsa2048,
            client: c => c with { SignatureSchemes = [SignatureScheme.RsaPssRsaeSha256], Blinding = BlindingMode.SelfService });
        using var pair = new InMemoryPair(client, server);
        var e = Assert.Throws<TlsException>(() => pair.Pump());
        Assert.Equal((TlsErrorType.Protocol, AlertDescription.UnsupportedCertificate), (e.ErrorType, e.Alert));
        Assert.False(pair.Client.IsHandshakeComplete);

        var (accepting, server2) = InMemoryPair.Configs(KeyKind.Rsa2048,
            client: c => c with { SignatureSchemes = [SignatureScheme.RsaPssRsaeSha256, SignatureScheme.EcdsaSecp256r1Sha256] });
        using var good = new InMemoryPair(accepting, server2);
        good.Pump();
        Assert.True(good.Client.IsHandshakeComplete);
    }
}
