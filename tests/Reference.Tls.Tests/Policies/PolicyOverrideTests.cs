using Reference.Tls.Handshake.Messages;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Wire;

namespace Reference.Tls.Tests.Policies;

/// <summary>
/// A <c>with</c> override of a policy configuration's lists takes effect or is refused, never silently ignored:
/// cipher suites narrow (and may reorder) the policy's TLS 1.3 suites; groups and signature schemes are sent as set.
/// </summary>
public class PolicyOverrideTests
{
    [Fact]
    public void Narrowing_a_policys_cipher_suites_narrows_what_the_client_offers_and_accepts()
    {
        using var pair = Pair(c => c with { CipherSuites = [CipherSuite.TlsChacha20Poly1305Sha256] });
        var offered = OfferedHello(pair).CipherSuites;
        Assert.DoesNotContain((ushort)0x1301, offered);
        Assert.DoesNotContain((ushort)0x1302, offered);
        Assert.Contains((ushort)0x1303, offered);
        Assert.Contains((ushort)0xc02b, offered); // the policy's TLS 1.2 suites stay, as s2n sends them
        pair.Pump();
        Assert.Equal(CipherSuite.TlsChacha20Poly1305Sha256, pair.Client.Info!.CipherSuite);
    }

    [Fact]
    public void Reordering_a_policys_cipher_suites_reorders_them_in_the_policys_slots()
    {
        using var pair = Pair(c => c with { CipherSuites = [CipherSuite.TlsChacha20Poly1305Sha256, CipherSuite.TlsAes128GcmSha256] });
        var offered = OfferedHello(pair).CipherSuites;
        // default_tls13 lists 1301 1302 1303 then its TLS 1.2 suites: the first two slots now hold ours, in our order.
        Assert.Equal([0x1303, 0x1301, 0xc02b], offered.Take(3).Select(c => (int)c));
        Assert.DoesNotContain((ushort)0x1302, offered);
    }

    [Fact]
    public void A_policy_config_keeps_the_policys_exact_cipher_suite_list_when_not_overridden()
    {
        using var pair = Pair(c => c);
        var policy = SecurityPolicies.Get("default_tls13");
        Assert.Equal([.. policy.WireCipherSuites, 0x00FF], OfferedHello(pair).CipherSuites);
    }

    [Theory]
    [InlineData(TlsRole.Client)]
    [InlineData(TlsRole.Server)]
    public void A_cipher_suite_outside_the_policy_is_refused_with_a_usage_error(TlsRole role)
    {
        // 20230317 has no ChaCha20-Poly1305: it could not be offered, so it must not be dropped without a word.
        var (c, s) = InMemoryPair.Configs();
        var policy = TlsConfig.FromPolicy("20230317") with { CipherSuites = [CipherSuite.TlsChacha20Poly1305Sha256] };
        var e = Assert.Throws<TlsException>(() => role == TlsRole.Client
            ? TlsConnection.CreateClient(policy with { TrustStore = c.TrustStore }, "localhost")
            : TlsConnection.CreateServer(policy with { Certificate = s.Certificate }));
        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
        Assert.Contains("20230317", e.Message);
        Assert.Contains("TlsChacha20Poly1305Sha256", e.Message);
    }

    [Fact]
    public void Narrowing_a_policys_groups_takes_effect()
    {
        using var pair = Pair(c => c with { Groups = [NamedGroup.Secp384r1] });
        var hello = OfferedHello(pair);
        Assert.Equal([(ushort)NamedGroup.Secp384r1], U16List(hello, ExtensionType.SupportedGroups));
        pair.Pump();
        Assert.Equal(NamedGroup.Secp384r1, pair.Client.Info!.Group);
    }

    [Fact]
    public void Narrowing_a_policys_signature_schemes_takes_effect()
    {
        using var pair = Pair(c => c with { SignatureSchemes = [SignatureScheme.EcdsaSecp256r1Sha256] });
        Assert.Equal([(ushort)SignatureScheme.EcdsaSecp256r1Sha256], U16List(OfferedHello(pair), ExtensionType.SignatureAlgorithms));
        pair.Pump();
        Assert.Equal(SignatureScheme.EcdsaSecp256r1Sha256, pair.Client.Info!.ServerSignatureScheme);
    }

    private static InMemoryPair Pair(Func<TlsConfig, TlsConfig> overrideClient)
    {
        var (c, s) = InMemoryPair.Configs(client: c => overrideClient(TlsConfig.FromPolicy("default_tls13") with { TrustStore = c.TrustStore }));
        return new InMemoryPair(c, s);
    }

    private static ClientHello OfferedHello(InMemoryPair pair) => ClientHello.Parse(pair.Client.PendingOutput[9..]);

    private static List<ushort> U16List(ClientHello hello, ExtensionType type)
    {
        var r = new TlsReader(hello.Extensions.Single(e => e.Type == type).Data);
        var list = r.Sub16();
        var values = new List<ushort>();
        while (!list.IsEmpty)
        {
            values.Add(list.ReadU16());
        }

        return values;
    }
}
