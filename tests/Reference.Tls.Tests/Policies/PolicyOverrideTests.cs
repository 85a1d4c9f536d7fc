using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.Policies;

public class PolicyOverrideTests
{
    [Fact]
    public void Narrowing_a_policys_cipher_suites_narrows_what_the_client_offers_and_accepts()
    {
        var (c, s) = InMemoryPair.Configs(client: c => TlsConfig.FromPolicy("default_tls13") with
        {
            TrustStore = c.TrustStore,
            CipherSuites = [CipherSuite.TlsChacha20Poly1305Sha256],
        });
        using var pair = new InMemoryPair(c, s);
        var offered = Reference.Tls.Handshake.Messages.ClientHello.Parse(pair.Client.PendingOutput[9..]).CipherSuites;
        Assert.DoesNotContain((ushort)0x1301, offered);
        Assert.DoesNotContain((ushort)0x1302, offered);
        Assert.Contains((ushort)0x1303, offered);
        Assert.Contains((ushort)0xc02b, offered); // the policy's TLS 1.2 suites stay, as s2n sends them
        pair.Pump();
        Assert.Equal(CipherSuite.TlsChacha20Poly1305Sha256, pair.Client.Info!.CipherSuite);
    }
}
