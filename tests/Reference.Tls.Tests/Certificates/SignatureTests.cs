using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Reference.Tls.Certificates;
using Xunit;

namespace Reference.Tls.Tests.Certificates;

public class SignatureTests
{
    public static TheoryData<string, SignatureScheme> KindsAndSchemes => new()
    {
        { nameof(KeyKind.EcdsaP256), SignatureScheme.EcdsaSecp256r1Sha256 },
        { nameof(KeyKind.EcdsaP384), SignatureScheme.EcdsaSecp384r1Sha384 },
        { nameof(KeyKind.Rsa2048), SignatureScheme.RsaPssRsaeSha256 },
        { nameof(KeyKind.Rsa2048), SignatureScheme.RsaPssRsaeSha384 },
        { nameof(KeyKind.Rsa2048), SignatureScheme.RsaPssRsaeSha512 },
        { nameof(KeyKind.Ed25519), SignatureScheme.Ed25519 },
    };

    private static readonly SignatureScheme[] AllSchemes = Enum.GetValues<SignatureScheme>();

    [Theory]
    [InlineData(nameof(KeyKind.EcdsaP256), new[] { SignatureScheme.EcdsaSecp256r1Sha256 })]
    [InlineData(nameof(KeyKind.EcdsaP384), new[] { SignatureScheme.EcdsaSecp384r1Sha384 })]
    [InlineData(nameof(KeyKind.Rsa2048), new[] { SignatureScheme.RsaPssRsaeSha256, SignatureScheme.RsaPssRsaeSha384, SignatureScheme.RsaPssRsaeSha512 })]
    [InlineData(nameof(KeyKind.Ed25519), new[] { SignatureScheme.Ed25519 })]
    public void KeyPairOffersTheSchemesItsKeyCanSign(string kindName, SignatureScheme[] expected)
    {
        KeyKind kind = Enum.Parse<KeyKind>(kindName);
        using CertificateKeyPair server = TestPki.ServerPair(kind);
        using CertificateKeyPair client = TestPki.ClientPair(kind);

        Assert.Equal(expected, server.SignatureSchemes);
        Assert.Equal(expected, client.SignatureSchemes);
    }

    [Theory]
    [MemberData(nameof(KindsAndSchemes))]
    public void SignThenVerifyRoundTrips(string kindName, SignatureScheme scheme)
    {
        KeyKind kind = Enum.Parse<KeyKind>(kindName);
        using CertificateKeyPair pair = TestPki.ServerPair(kind);
        byte[] message = CertificateVerifyContent.Build(true, TestPki.Message(1)[..32]);

        byte[] signature = pair.Sign(scheme, message);

        Assert.True(SignatureVerifier.IsSupported(scheme));
        Assert.True(SignatureVerifier.Verify(scheme, pair.ChainDer[0], message, signature));
    }

    [Theory]
    [MemberData(nameof(KindsAndSchemes))]
    public void TamperedMessageOrSignatureDoesNotVerify(string kindName, SignatureScheme scheme)
    {
        KeyKind kind = Enum.Parse<KeyKind>(kindName);
        using CertificateKeyPair pair = TestPki.ClientPair(kind);
        byte[] message = TestPki.Message(2);
        byte[] signature = pair.Sign(scheme, message);

        byte[] tamperedMessage = (byte[])message.Clone();
        tamperedMessage[17] ^= 0x01;
        byte[] tamperedSignature = (byte[])signature.Clone();
        tamperedSignature[^3] ^= 0x80;

        Assert.False(SignatureVerifier.Verify(scheme, pair.ChainDer[0], tamperedMessage, signature));
        Assert.False(SignatureVerifier.Verify(scheme, pair.ChainDer[0], message, tamperedSignature));
        Assert.False(SignatureVerifier.Verify(scheme, pair.ChainDer[0], message, []));
        Assert.False(SignatureVerifier.Verify(scheme, pair.ChainDer[0], message, signature[..^1]));
    }

    [Fact]
    public void SignatureFromAnotherKeyDoesNotVerify()
    {
        using CertificateKeyPair server = TestPki.ServerPair(KeyKind.EcdsaP256);
        using CertificateKeyPair client = TestPki.ClientPair(KeyKind.EcdsaP256);
        byte[] message = TestPki.Message(3);

        byte[] signature = client.Sign(SignatureScheme.EcdsaSecp256r1Sha256, message);

        Assert.False(SignatureVerifier.Verify(SignatureScheme.EcdsaSecp256r1Sha256, server.ChainDer[0], message, signature));
    }

    [Theory]
    [InlineData(nameof(KeyKind.EcdsaP256), SignatureScheme.EcdsaSecp256r1Sha256)]
    [InlineData(nameof(KeyKind.Rsa2048), SignatureScheme.RsaPssRsaeSha256)]
    public void The_key_imported_for_one_certificate_is_never_used_for_another(string kindName, SignatureScheme scheme)
    {
        // Imported verification keys are reused across calls: alternate certificates and check each verdict
        // both ways, so a key imported for one certificate can never verify for another.
        KeyKind kind = Enum.Parse<KeyKind>(kindName);
        using CertificateKeyPair server = TestPki.ServerPair(kind);
        using CertificateKeyPair client = TestPki.ClientPair(kind);
        byte[] message = TestPki.Message(4);
        byte[] serverSignature = server.Sign(scheme, message), clientSignature = client.Sign(scheme, message);

        for (int i = 0; i < 3; i++)
        {
            Assert.True(SignatureVerifier.Verify(scheme, server.ChainDer[0], message, serverSignature));
            Assert.True(SignatureVerifier.Verify(scheme, server.ChainDer[0], message, serverSignature));
            Assert.False(SignatureVerifier.Verify(scheme, server.ChainDer[0], message, clientSignature));
            Assert.True(SignatureVerifier.Verify(scheme, client.ChainDer[0], message, clientSignature));
            Assert.False(SignatureVerifier.Verify(scheme, client.ChainDer[0], message, serverSignature));
        }
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# In addition, the signature algorithm MUST be compatible with the key
    //# in the sender's end-entity certificate.  RSA signatures MUST use an
    //# RSASSA-PSS algorithm, regardless of whether RSASSA-PKCS1-v1_5
    //# algorithms appear in "signature_algorithms".  The SHA-1 algorithm
    //# MUST NOT be used in any signatures of CertificateVerify messages.
    [Theory]
    [InlineData(nameof(KeyKind.EcdsaP256))]
    [InlineData(nameof(KeyKind.EcdsaP384))]
    [InlineData(nameof(KeyKind.Rsa2048))]
    [InlineData(nameof(KeyKind.Ed25519))]
    public void SchemeThatDoesNotFitTheKeyIsIllegalParameter(string kindName)
    {
        KeyKind kind = Enum.Parse<KeyKind>(kindName);
        using CertificateKeyPair pair = TestPki.ServerPair(kind);
        byte[] message = TestPki.Message(4);
        byte[] signature = pair.Sign(pair.SignatureSchemes[0], message);

        foreach (SignatureScheme scheme in AllSchemes.Except(pair.SignatureSchemes))
        {
            var e = Assert.Throws<TlsException>(() => SignatureVerifier.Verify(scheme, pair.ChainDer[0], message, signature));
            Assert.Equal(TlsErrorType.Protocol, e.ErrorType);
            Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
        }
    }

    [Theory]
    [InlineData(SignatureScheme.RsaPkcs1Sha256, false)]
    [InlineData(SignatureScheme.RsaPkcs1Sha1, false)]
    [InlineData(SignatureScheme.EcdsaSha1, false)]
    [InlineData(SignatureScheme.Ed448, false)]
    [InlineData((SignatureScheme)0xfe00, false)]
    [InlineData(SignatureScheme.EcdsaSecp521r1Sha512, true)]
    [InlineData(SignatureScheme.RsaPssPssSha384, true)]
    [InlineData(SignatureScheme.Ed25519, true)]
    public void IsSupportedListsOnlyTls13CertificateVerifySchemes(SignatureScheme scheme, bool supported) =>
        Assert.Equal(supported, SignatureVerifier.IsSupported(scheme));

    [Fact]
    public void SigningWithASchemeTheKeyCannotUseIsAnInternalError()
    {
        using CertificateKeyPair pair = TestPki.ServerPair(KeyKind.EcdsaP256);

        var e = Assert.Throws<TlsException>(() => pair.Sign(SignatureScheme.EcdsaSecp384r1Sha384, TestPki.Message(5)));

        Assert.Equal(TlsErrorType.Internal, e.ErrorType);
    }

    [Fact]
    public void GarbageLeafIsBadCertificate()
    {
        var e = Assert.Throws<TlsException>(() =>
            SignatureVerifier.Verify(SignatureScheme.EcdsaSecp256r1Sha256, TestPki.Message(6), TestPki.Message(7), new byte[70]));

        Assert.Equal(AlertDescription.BadCertificate, e.Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# The digest
    //# used in the mask generation function and the digest being signed
    //# are both the corresponding hash algorithm as defined in [SHS].
    //# The length of the Salt MUST be equal to the length of the output
    //# of the digest algorithm.
    [Theory]
    [InlineData(SignatureScheme.RsaPssRsaeSha256, 32)]
    [InlineData(SignatureScheme.RsaPssRsaeSha384, 48)]
    [InlineData(SignatureScheme.RsaPssRsaeSha512, 64)]
    public void RsaPssSignatureUsesSaltOfHashLengthAndMgf1WithTheSameHash(SignatureScheme scheme, int hashLength)
    {
        using CertificateKeyPair pair = TestPki.ServerPair(KeyKind.Rsa2048);
        byte[] message = TestPki.Message(8);
        byte[] signature = pair.Sign(scheme, message);

        using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(pair.ChainDer[0]);
        RSAParameters p = leaf.GetRSAPublicKey()!.ExportParameters(false);
        var digest = hashLength switch { 32 => (Org.BouncyCastle.Crypto.IDigest)new Sha256Digest(), 48 => new Sha384Digest(), _ => new Sha512Digest() };
        // An independent PSS implementation with the salt length pinned: it rejects any other salt length.
        var verifier = new PssSigner(new RsaEngine(), digest, hashLength);
        verifier.Init(false, new RsaKeyParameters(false, new(1, p.Modulus), new(1, p.Exponent)));
        verifier.BlockUpdate(message);

        Assert.True(verifier.VerifySignature(signature));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# The signature is represented as a DER-encoded
    //# [X690] ECDSA-Sig-Value structure.
    [Fact]
    public void EcdsaSignatureIsADerSequenceOfTwoIntegers()
    {
        using CertificateKeyPair pair = TestPki.ServerPair(KeyKind.EcdsaP384);

        byte[] signature = pair.Sign(SignatureScheme.EcdsaSecp384r1Sha384, TestPki.Message(9));

        var reader = new AsnReader(signature, AsnEncodingRules.DER);
        AsnReader sequence = reader.ReadSequence();
        Assert.True(sequence.ReadInteger().Sign > 0);
        Assert.True(sequence.ReadInteger().Sign > 0);
        Assert.False(sequence.HasData);
        Assert.False(reader.HasData);
    }

    [Fact]
    public void P521LeafVerifiesOnlyWithSecp521r1Sha512()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        byte[] leaf = SelfSigned(new PublicKey(key), key);
        byte[] message = TestPki.Message(10);
        byte[] signature = key.SignData(message, HashAlgorithmName.SHA512, DSASignatureFormat.Rfc3279DerSequence);

        Assert.True(SignatureVerifier.Verify(SignatureScheme.EcdsaSecp521r1Sha512, leaf, message, signature));
        var e = Assert.Throws<TlsException>(() => SignatureVerifier.Verify(SignatureScheme.EcdsaSecp256r1Sha256, leaf, message, signature));
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    [Fact]
    public void RsaPssOidLeafVerifiesOnlyWithRsaPssPssSchemes()
    {
        using RSA rsa = RSA.Create(2048);
        using ECDsa issuer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] leaf = SelfSigned(RsaPssPublicKey(rsa), issuer);
        byte[] message = TestPki.Message(11);
        byte[] signature = rsa.SignData(message, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);

        Assert.True(SignatureVerifier.Verify(SignatureScheme.RsaPssPssSha384, leaf, message, signature));
        Assert.False(SignatureVerifier.Verify(SignatureScheme.RsaPssPssSha256, leaf, message, signature));
        var e = Assert.Throws<TlsException>(() => SignatureVerifier.Verify(SignatureScheme.RsaPssRsaeSha384, leaf, message, signature));
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    /// <summary>A certificate for <paramref name="subjectKey"/> signed by an ECDSA key (signature validity is irrelevant here).</summary>
    private static byte[] SelfSigned(PublicKey subjectKey, ECDsa signingKey)
    {
        var request = new CertificateRequest(new X500DistinguishedName("CN=signature test"), subjectKey, HashAlgorithmName.SHA256);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 certificate = request.Create(
            request.SubjectName, X509SignatureGenerator.CreateForECDsa(signingKey), now.AddHours(-1), now.AddHours(1), [1]);
        return certificate.RawData;
    }

    /// <summary>The RSA key under the id-RSASSA-PSS OID with absent parameters (RFC 4055 §1.2).</summary>
    private static PublicKey RsaPssPublicKey(RSA rsa)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.113549.1.1.10");
            }

            writer.WriteBitString(rsa.ExportRSAPublicKey());
        }

        return PublicKey.CreateFromSubjectPublicKeyInfo(writer.Encode(), out _);
    }
}
