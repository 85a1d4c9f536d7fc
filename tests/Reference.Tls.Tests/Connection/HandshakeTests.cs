using System.Text;
using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.Connection;

public class HandshakeTests
{
    public static TheoryData<CipherSuite, NamedGroup, int> Matrix()
    {
        var data = new TheoryData<CipherSuite, NamedGroup, int>();
        foreach (var suite in Enum.GetValues<CipherSuite>())
        {
            foreach (var group in new[] { NamedGroup.X25519, NamedGroup.Secp256r1, NamedGroup.Secp384r1 })
            {
                foreach (var kind in new[] { KeyKind.EcdsaP256, KeyKind.Rsa2048, KeyKind.Ed25519, KeyKind.EcdsaP384 })
                {
                    data.Add(suite, group, (int)kind);
                }
            }
        }

        return data;
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.1
    //= type=test
    //# A TLS-compliant application MUST implement the TLS_AES_128_GCM_SHA256
    //# [GCM] cipher suite and SHOULD implement the TLS_AES_256_GCM_SHA384
    //# [GCM] and TLS_CHACHA20_POLY1305_SHA256 [RFC8439] cipher suites (see
    //# Appendix B.4).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.1
    //= type=test
    //# A
    //# TLS-compliant application MUST support key exchange with secp256r1
    //# (NIST P-256) and SHOULD support key exchange with X25519 [RFC7748].
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.1
    //= type=test
    //# A TLS-compliant application MUST support digital signatures with
    //# rsa_pkcs1_sha256 (for certificates), rsa_pss_rsae_sha256 (for
    //# CertificateVerify and certificates), and ecdsa_secp256r1_sha256.
    [Theory]
    [MemberData(nameof(Matrix))]
    public void Ours_to_ours_handshake_and_data(CipherSuite suite, NamedGroup group, int kind)
    {
        var (c, s) = InMemoryPair.Configs((KeyKind)kind,
            client: c => new TlsConfig { TrustStore = c.TrustStore, CipherSuites = [suite], Groups = [group] });
        using var pair = new InMemoryPair(c, s);
        pair.Pump();

        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.Equal(suite, pair.Client.Info!.CipherSuite);
        Assert.Equal(group, pair.Server.Info!.Group);
        Assert.Equal(pair.Client.Info.ServerSignatureScheme, pair.Server.Info.ServerSignatureScheme);

        pair.Client.WriteApplicationData(Encoding.ASCII.GetBytes("ping"));
        pair.Pump();
        var buffer = new byte[16];
        int n = pair.Server.ReadApplicationData(buffer);
        Assert.Equal("ping", Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public void Server_sends_hello_retry_when_client_share_is_not_acceptable()
    {
        var (c, s) = InMemoryPair.Configs(
            client: c => new TlsConfig { TrustStore = c.TrustStore, Groups = [NamedGroup.X25519, NamedGroup.Secp384r1] },
            server: s => new TlsConfig { Certificate = s.Certificate, Groups = [NamedGroup.Secp384r1] });
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        Assert.True(pair.Client.Info!.HelloRetryRequest);
        Assert.True(pair.Server.Info!.HelloRetryRequest);
        Assert.Equal(NamedGroup.Secp384r1, pair.Client.Info.Group);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# The server sends extension requests in the CertificateRequest message
    //# which a client MAY respond to with a Certificate message.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# If the server requests client authentication but no suitable certificate
    //# is available, the client MUST send a Certificate message containing no
    //# certificates (i.e., with the "certificate_list" field having length 0).
    [Theory]
    [InlineData(ClientAuthMode.Required, true)]
    [InlineData(ClientAuthMode.Optional, true)]
    [InlineData(ClientAuthMode.Optional, false)]
    public void Mutual_tls(ClientAuthMode mode, bool clientHasCertificate)
    {
        var pki = InMemoryPair.Pki(KeyKind.EcdsaP256);
        var (c, s) = InMemoryPair.Configs(
            client: c => new TlsConfig { TrustStore = c.TrustStore, Certificate = clientHasCertificate ? CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem) : null },
            server: s => new TlsConfig { Certificate = s.Certificate, TrustStore = s.TrustStore, ClientAuth = mode });
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.Equal(clientHasCertificate, pair.Server.Info!.PeerCertificates.Count > 0);
    }

    [Fact]
    public void Required_client_auth_without_certificate_fails_with_certificate_required()
    {
        var (c, s) = InMemoryPair.Configs(server: s => new TlsConfig { Certificate = s.Certificate, TrustStore = s.TrustStore, ClientAuth = ClientAuthMode.Required });
        using var pair = new InMemoryPair(c, s);
        var e = Assert.Throws<TlsException>(() => pair.Pump());
        Assert.Equal(AlertDescription.CertificateRequired, e.Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //= type=test
    //# After sending a KeyUpdate message, the sender SHALL send all its traffic
    //# using the next generation of keys, computed as described in Section 7.2.
    [Fact]
    public void Key_update_both_ways_keeps_data_flowing()
    {
        var (c, s) = InMemoryPair.Configs();
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        pair.Client.UpdateKeys(requestPeerUpdate: true);
        pair.Client.WriteApplicationData([1, 2, 3]);
        pair.Pump();
        pair.Server.WriteApplicationData([4, 5]);
        pair.Pump();
        Assert.Equal((1, 1), pair.Server.KeyUpdateCounts);
        Assert.Equal((1, 1), pair.Client.KeyUpdateCounts);
        var buffer = new byte[8];
        Assert.Equal(2, pair.Client.ReadApplicationData(buffer));
        Assert.Equal(3, pair.Server.ReadApplicationData(buffer));
    }
}
