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

    /// <summary>Keys and certificates made by OpenSSL in each of its usual PEM forms load and sign.</summary>
    [Theory]
    [InlineData("ecparam -genkey -name prime256v1 -out key.pem", "BEGIN EC PRIVATE KEY", SignatureScheme.EcdsaSecp256r1Sha256)]
    [InlineData("ecparam -genkey -name secp384r1 -noout -out key.pem", "BEGIN EC PRIVATE KEY", SignatureScheme.EcdsaSecp384r1Sha384)]
    [InlineData("genrsa -traditional -out key.pem 2048", "BEGIN RSA PRIVATE KEY", SignatureScheme.RsaPssRsaeSha512)]
    [InlineData("genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out key.pem", "BEGIN PRIVATE KEY", SignatureScheme.RsaPssRsaeSha384)]
    [InlineData("genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-384 -out key.pem", "BEGIN PRIVATE KEY", SignatureScheme.EcdsaSecp384r1Sha384)]
    [InlineData("genpkey -algorithm ed25519 -out key.pem", "BEGIN PRIVATE KEY", SignatureScheme.Ed25519)]
    public void LoadsKeysAndCertificatesMadeByOpenSsl(string generateKey, string pemHeader, SignatureScheme scheme)
    {
        string dir = Directory.CreateTempSubdirectory("reference-openssl-").FullName;
        try
        {
            TestPki.OpenSsl(dir, generateKey.Split(' '));
            TestPki.OpenSsl(dir, "req", "-x509", "-new", "-key", "key.pem", "-subj", "/CN=openssl.test", "-days", "1", "-out", "cert.pem");
            Assert.Contains(pemHeader, File.ReadAllText(Path.Combine(dir, "key.pem")));

            using CertificateKeyPair pair = CertificateKeyPair.FromPemFiles(Path.Combine(dir, "cert.pem"), Path.Combine(dir, "key.pem"));
            byte[] message = TestPki.Message(13);

            Assert.Contains(scheme, pair.SignatureSchemes);
            Assert.True(SignatureVerifier.Verify(scheme, pair.ChainDer[0], message, pair.Sign(scheme, message)));
            TrustStore.FromPemFile(Path.Combine(dir, "cert.pem")).ValidateChain(pair.ChainDer, "openssl.test");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void LoadsEd25519Pkcs8V2WithEmbeddedPublicKey()
    {
        GeneratedPki pki = TestPki.For(KeyKind.Ed25519);
        List<Pem.Block> blocks = Pem.ReadAll(pki.ServerKeyPem);
        var privateKey = (Ed25519PrivateKeyParameters)PrivateKeyFactory.CreateKey(blocks[0].Der);
        // BouncyCastle writes the RFC 8410 v2 OneAsymmetricKey form, with the public key in [1].
        byte[] v2 = PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey).GetDerEncoded();
        Assert.Equal(1, v2[4]);

        AssertSignsAndVerifies(pki.ServerChainPem, PemEncoding.WriteString("PRIVATE KEY", v2), SignatureScheme.Ed25519);
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
