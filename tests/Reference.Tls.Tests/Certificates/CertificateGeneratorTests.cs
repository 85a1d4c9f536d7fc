using System.Net;
using System.Security.Cryptography.X509Certificates;
using Reference.Tls.Certificates;
using Xunit;

namespace Reference.Tls.Tests.Certificates;

public class CertificateGeneratorTests
{
    [Fact]
    public void ServerLeafHasHostNamesServerAuthAndTwoDaysOfValidity()
    {
        DateTime before = DateTime.UtcNow;
        GeneratedPki pki = CertificateGenerator.Generate(KeyKind.EcdsaP256, "demo.test");
        using X509Certificate2 leaf = X509Certificate2.CreateFromPem(pki.ServerChainPem);

        Assert.True(leaf.MatchesHostname("demo.test"));
        Assert.True(leaf.MatchesHostname("localhost"));
        Assert.True(leaf.MatchesHostname("127.0.0.1"));
        Assert.Contains(IPAddress.Loopback, leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses());
        Assert.Equal([CertificateGenerator.ServerAuthOid], Usages(leaf));
        Assert.InRange(leaf.NotBefore.ToUniversalTime(), before.AddHours(-1).AddMinutes(-1), before.AddHours(-1).AddMinutes(1));
        Assert.InRange(leaf.NotAfter.ToUniversalTime(), before.AddDays(2).AddMinutes(-1), before.AddDays(2).AddMinutes(1));
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
    }

    [Fact]
    public void ClientLeafHasClientAuthAndNoServerNames()
    {
        GeneratedPki pki = CertificateGenerator.Generate(KeyKind.EcdsaP256, clientKind: KeyKind.Ed25519);
        using X509Certificate2 leaf = X509Certificate2.CreateFromPem(pki.ClientChainPem);

        Assert.Equal([CertificateGenerator.ClientAuthOid], Usages(leaf));
        Assert.Empty(leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(PublicKeys.Ed25519Oid, leaf.PublicKey.Oid.Value);
    }

    [Fact]
    public void EveryCallMakesFreshKeys()
    {
        GeneratedPki a = CertificateGenerator.Generate(KeyKind.EcdsaP256);
        GeneratedPki b = CertificateGenerator.Generate(KeyKind.EcdsaP256);

        Assert.NotEqual(a.CaPem, b.CaPem);
        Assert.NotEqual(a.ServerKeyPem, b.ServerKeyPem);
    }

    [Fact]
    public void WriteToUsesTheS2nInteropRunnerFileNames()
    {
        GeneratedPki pki = TestPki.For(KeyKind.EcdsaP256);
        string dir = Directory.CreateTempSubdirectory("reference-pki-").FullName;
        try
        {
            pki.WriteTo(dir);

            Assert.Equal(
                ["ca-certificate.pem", "client-certificate.pem", "client-key.pem", "server-chain.pem", "server-key.pem"],
                Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Equal(pki.ServerChainPem, File.ReadAllText(Path.Combine(dir, "server-chain.pem")));
            Assert.Equal(pki.ClientKeyPem, File.ReadAllText(Path.Combine(dir, "client-key.pem")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// OpenSSL 3 (the library C s2n-tls and openssl s_server use) accepts the files: the chains verify against
    /// the CA with the intermediate as untrusted, and each PKCS#8 key loads and matches its leaf.
    /// </summary>
    [Theory]
    [InlineData(nameof(KeyKind.EcdsaP256))]
    [InlineData(nameof(KeyKind.EcdsaP384))]
    [InlineData(nameof(KeyKind.Rsa2048))]
    [InlineData(nameof(KeyKind.Ed25519))]
    public void OpenSslVerifiesTheChainsAndLoadsTheKeys(string kindName)
    {
        GeneratedPki pki = TestPki.For(Enum.Parse<KeyKind>(kindName));
        string dir = Directory.CreateTempSubdirectory("reference-pki-").FullName;
        try
        {
            pki.WriteTo(dir);
            foreach ((string chain, string key, string purpose) in new[]
            {
                ("server-chain.pem", "server-key.pem", "sslserver"),
                ("client-certificate.pem", "client-key.pem", "sslclient"),
            })
            {
                string[] certificates = SplitPem(File.ReadAllText(Path.Combine(dir, chain)));
                Assert.Equal(2, certificates.Length);
                File.WriteAllText(Path.Combine(dir, "leaf.pem"), certificates[0]);
                File.WriteAllText(Path.Combine(dir, "intermediate.pem"), certificates[1]);

                string verified = TestPki.OpenSsl(dir, "verify", "-purpose", purpose, "-CAfile", "ca-certificate.pem", "-untrusted", "intermediate.pem", "leaf.pem");
                Assert.Equal("leaf.pem: OK", verified.Trim());
                string leafKey = TestPki.OpenSsl(dir, "x509", "-in", "leaf.pem", "-noout", "-pubkey");
                string privateKeysPublicKey = TestPki.OpenSsl(dir, "pkey", "-in", key, "-pubout");
                Assert.Equal(leafKey, privateKeysPublicKey);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string[] SplitPem(string pem) =>
        pem.Split("-----END CERTIFICATE-----", StringSplitOptions.RemoveEmptyEntries)
            .Where(part => part.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            .Select(part => part.Trim() + "\n-----END CERTIFICATE-----\n")
            .ToArray();

    private static string[] Usages(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages
            .Cast<System.Security.Cryptography.Oid>().Select(o => o.Value!).ToArray();
}
