using Reference.Tls.Certificates;
using Xunit;

namespace Reference.Tls.Tests.Certificates;

/// <summary>The leaf key a verified chain carries to CertificateVerify: reused, it verifies exactly like a fresh parse.</summary>
public class LeafPublicKeyTests
{
    public static TheoryData<string, SignatureScheme> KindsAndSchemes => new()
    {
        { nameof(KeyKind.EcdsaP256), SignatureScheme.EcdsaSecp256r1Sha256 },
        { nameof(KeyKind.EcdsaP384), SignatureScheme.EcdsaSecp384r1Sha384 },
        { nameof(KeyKind.Rsa2048), SignatureScheme.RsaPssRsaeSha256 },
        { nameof(KeyKind.Ed25519), SignatureScheme.Ed25519 },
    };

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# The receiver of a CertificateVerify message MUST verify the signature
    //# field.
    [Theory]
    [MemberData(nameof(KindsAndSchemes))]
    public void ASharedLeafKeyGivesTheVerdictsOfAFreshParseBeforeAndAfterRetirement(string kindName, SignatureScheme scheme)
    {
        using CertificateKeyPair server = TestPki.ServerPair(Enum.Parse<KeyKind>(kindName));
        byte[] message = TestPki.Message(3);
        byte[] good = server.Sign(scheme, message);
        byte[] bad = (byte[])good.Clone();
        bad[^1] ^= 0x01;
        byte[] garbage = [0x30, 0x01];
        var shared = LeafPublicKey.FromCertificate(server.ChainDer[0], shared: true);

        for (int round = 0; round < 3; round++)
        {
            foreach (byte[] signature in new[] { good, bad, garbage, good })
            {
                bool fresh = SignatureVerifier.Verify(scheme, server.ChainDer[0], message, signature);
                Assert.Equal(fresh, SignatureVerifier.Verify(scheme, shared, message, signature));
                Assert.Equal(signature == good, fresh);
            }

            if (round == 1)
            {
                shared.Retire();
            }
        }
    }

    [Fact]
    public void ASharedLeafKeyStillRefusesASchemeThatDoesNotFitIt()
    {
        using CertificateKeyPair server = TestPki.ServerPair(KeyKind.EcdsaP256);
        var shared = LeafPublicKey.FromCertificate(server.ChainDer[0], shared: true);
        byte[] message = TestPki.Message(4);
        Assert.True(SignatureVerifier.Verify(SignatureScheme.EcdsaSecp256r1Sha256, shared, message, server.Sign(SignatureScheme.EcdsaSecp256r1Sha256, message)));

        var e = Assert.Throws<TlsException>(() => SignatureVerifier.Verify(SignatureScheme.RsaPssRsaeSha256, shared, message, new byte[256]));

        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    [Fact]
    public void AnUnreadableLeafFailsOnlyWhenCertificateVerifyNeedsItsKey()
    {
        var unreadable = LeafPublicKey.FromCertificate([0x30, 0x03, 0x02, 0x01, 0x00], shared: false);

        var e = Assert.Throws<TlsException>(() => SignatureVerifier.Verify(SignatureScheme.EcdsaSecp256r1Sha256, unreadable, [1], [2]));

        Assert.Equal(AlertDescription.BadCertificate, e.Alert);
    }
}
