using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Reference.Tls.Certificates;

/// <summary>Verifies CertificateVerify signatures against the peer's end-entity certificate (RFC 8446 §4.4.3).</summary>
internal static class SignatureVerifier
{
    // The last verification key this thread imported, keyed by its exact SubjectPublicKeyInfo bytes. Importing
    // costs about twice the ECDSA P-256 verification itself (OpenSSL re-validates the point with a scalar
    // multiplication), and a client that reconnects to a server, or a server whose clients share a certificate,
    // sees the same key again. Per thread, so a key object is never used by two threads at once.
    [ThreadStatic]
    private static CachedKey? t_lastKey;

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
    public static bool Verify(SignatureScheme scheme, ReadOnlySpan<byte> leafCertificateDer, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
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

        PublicKeys.Info key = ReadLeafKey(leafCertificateDer);

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
                VerifyEcdsa(key, scheme, message, signature),
            PublicKeyKind.RsaEncryption or PublicKeyKind.RsaPss => VerifyRsaPss(key, scheme, message, signature),
            PublicKeyKind.Ed25519 => VerifyEd25519(key, message, signature),
            _ => throw TlsErrors.Internal($"no verifier for {key.Kind}"),
        };
    }

    private static PublicKeys.Info ReadLeafKey(ReadOnlySpan<byte> leafCertificateDer)
    {
        try
        {
            // The chain was already validated; only the key is needed, so read the SubjectPublicKeyInfo
            // straight from the DER instead of loading the whole certificate again.
            return PublicKeys.Parse(SubjectPublicKeyInfo(leafCertificateDer));
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or ArgumentException)
        {
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, "the end-entity certificate could not be parsed");
        }
    }

    private static bool VerifyEcdsa(PublicKeys.Info key, SignatureScheme scheme, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        ECDsa ecdsa = Cached(key.Spki, () =>
        {
            var imported = ECDsa.Create();
            ImportOrReject(imported, () => imported.ImportSubjectPublicKeyInfo(key.Spki, out _));
            return imported;
        });
        try
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
            //# The signature is represented as a DER-encoded
            //# [X690] ECDSA-Sig-Value structure.
            return ecdsa.VerifyData(message, signature, PublicKeys.HashOf(scheme)!.Value, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            // A malformed signature does not verify.
            return false;
        }
    }

    private static bool VerifyRsaPss(PublicKeys.Info key, SignatureScheme scheme, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        HashAlgorithmName hash = PublicKeys.HashOf(scheme)!.Value;
        if (key.Kind == PublicKeyKind.RsaPss)
        {
            CheckPssKeyParameters(key.Parameters, hash);
        }

        RSA rsa = Cached(key.Spki, () =>
        {
            // Both OIDs carry an RSAPublicKey in the bit string; .NET only imports it under rsaEncryption.
            var imported = RSA.Create();
            ImportOrReject(imported, () => imported.ImportRSAPublicKey(key.KeyBits, out _));
            return imported;
        });
        try
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
            //# The length of the Salt MUST be equal to the length of the output
            //# of the digest algorithm.
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
            //# The length of the Salt MUST be equal to the length of the digest
            //# algorithm.
            return rsa.VerifyData(message, signature, hash, RSASignaturePadding.Pss);
        }
        catch (CryptographicException)
        {
            return false;
        }
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

    /// <summary>A public key the library refuses (e.g. a point not on the curve) makes the certificate bad.</summary>
    private static void ImportOrReject(IDisposable? target, Action import)
    {
        try
        {
            import();
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or AsnContentException)
        {
            target?.Dispose();
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, "the end-entity certificate's public key is invalid");
        }
    }

    /// <summary>This thread's imported key for <paramref name="spki"/>, importing (and caching) it on a miss.</summary>
    private static T Cached<T>(byte[] spki, Func<T> import)
        where T : AsymmetricAlgorithm
    {
        if (t_lastKey is { Key: T key } last && last.Spki.AsSpan().SequenceEqual(spki))
        {
            return key;
        }

        T imported = import();
        t_lastKey?.Key.Dispose();
        t_lastKey = new CachedKey(spki, imported);
        return imported;
    }

    private sealed record CachedKey(byte[] Spki, AsymmetricAlgorithm Key);

    /// <summary>Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, ... } ... }.</summary>
    private static byte[] SubjectPublicKeyInfo(ReadOnlySpan<byte> certificateDer)
    {
        var certificate = new AsnReader(certificateDer.ToArray(), AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            tbs.ReadEncodedValue();
        }

        for (int i = 0; i < 5; i++)
        {
            tbs.ReadEncodedValue();
        }

        return tbs.ReadEncodedValue().ToArray();
    }
}
