using Reference.Tls.Certificates;
using Xunit;

namespace Reference.Tls.Tests.Certificates;

public class TrustStoreTests
{
    [Theory]
    [InlineData(nameof(KeyKind.EcdsaP256))]
    [InlineData(nameof(KeyKind.EcdsaP384))]
    [InlineData(nameof(KeyKind.Rsa2048))]
    [InlineData(nameof(KeyKind.Ed25519))]
    public void AcceptsTheGeneratedServerChainForItsHostNames(string kindName)
    {
        GeneratedPki pki = TestPki.For(Enum.Parse<KeyKind>(kindName));
        using CertificateKeyPair server = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem);
        TrustStore trust = TrustStore.FromPem(pki.CaPem);

        trust.ValidateChain(server.ChainDer, "localhost");
        trust.ValidateChain(server.ChainDer, "LOCALHOST");
        trust.ValidateChain(server.ChainDer, "127.0.0.1");
        trust.ValidateChain(server.ChainDer, hostName: null);
        trust.ValidateChain(server.ChainDer, "localhost", DateTime.Now, CertificateGenerator.ServerAuthOid);
    }

    [Fact]
    public void AcceptsTheClientChainWithoutAHostName()
    {
        GeneratedPki pki = TestPki.For(KeyKind.Ed25519);
        using CertificateKeyPair client = CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem);

        TrustStore.FromPem(pki.CaPem).ValidateChain(client.ChainDer, null, DateTime.Now, CertificateGenerator.ClientAuthOid);
    }

    [Fact]
    public void CustomHostNameIsInTheServerCertificate()
    {
        GeneratedPki pki = CertificateGenerator.Generate(KeyKind.EcdsaP256, "s2n.example.test");
        using CertificateKeyPair server = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem);
        TrustStore trust = TrustStore.FromPem(pki.CaPem);

        trust.ValidateChain(server.ChainDer, "s2n.example.test");
        trust.ValidateChain(server.ChainDer, "localhost");
        AssertAlert(AlertDescription.BadCertificate, () => trust.ValidateChain(server.ChainDer, "example.test"));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("localhost.example")]
    [InlineData("127.0.0.2")]
    [InlineData("xlocalhost")]
    [InlineData("sub.localhost")]
    public void WrongHostNameIsBadCertificate(string hostName)
    {
        using CertificateKeyPair server = TestPki.ServerPair(KeyKind.EcdsaP256);

        TlsException e = AssertAlert(AlertDescription.BadCertificate,
            () => TrustStore.FromPem(TestPki.For(KeyKind.EcdsaP256).CaPem).ValidateChain(server.ChainDer, hostName));

        Assert.Contains(hostName, e.Message);
    }

    [Fact]
    public void InvalidHostNameIsUsageError()
    {
        using CertificateKeyPair server = TestPki.ServerPair(KeyKind.EcdsaP256);

        var e = Assert.Throws<TlsException>(
            () => TrustStore.FromPem(TestPki.For(KeyKind.EcdsaP256).CaPem).ValidateChain(server.ChainDer, "not a host"));

        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
    }

    [Fact]
    public void ChainFromAnotherCaIsUnknownCa()
    {
        using CertificateKeyPair server = TestPki.ServerPair(KeyKind.EcdsaP256);
        // Same CA names, different keys: only the signatures tell the CAs apart.
        TrustStore otherCa = TrustStore.FromPem(CertificateGenerator.Generate(KeyKind.EcdsaP256).CaPem);

        TlsException e = AssertAlert(AlertDescription.UnknownCa, () => otherCa.ValidateChain(server.ChainDer, "localhost"));

        Assert.Contains("CN=localhost", e.Message);
    }

    [Fact]
    public void LeafWithoutItsIntermediateIsUnknownCa()
    {
        using CertificateKeyPair server = TestPki.ServerPair(KeyKind.EcdsaP256);

        AssertAlert(AlertDescription.UnknownCa,
            () => TrustStore.FromPem(TestPki.For(KeyKind.EcdsaP256).CaPem).ValidateChain([server.ChainDer[0]], "localhost"));
    }

    [Fact]
    public void ExpiredLeafIsCertificateExpired()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        GeneratedPki pki = CertificateGenerator.Generate(KeyKind.EcdsaP256, "localhost", KeyKind.EcdsaP256, now.AddDays(-10), now.AddDays(-1));
        using CertificateKeyPair server = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem);

        TlsException e = AssertAlert(AlertDescription.CertificateExpired,
            () => TrustStore.FromPem(pki.CaPem).ValidateChain(server.ChainDer, "localhost"));

        Assert.Contains("NotTimeValid", e.Message);
    }

    [Fact]
    public void LeafNotYetValidIsCertificateExpired()
    {
        using CertificateKeyPair server = TestPki.ServerPair(KeyKind.EcdsaP256);

        AssertAlert(AlertDescription.CertificateExpired, () => TrustStore.FromPem(TestPki.For(KeyKind.EcdsaP256).CaPem)
            .ValidateChain(server.ChainDer, "localhost", DateTime.Now.AddDays(-1), requiredUsage: null));
    }

    [Fact]
    public void ClientCertificatePresentedAsServerIsUnsupportedCertificate()
    {
        using CertificateKeyPair client = TestPki.ClientPair(KeyKind.EcdsaP256);

        AssertAlert(AlertDescription.UnsupportedCertificate, () => TrustStore.FromPem(TestPki.For(KeyKind.EcdsaP256).CaPem)
            .ValidateChain(client.ChainDer, null, DateTime.Now, CertificateGenerator.ServerAuthOid));
    }

    [Fact]
    public void TamperedLeafSignatureIsBadCertificate()
    {
        using CertificateKeyPair server = TestPki.ServerPair(KeyKind.EcdsaP256);
        byte[] leaf = (byte[])server.ChainDer[0].Clone();
        // The signature BIT STRING ends the certificate; flip a bit inside the ECDSA s value.
        leaf[^5] ^= 0x01;

        TlsException e = AssertAlert(AlertDescription.BadCertificate, () => TrustStore.FromPem(TestPki.For(KeyKind.EcdsaP256).CaPem)
            .ValidateChain([leaf, server.ChainDer[1]], "localhost"));

        Assert.Contains("NotSignatureValid", e.Message);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x30 })]
    [InlineData(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x00 })]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })]
    public void GarbageDerIsBadCertificate(byte[] garbage)
    {
        using CertificateKeyPair server = TestPki.ServerPair(KeyKind.EcdsaP256);
        TrustStore trust = TrustStore.FromPem(TestPki.For(KeyKind.EcdsaP256).CaPem);

        AssertAlert(AlertDescription.BadCertificate, () => trust.ValidateChain([garbage], "localhost"));
        AssertAlert(AlertDescription.BadCertificate, () => trust.ValidateChain([server.ChainDer[0], garbage], "localhost"));
    }

    [Fact]
    public void TruncatedCertificatesAreAlwaysBadCertificate()
    {
        using CertificateKeyPair server = TestPki.ServerPair(KeyKind.EcdsaP256);
        TrustStore trust = TrustStore.FromPem(TestPki.For(KeyKind.EcdsaP256).CaPem);
        byte[] leaf = server.ChainDer[0];

        for (int length = 0; length < leaf.Length; length += 7)
        {
            AssertAlert(AlertDescription.BadCertificate, () => trust.ValidateChain([leaf[..length]], "localhost"));
        }
    }

    [Fact]
    public void EmptyChainIsBadCertificate() =>
        AssertAlert(AlertDescription.BadCertificate,
            () => TrustStore.FromPem(TestPki.For(KeyKind.EcdsaP256).CaPem).ValidateChain([], "localhost"));

    [Theory]
    [InlineData("")]
    [InlineData("not pem at all")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")]
    public void FromPemWithoutACertificateIsUsageError(string pem)
    {
        var e = Assert.Throws<TlsException>(() => TrustStore.FromPem(pem));

        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
    }

    [Fact]
    public void FromPemFileReadsTheFileAndReportsAMissingOne()
    {
        string dir = Directory.CreateTempSubdirectory("reference-certs-").FullName;
        try
        {
            TestPki.For(KeyKind.EcdsaP256).WriteTo(dir);
            using CertificateKeyPair server = CertificateKeyPair.FromPemFiles(
                Path.Combine(dir, "server-chain.pem"), Path.Combine(dir, "server-key.pem"));

            TrustStore.FromPemFile(Path.Combine(dir, "ca-certificate.pem")).ValidateChain(server.ChainDer, "localhost");
            var e = Assert.Throws<TlsException>(() => TrustStore.FromPemFile(Path.Combine(dir, "missing.pem")));
            Assert.Equal(TlsErrorType.Usage, e.ErrorType);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static TlsException AssertAlert(AlertDescription alert, Action validate)
    {
        var e = Assert.Throws<TlsException>(validate);
        Assert.Equal(TlsErrorType.Protocol, e.ErrorType);
        Assert.Equal(alert, e.Alert);
        return e;
    }
}
