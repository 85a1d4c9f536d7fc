using Reference.Tls.Crypto;
using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.Crypto;

/// <summary>A handshake generates one key pair per key_share entry it sends, and none twice.</summary>
public class KeyGenerationCountTests
{
    private static int KeysGeneratedBy(InMemoryPair pair)
    {
        int before = KeyShare.GeneratedOnThisThread;
        pair.Pump();
        return KeyShare.GeneratedOnThisThread - before;
    }

    [Fact]
    public void A_full_handshake_generates_one_key_on_each_side()
    {
        int before = KeyShare.GeneratedOnThisThread;
        var (c, s) = InMemoryPair.Configs(client: c => new TlsConfig { TrustStore = c.TrustStore, Groups = [NamedGroup.X25519, NamedGroup.Secp256r1] });
        using var pair = new InMemoryPair(c, s);
        int atCreate = KeyShare.GeneratedOnThisThread - before;
        int duringHandshake = KeysGeneratedBy(pair);

        // The client offers one share (its first group) when it is created; the server answers it with one.
        Assert.Equal(1, atCreate);
        Assert.Equal(1, duringHandshake);
        Assert.Equal(NamedGroup.X25519, pair.Server.Info!.Group);
    }

    [Fact]
    public void A_hello_retry_generates_only_the_requested_share_in_addition()
    {
        int before = KeyShare.GeneratedOnThisThread;
        var (c, s) = InMemoryPair.Configs(
            client: c => new TlsConfig { TrustStore = c.TrustStore, Groups = [NamedGroup.X25519, NamedGroup.Secp256r1] },
            server: s => new TlsConfig { Certificate = s.Certificate, Groups = [NamedGroup.Secp256r1] });
        using var pair = new InMemoryPair(c, s);
        int atCreate = KeyShare.GeneratedOnThisThread - before;
        int duringHandshake = KeysGeneratedBy(pair);

        // x25519 in ClientHello1; then secp256r1 in ClientHello2 and the server's secp256r1 answer: three, not more.
        Assert.True(pair.Client.Info!.HelloRetryRequest);
        Assert.Equal(1, atCreate);
        Assert.Equal(2, duringHandshake);
    }
}
