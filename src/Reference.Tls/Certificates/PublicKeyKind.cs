using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Reference.Tls.Certificates;

/// <summary>The kinds of subject public key the engine can use for TLS 1.3 signatures.</summary>
internal enum PublicKeyKind
{
    Unsupported,
    EcdsaP256,
    EcdsaP384,
    EcdsaP521,
    /// <summary>RSA with the rsaEncryption OID (rsa_pss_rsae_* schemes).</summary>
    RsaEncryption,
    /// <summary>RSA with the id-RSASSA-PSS OID (rsa_pss_pss_* schemes).</summary>
    RsaPss,
    Ed25519,
}

/// <summary>
/// Reads the algorithm of a DER SubjectPublicKeyInfo and maps key kinds to the TLS 1.3 signature schemes
/// they may sign with. Signer and verifier share this, so both sides apply the same key/scheme binding.
/// </summary>
internal static class PublicKeys
{
    internal const string EcPublicKeyOid = "1.2.840.10045.2.1";
    internal const string P256Oid = "1.2.840.10045.3.1.7";
    internal const string P384Oid = "1.3.132.0.34";
    internal const string P521Oid = "1.3.132.0.35";
    internal const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    internal const string RsaPssOid = "1.2.840.113549.1.1.10";
    internal const string Ed25519Oid = "1.3.101.112";
    internal const string Sha256Oid = "2.16.840.1.101.3.4.2.1";
    internal const string Sha384Oid = "2.16.840.1.101.3.4.2.2";
    internal const string Sha512Oid = "2.16.840.1.101.3.4.2.3";

    /// <summary>
    /// Parsed SubjectPublicKeyInfo: the key kind, the raw algorithm parameters (empty when absent) and the
    /// subjectPublicKey BIT STRING contents, and the whole SubjectPublicKeyInfo.
    /// </summary>
    internal readonly record struct Info(PublicKeyKind Kind, byte[] Parameters, byte[] KeyBits, byte[] Spki);

    /// <summary>Parses a SubjectPublicKeyInfo; throws <see cref="AsnContentException"/> or
    /// <see cref="CryptographicException"/> when it is malformed (callers map that to their own error).</summary>
    public static Info Parse(ReadOnlySpan<byte> spki)
    {
        byte[] spkiBytes = spki.ToArray();
        var outer = new AsnReader(spkiBytes, AsnEncodingRules.DER);
        var seq = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var algorithm = seq.ReadSequence();
        string oid = algorithm.ReadObjectIdentifier();
        byte[] parameters = algorithm.HasData ? algorithm.ReadEncodedValue().ToArray() : [];
        algorithm.ThrowIfNotEmpty();
        byte[] keyBits = seq.ReadBitString(out int unusedBits);
        seq.ThrowIfNotEmpty();
        if (unusedBits != 0)
        {
            throw new CryptographicException("public key bit string has unused bits");
        }

        return new Info(Classify(oid, parameters), parameters, keyBits, spkiBytes);
    }

    private static PublicKeyKind Classify(string oid, byte[] parameters)
    {
        switch (oid)
        {
            case EcPublicKeyOid:
                return CurveOf(parameters) switch
                {
                    P256Oid => PublicKeyKind.EcdsaP256,
                    P384Oid => PublicKeyKind.EcdsaP384,
                    P521Oid => PublicKeyKind.EcdsaP521,
                    _ => PublicKeyKind.Unsupported,
                };
            case RsaEncryptionOid:
                return PublicKeyKind.RsaEncryption;
            case RsaPssOid:
                return PublicKeyKind.RsaPss;
            case Ed25519Oid:
                // RFC 8410 §3: the parameters MUST be absent for Ed25519.
                return parameters.Length == 0 ? PublicKeyKind.Ed25519 : PublicKeyKind.Unsupported;
            default:
                return PublicKeyKind.Unsupported;
        }
    }

    private static string? CurveOf(byte[] parameters)
    {
        // Only named curves are accepted; explicit curve parameters are rejected as unsupported.
        if (parameters.Length == 0 || parameters[0] != 0x06)
        {
            return null;
        }

        var reader = new AsnReader(parameters, AsnEncodingRules.DER);
        return reader.ReadObjectIdentifier();
    }

    /// <summary>The TLS 1.3 CertificateVerify schemes a key of this kind can produce, in preference order.</summary>
    public static IReadOnlyList<SignatureScheme> SchemesFor(PublicKeyKind kind) => kind switch
    {
        PublicKeyKind.EcdsaP256 => [SignatureScheme.EcdsaSecp256r1Sha256],
        PublicKeyKind.EcdsaP384 => [SignatureScheme.EcdsaSecp384r1Sha384],
        PublicKeyKind.EcdsaP521 => [SignatureScheme.EcdsaSecp521r1Sha512],
        PublicKeyKind.RsaEncryption =>
            [SignatureScheme.RsaPssRsaeSha256, SignatureScheme.RsaPssRsaeSha384, SignatureScheme.RsaPssRsaeSha512],
        PublicKeyKind.RsaPss =>
            [SignatureScheme.RsaPssPssSha256, SignatureScheme.RsaPssPssSha384, SignatureScheme.RsaPssPssSha512],
        PublicKeyKind.Ed25519 => [SignatureScheme.Ed25519],
        _ => [],
    };

    /// <summary>The hash a scheme signs with, or null for a pure EdDSA scheme or one outside TLS 1.3 CertificateVerify.</summary>
    public static HashAlgorithmName? HashOf(SignatureScheme scheme) => scheme switch
    {
        SignatureScheme.EcdsaSecp256r1Sha256 or SignatureScheme.RsaPssRsaeSha256 or SignatureScheme.RsaPssPssSha256
            => HashAlgorithmName.SHA256,
        SignatureScheme.EcdsaSecp384r1Sha384 or SignatureScheme.RsaPssRsaeSha384 or SignatureScheme.RsaPssPssSha384
            => HashAlgorithmName.SHA384,
        SignatureScheme.EcdsaSecp521r1Sha512 or SignatureScheme.RsaPssRsaeSha512 or SignatureScheme.RsaPssPssSha512
            => HashAlgorithmName.SHA512,
        _ => null,
    };

    public static string HashOidOf(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? Sha256Oid : hash == HashAlgorithmName.SHA384 ? Sha384Oid : Sha512Oid;
}
