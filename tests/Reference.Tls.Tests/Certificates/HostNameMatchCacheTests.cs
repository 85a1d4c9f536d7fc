using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.Certificates;

/// <summary>CertificateKeyPair remembers host-name answers: repeated and many distinct names get the leaf's answer.</summary>
public class HostNameMatchCacheTests
{
    [Fact]
    public void Remembered_answers_match_the_leaf_for_exact_wildcard_and_unknown_names()
    {
        var pki = CertificateGenerator.Generate(KeyKind.EcdsaP256, "*.example.test");
        using var pair = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem);

        for (int round = 0; round < 2; round++)
        {
            Assert.True(pair.MatchesHostName("www.example.test"));
            Assert.False(pair.MatchesHostName("www.example.test", allowWildcards: false));
            Assert.False(pair.MatchesHostName("example.test"));
            Assert.False(pair.MatchesHostName("a.b.example.test"));
        }
    }

    [Fact]
    public void Answers_stay_right_past_the_bound_of_remembered_names()
    {
        var pki = CertificateGenerator.Generate(KeyKind.EcdsaP256, "localhost");
        using var pair = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem);

        for (int i = 0; i < 200; i++)
        {
            Assert.False(pair.MatchesHostName($"host{i}.invalid"));
        }

        Assert.True(pair.MatchesHostName("localhost"));
        Assert.True(pair.MatchesHostName("localhost"));
    }
}
