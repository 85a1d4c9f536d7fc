using FsCheck;
using FsCheck.Fluent;
using Reference.Tls.Certificates;
using Xunit;

namespace Reference.Tls.Tests.Certificates;

/// <summary>Whatever bytes a peer sends as a certificate, only a Protocol <see cref="TlsException"/> comes out.</summary>
public class MalformedCertificateTests
{
    [Theory]
    [InlineData(nameof(KeyKind.EcdsaP256))]
    [InlineData(nameof(KeyKind.Ed25519))]
    [InlineData(nameof(KeyKind.Rsa2048))]
    public void EverySingleByteCorruptionOfTheLeafFailsWithAProtocolError(string kindName)
    {
        KeyKind kind = Enum.Parse<KeyKind>(kindName);
        using CertificateKeyPair pair = TestPki.ServerPair(kind);
        TrustStore trust = TrustStore.FromPem(TestPki.For(kind).CaPem);
        byte[] message = TestPki.Message(20);
        byte[] signature = pair.Sign(pair.SignatureSchemes[0], message);
        byte[] leaf = pair.ChainDer[0];

        for (int i = 0; i < leaf.Length; i++)
        {
            byte[] corrupt = (byte[])leaf.Clone();
            corrupt[i] ^= (byte)(1 << (i % 8));

            // Every byte of a DER certificate is covered by its issuer's signature, so validation must fail.
            var e = Assert.Throws<TlsException>(() => trust.ValidateChain([corrupt, pair.ChainDer[1]], "localhost"));
            Assert.Equal(TlsErrorType.Protocol, e.ErrorType);
            AssertOnlyProtocolErrors(() => SignatureVerifier.Verify(pair.SignatureSchemes[0], corrupt, message, signature));
        }
    }

    [Fact]
    public void RandomBytesAsALeafOnlyEverFailWithProtocolErrors()
    {
        TrustStore trust = TrustStore.FromPem(TestPki.For(KeyKind.EcdsaP256).CaPem);
        Prop.ForAll<byte[]>(bytes =>
        {
            var e = Assert.Throws<TlsException>(() => trust.ValidateChain([bytes], "localhost"));
            Assert.Equal(AlertDescription.BadCertificate, e.Alert);
            AssertOnlyProtocolErrors(() => SignatureVerifier.Verify(SignatureScheme.Ed25519, bytes, bytes, bytes));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void RandomBytesAsAKeyPemAreUsageErrors()
    {
        string chain = TestPki.For(KeyKind.EcdsaP256).ServerChainPem;
        Prop.ForAll<byte[]>(bytes =>
        {
            string pem = System.Security.Cryptography.PemEncoding.WriteString("PRIVATE KEY", bytes);
            var e = Assert.Throws<TlsException>(() => CertificateKeyPair.FromPem(chain, pem));
            Assert.Equal(TlsErrorType.Usage, e.ErrorType);
        }).QuickCheckThrowOnFailure();
    }

    private static void AssertOnlyProtocolErrors(Func<bool> verify)
    {
        try
        {
            verify();
        }
        catch (TlsException e)
        {
            Assert.Equal(TlsErrorType.Protocol, e.ErrorType);
        }
    }
}
