using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Reference.Tls.Certificates;

/// <summary>Verifies CertificateVerify signatures against the peer's end-entity certificate (RFC 8446 §4.4.3).</summary>
internal static class SignatureVerifier
{
    /// <summary>True for the schemes this engine can verify in a TLS 1.3 CertificateVerify.</summary>
    public static bool IsSupported(SignatureScheme scheme) => scheme switch
    {
        SignatureScheme.EcdsaSecp256r1Sha256 or SignatureScheme.EcdsaSecp384r1Sha384 or SignatureScheme.EcdsaSecp521r1Sha512
            or SignatureScheme.RsaPssRsaeSha256 or SignatureScheme.RsaPssRsaeSha384 or SignatureScheme.RsaPssRsaeSha512
            or SignatureScheme.RsaPssPssSha256 or SignatureScheme.RsaPssPssSha384 or SignatureScheme.RsaPssPssSha512
            or SignatureScheme.Ed25519 => true,
        _ => false,
    };

    /// <summary>
    /// Verifies <paramref name="signature"/> over <paramref name="message"/> with the leaf's public key.
    /// Returns false when the signature does not verify (the caller sends decrypt_error); throws illegal_parameter
    /// when the scheme is not one TLS 1.3 allows or does not fit the key, and bad_certificate when the leaf
    /// cannot be parsed.
    /// </summary>
    public static bool Verify(SignatureScheme scheme, ReadOnlySpan<byte> leafCertificateDer, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        Verify(scheme, LeafPublicKey.FromCertificate(leafCertificateDer, shared: false), message, signature);

    /// <summary>
    /// Verifies with a leaf key read earlier (by <see cref="TrustStore.ValidateChain(IReadOnlyList{byte[]}, string?, DateTime, string?)"/>,
    /// possibly from its verified-chain cache); the same checks and results as the DER overload.
    /// </summary>
    public static bool Verify(SignatureScheme scheme, LeafPublicKey leaf, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
        //# The SHA-1 algorithm
        //# MUST NOT be used in any signatures of CertificateVerify messages.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
        //# In particular, MD5 [SLOTH], SHA-224, and DSA
        //# MUST NOT be used.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
        //# Endpoints SHOULD NOT negotiate these algorithms but are
        //# permitted to do so solely for backward compatibility.
        if (!IsSupported(scheme))
        {
            throw TlsErrors.IllegalParameter($"signature scheme {scheme} (0x{(ushort)scheme:x4}) is not allowed in a TLS 1.3 CertificateVerify");
        }

        PublicKeys.Info key = leaf.Info;

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
        //# In addition, the signature algorithm MUST be compatible with the key
        //# in the sender's end-entity certificate.  RSA signatures MUST use an
        //# RSASSA-PSS algorithm, regardless of whether RSASSA-PKCS1-v1_5
        //# algorithms appear in "signature_algorithms".
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
        //# If the public key is carried in an X.509
        //# certificate, it MUST use the rsaEncryption OID [RFC5280].
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
        //# If the public key is carried in an X.509 certificate,
        //# it MUST use the RSASSA-PSS OID [RFC5756].
        if (!PublicKeys.SchemesFor(key.Kind).Contains(scheme))
        {
            throw TlsErrors.IllegalParameter($"signature scheme {scheme} does not fit the certificate's {key.Kind} key");
        }

        return key.Kind switch
        {
            PublicKeyKind.EcdsaP256 or PublicKeyKind.EcdsaP384 or PublicKeyKind.EcdsaP521 =>
                VerifyEcdsa(leaf, scheme, message, signature),
            PublicKeyKind.RsaEncryption or PublicKeyKind.RsaPss => VerifyRsaPss(leaf, scheme, message, signature),
            PublicKeyKind.Ed25519 => VerifyEd25519(key, message, signature),
            _ => throw TlsErrors.Internal($"no verifier for {key.Kind}"),
        };
    }

    private static bool VerifyEcdsa(LeafPublicKey leaf, SignatureScheme scheme, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        ECDsa ecdsa = leaf.TakeImported() as ECDsa ?? ImportEcdsa(leaf.Info);
        bool valid;
        try
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
            //# The signature is represented as a DER-encoded
            //# [X690] ECDSA-Sig-Value structure.
            valid = ecdsa.VerifyData(message, signature, PublicKeys.HashOf(scheme)!.Value, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            // A malformed signature does not verify; the key object is not reused after a failure of its library.
            ecdsa.Dispose();
            return false;
        }

        leaf.ReturnImported(ecdsa);
        return valid;
    }

    private static ECDsa ImportEcdsa(PublicKeys.Info key)
    {
        ECDsa ecdsa = ECDsa.Create();
        ImportOrReject(ecdsa, () => ecdsa.ImportSubjectPublicKeyInfo(key.Spki, out _));
        return ecdsa;
    }

    private static bool VerifyRsaPss(LeafPublicKey leaf, SignatureScheme scheme, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        HashAlgorithmName hash = PublicKeys.HashOf(scheme)!.Value;
        if (leaf.Info.Kind == PublicKeyKind.RsaPss)
        {
            CheckPssKeyParameters(leaf.Info.Parameters, hash);
        }

        RSA rsa = leaf.TakeImported() as RSA ?? ImportRsa(leaf.Info);
        bool valid;
        try
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
            //# The length of the Salt MUST be equal to the length of the output
            //# of the digest algorithm.
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
            //# The length of the Salt MUST be equal to the length of the digest
            //# algorithm.
            valid = rsa.VerifyData(message, signature, hash, RSASignaturePadding.Pss);
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            return false;
        }

        leaf.ReturnImported(rsa);
        return valid;
    }

    private static RSA ImportRsa(PublicKeys.Info key)
    {
        RSA rsa = RSA.Create();
        // Both OIDs carry an RSAPublicKey in the bit string; .NET only imports it under rsaEncryption.
        ImportOrReject(rsa, () => rsa.ImportRSAPublicKey(key.KeyBits, out _));
        return rsa;
    }

    /// <summary>An id-RSASSA-PSS key may restrict its hash in RSASSA-PSS-params; that hash must be the scheme's.</summary>
    // The scheme fixes MGF1 with the same hash and a salt as long as the hash, so the hash is the parameter to compare.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //# If the corresponding public key's parameters are
    //# present, then the parameters in the signature MUST be identical to
    //# those in the public key.
    private static void CheckPssKeyParameters(byte[] parameters, HashAlgorithmName hash)
    {
        if (parameters.Length == 0 || parameters is [0x05, 0x00])
        {
            return;
        }

        string keyHashOid;
        try
        {
            var reader = new AsnReader(parameters, AsnEncodingRules.DER);
            AsnReader pssParams = reader.ReadSequence();
            var hashTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            // RFC 4055: an absent hashAlgorithm means SHA-1, which TLS 1.3 never uses.
            keyHashOid = pssParams.HasData && pssParams.PeekTag().HasSameClassAndValue(hashTag)
                ? pssParams.ReadSequence(hashTag).ReadSequence().ReadObjectIdentifier()
                : "1.3.14.3.2.26";
        }
        catch (AsnContentException)
        {
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, "the RSASSA-PSS key parameters could not be parsed");
        }

        if (keyHashOid != PublicKeys.HashOidOf(hash))
        {
            throw TlsErrors.IllegalParameter($"the RSASSA-PSS key is restricted to hash {keyHashOid}, not {hash.Name}");
        }
    }

    private static bool VerifyEd25519(PublicKeys.Info key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (key.KeyBits.Length != Ed25519PublicKeyParameters.KeySize)
        {
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, "the Ed25519 public key has the wrong length");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
        //# Note that these
        //# correspond to the "PureEdDSA" algorithms and not the "prehash"
        //# variants.
        Ed25519PublicKeyParameters? publicKey = null;
        ImportOrReject(null, () => publicKey = new Ed25519PublicKeyParameters(key.KeyBits));
        var verifier = new Ed25519Signer();
        verifier.Init(false, publicKey);
        verifier.BlockUpdate(message);
        return verifier.VerifySignature(signature.ToArray());
    }

    /// <summary>
    /// A public key the library refuses (e.g. a point not on the curve) makes the certificate bad; the half-made
    /// <paramref name="owner"/> is disposed.
    /// </summary>
    private static void ImportOrReject(IDisposable? owner, Action import)
    {
        try
        {
            import();
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or AsnContentException)
        {
            owner?.Dispose();
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, "the end-entity certificate's public key is invalid");
        }
    }
}
