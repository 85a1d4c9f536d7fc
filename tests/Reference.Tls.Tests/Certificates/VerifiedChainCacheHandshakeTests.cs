using Reference.Tls.Certificates;
using Reference.Tls.Tests.Connection;
using Xunit;

namespace Reference.Tls.Tests.Certificates;

/// <summary>The verified-chain cache inside handshakes: one validation per chain, and the per-handshake checks kept.</summary>
public sealed class VerifiedChainCacheHandshakeTests
{
    [Fact]
    public void Handshakes_sharing_a_trust_store_validate_the_chain_once_and_still_check_the_server_name()
    {
        var (client, server) = InMemoryPair.Configs(client: c => c with { Blinding = BlindingMode.SelfService });
        for (int i = 0; i < 3; i++)
        {
            using var pair = new InMemoryPair(client, server);
            pair.Pump();
            Assert.True(pair.Client.IsHandshakeComplete);
        }

        Assert.Equal(1, client.TrustStore!.VerifiedChainCount);

        using var other = new InMemoryPair(client, server, "example.com");
        var e = Assert.Throws<TlsException>(() => other.Pump());
        Assert.Equal((TlsErrorType.Protocol, AlertDescription.BadCertificate), (e.ErrorType, e.Alert));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# If no "signature_algorithms_cert" extension is
    //# present, then the "signature_algorithms" extension also applies to
    //# signatures appearing in certificates.
    [Fact]
    public void A_cached_chain_is_still_refused_by_a_client_that_did_not_advertise_its_signature_algorithm()
    {
        // An RSA leaf under ECDSA P-256 CAs: cached by a client that advertises ecdsa_secp256r1_sha256, then
        // received by one that does not, through the same trust store.
        var (accepting, server) = InMemoryPair.Configs(KeyKind.Rsa2048,
            client: c => c with { SignatureSchemes = [SignatureScheme.RsaPssRsaeSha256, SignatureScheme.EcdsaSecp256r1Sha256] });
        using (var good = new InMemoryPair(accepting, server))
        {
            good.Pump();
            Assert.True(good.Client.IsHandshakeComplete);
        }

        Assert.Equal(1, accepting.TrustStore!.VerifiedChainCount);
        TlsConfig refusing = accepting with { SignatureSchemes = [SignatureScheme.RsaPssRsaeSha256], Blinding = BlindingMode.SelfService };
        using var pair = new InMemoryPair(refusing, server);
        var e = Assert.Throws<TlsException>(() => pair.Pump());
        Assert.Equal((TlsErrorType.Protocol, AlertDescription.UnsupportedCertificate), (e.ErrorType, e.Alert));
        Assert.False(pair.Client.IsHandshakeComplete);
    }
}
