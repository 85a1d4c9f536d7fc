using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Reference.Tls.Certificates;
using Xunit;

namespace Reference.Tls.Tests.Certificates;

public class CertificateKeyPairTests
{
    [Fact]
    public void ChainIsLeafFirstAsInThePem()
    {
        using CertificateKeyPair pair = TestPki.ServerPair(KeyKind.EcdsaP256);

        Assert.Equal(2, pair.ChainDer.Count);
        using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(pair.ChainDer[0]);
        using X509Certificate2 intermediate = X509CertificateLoader.LoadCertificate(pair.ChainDer[1]);
        Assert.Equal("CN=localhost, O=Reference Test", leaf.Subject);
        Assert.Equal(intermediate.Subject, leaf.Issuer);
    }

    [Fact]
    public void LoadsTraditionalEcPrivateKeyPemAfterEcParameters()
    {
        GeneratedPki pki = TestPki.For(KeyKind.EcdsaP384);
        using ECDsa key = ECDsa.Create();
        key.ImportFromPem(pki.ServerKeyPem);
        // openssl ecparam -genkey writes an EC PARAMETERS block before the key.
        string pem = "-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n" + key.ExportECPrivateKeyPem();

        AssertSignsAndVerifies(pki.ServerChainPem, pem, SignatureScheme.EcdsaSecp384r1Sha384);
    }

    [Fact]
    public void LoadsTraditionalRsaPrivateKeyPem()
    {
        GeneratedPki pki = TestPki.For(KeyKind.Rsa2048);
        using RSA key = RSA.Create();
        key.ImportFromPem(pki.ServerKeyPem);

        AssertSignsAndVerifies(pki.ServerChainPem, key.ExportRSAPrivateKeyPem(), SignatureScheme.RsaPssRsaeSha256);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMIIBVAIBADANBgkqhkiG9w0BAQEFAASCAT4wggE6AgEAAkEAq7BFUpkGp3+LQmlQ\n-----END PRIVATE KEY-----\n")]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\nSGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGEga2V5IGF0IGFsbA==\n-----END EC PRIVATE KEY-----\n")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nSGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGEga2V5IGF0IGFsbA==\n-----END RSA PRIVATE KEY-----\n")]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nSGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGEga2V5IGF0IGFsbA==\n-----END ENCRYPTED PRIVATE KEY-----\n")]
    public void GarbageKeyIsUsageErrorWithoutThePemBody(string keyPem)
    {
        var e = Assert.Throws<TlsException>(() => CertificateKeyPair.FromPem(TestPki.For(KeyKind.EcdsaP256).ServerChainPem, keyPem));

        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
        Assert.Null(e.InnerException);
        AssertNoBodyQuoted(keyPem, e.Message);
    }

    [Fact]
    public void TwoKeysInOnePemIsUsageError()
    {
        GeneratedPki pki = TestPki.For(KeyKind.EcdsaP256);

        var e = Assert.Throws<TlsException>(() => CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem + pki.ClientKeyPem));

        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
    }

    [Fact]
    public void CorruptedRealKeyIsUsageErrorWithoutThePemBody()
    {
        GeneratedPki pki = TestPki.For(KeyKind.EcdsaP256);
        using ECDsa key = ECDsa.Create();
        key.ImportFromPem(pki.ServerKeyPem);
        byte[] der = key.ExportPkcs8PrivateKey();
        der[^40] ^= 0xff; // inside the embedded EC private key structure
        Array.Resize(ref der, der.Length - 3);
        string pem = PemEncoding.WriteString("PRIVATE KEY", der);

        var e = Assert.Throws<TlsException>(() => CertificateKeyPair.FromPem(pki.ServerChainPem, pem));

        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
        AssertNoBodyQuoted(pem, e.Message);
        AssertNoBodyQuoted(pki.ServerKeyPem, e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-----BEGIN CERTIFICATE-----\nSGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")]
    public void GarbageChainIsUsageError(string chainPem)
    {
        var e = Assert.Throws<TlsException>(() => CertificateKeyPair.FromPem(chainPem, TestPki.For(KeyKind.EcdsaP256).ServerKeyPem));

        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
        AssertNoBodyQuoted(chainPem, e.Message);
    }

    [Fact]
    public void KeyThatDoesNotMatchTheLeafIsUsageError()
    {
        GeneratedPki pki = TestPki.For(KeyKind.EcdsaP256);

        var e = Assert.Throws<TlsException>(() => CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ClientKeyPem));

        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
        Assert.Contains("does not belong", e.Message);
    }

    [Fact]
    public void UnsupportedKeyAlgorithmIsUsageError()
    {
        var x25519 = new X25519PrivateKeyParameters(new SecureRandom());
        string pem = PemEncoding.WriteString("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(x25519).GetDerEncoded());

        var e = Assert.Throws<TlsException>(() => CertificateKeyPair.FromPem(TestPki.For(KeyKind.EcdsaP256).ServerChainPem, pem));

        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
        Assert.Contains("1.3.101.110", e.Message);
    }

    [Fact]
    public void SigningAfterDisposeIsUsageError()
    {
        CertificateKeyPair pair = TestPki.ServerPair(KeyKind.Ed25519);
        pair.Dispose();

        var e = Assert.Throws<TlsException>(() => pair.Sign(SignatureScheme.Ed25519, TestPki.Message(1)));

        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
    }

    [Fact]
    public void MissingFilesAreUsageErrors()
    {
        var e = Assert.Throws<TlsException>(() => CertificateKeyPair.FromPemFiles("/nonexistent/chain.pem", "/nonexistent/key.pem"));

        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
        Assert.Contains("/nonexistent/chain.pem", e.Message);
    }

    private static void AssertSignsAndVerifies(string chainPem, string keyPem, SignatureScheme scheme)
    {
        using CertificateKeyPair pair = CertificateKeyPair.FromPem(chainPem, keyPem);
        byte[] message = TestPki.Message(12);
        Assert.True(SignatureVerifier.Verify(scheme, pair.ChainDer[0], message, pair.Sign(scheme, message)));
    }

    /// <summary>No run of 8 base64 characters from any PEM body line appears in the message.</summary>
    private static void AssertNoBodyQuoted(string pem, string message)
    {
        IEnumerable<string> bodyLines = pem.Split('\n').Where(l => l.Length >= 8 && !l.StartsWith("-----", StringComparison.Ordinal));
        foreach (string line in bodyLines)
        {
            for (int i = 0; i + 8 <= line.Length; i++)
            {
                Assert.DoesNotContain(line.Substring(i, 8), message, StringComparison.Ordinal);
            }
        }
    }
}
