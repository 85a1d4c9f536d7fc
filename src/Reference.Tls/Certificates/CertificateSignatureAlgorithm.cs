using System.Formats.Asn1;
using System.Numerics;
using Digest = Reference.Tls.Certificates.CertificateRules.Digest;
using Signature = Reference.Tls.Certificates.CertificateRules.Signature;

namespace Reference.Tls.Certificates;

/// <summary>
/// Reads a certificate's outer signatureAlgorithm (RFC 5280 §4.1.1.2) strictly as DER and names the TLS
/// signature schemes it corresponds to (RFC 8446 §4.2.3).
/// </summary>
internal static class CertificateSignatureAlgorithm
{
    private const string RsaPss = "1.2.840.113549.1.1.10";
    private const string Mgf1 = "1.2.840.113549.1.1.8";
    private const string Sha1 = "1.3.14.3.2.26";
    private const string Sha256 = "2.16.840.1.101.3.4.2.1";
    private const string Sha384 = "2.16.840.1.101.3.4.2.2";
    private const string Sha512 = "2.16.840.1.101.3.4.2.3";

    // OID -> (schemes that name it, digest). The ECDSA schemes name the hash only: a certificate signature's
    // curve is the issuer's, and C s2n-tls also matches ECDSA certificate signatures by hash alone.
    private static readonly Dictionary<string, (SignatureScheme[] Schemes, Digest Digest)> Fixed = new()
    {
        ["1.2.840.113549.1.1.4"] = ([], Digest.Md5),    // md5WithRSAEncryption
        ["1.3.14.3.2.3"] = ([], Digest.Md5),            // md5WithRSA (OIW)
        ["1.2.840.113549.1.1.5"] = ([SignatureScheme.RsaPkcs1Sha1], Digest.Sha1),
        ["1.3.14.3.2.29"] = ([SignatureScheme.RsaPkcs1Sha1], Digest.Sha1), // sha1WithRSASignature (OIW)
        ["1.2.840.10045.4.1"] = ([SignatureScheme.EcdsaSha1], Digest.Sha1),
        ["1.2.840.113549.1.1.14"] = ([(SignatureScheme)0x0301], Digest.Other), // rsa_pkcs1_sha224 (legacy code point)
        ["1.2.840.113549.1.1.11"] = ([SignatureScheme.RsaPkcs1Sha256], Digest.Other),
        ["1.2.840.113549.1.1.12"] = ([SignatureScheme.RsaPkcs1Sha384], Digest.Other),
        ["1.2.840.113549.1.1.13"] = ([SignatureScheme.RsaPkcs1Sha512], Digest.Other),
        ["1.2.840.10045.4.3.1"] = ([(SignatureScheme)0x0303], Digest.Other), // ecdsa_sha224 (legacy code point)
        ["1.2.840.10045.4.3.2"] = ([SignatureScheme.EcdsaSecp256r1Sha256], Digest.Other),
        ["1.2.840.10045.4.3.3"] = ([SignatureScheme.EcdsaSecp384r1Sha384], Digest.Other),
        ["1.2.840.10045.4.3.4"] = ([SignatureScheme.EcdsaSecp521r1Sha512], Digest.Other),
        ["1.3.101.112"] = ([SignatureScheme.Ed25519], Digest.Other),
        ["1.3.101.113"] = ([SignatureScheme.Ed448], Digest.Other),
    };

    /// <summary>The signature algorithm of a DER certificate.</summary>
    /// <exception cref="AsnContentException">The certificate or its AlgorithmIdentifier is not DER.</exception>
    public static Signature Read(ReadOnlyMemory<byte> certificateDer)
    {
        var certificate = new AsnReader(certificateDer, AsnEncodingRules.DER).ReadSequence();
        certificate.ReadEncodedValue(); // tbsCertificate
        AsnReader algorithm = certificate.ReadSequence();
        string oid = algorithm.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? parameters = algorithm.HasData ? algorithm.ReadEncodedValue() : null;
        algorithm.ThrowIfNotEmpty();

        if (oid == RsaPss)
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
            //# When used in
            //# certificate signatures, the algorithm parameters MUST be DER
            //# encoded.
            return ReadPss(parameters);
        }

        return Fixed.TryGetValue(oid, out var known) ? new Signature(oid, known.Schemes, known.Digest) : new Signature(oid, [], Digest.Other);
    }

    /// <summary>
    /// RSASSA-PSS-params (RFC 4055 §3.1), read as DER: a value equal to its DEFAULT must be absent. TLS names only
    /// MGF1 with the signing hash and a salt as long as the hash (RFC 8446 §4.2.3).
    /// </summary>
    private static Signature ReadPss(ReadOnlyMemory<byte>? parameters)
    {
        if (parameters is null)
        {
            throw new AsnContentException("RSASSA-PSS parameters are missing");
        }

        AsnReader pss = new AsnReader(parameters.Value, AsnEncodingRules.DER).ReadSequence();
        string hash = Sha1;
        string mgfHash = Sha1;
        BigInteger salt = 20;
        if (pss.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            hash = ReadDigestAlgorithm(pss.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)));
            RejectDefault(hash == Sha1, "hashAlgorithm");
        }

        if (pss.HasData && pss.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1)))
        {
            mgfHash = ReadMgf1(pss.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true)));
            RejectDefault(mgfHash == Sha1, "maskGenAlgorithm");
        }

        if (pss.HasData && pss.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 2)))
        {
            AsnReader saltField = pss.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 2, true));
            salt = saltField.ReadInteger();
            saltField.ThrowIfNotEmpty();
            RejectDefault(salt == 20, "saltLength");
        }

        if (pss.HasData)
        {
            AsnReader trailerField = pss.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 3, true));
            BigInteger trailer = trailerField.ReadInteger();
            trailerField.ThrowIfNotEmpty();
            RejectDefault(trailer == 1, "trailerField");
            pss.ThrowIfNotEmpty();
            return new Signature(RsaPss, [], Digest.Other); // no other trailer is defined
        }

        pss.ThrowIfNotEmpty();
        return new Signature(RsaPss, PssSchemes(hash, mgfHash, salt), hash == Sha1 ? Digest.Sha1 : Digest.Other);
    }

    private static SignatureScheme[] PssSchemes(string hash, string mgfHash, BigInteger salt) => (hash, mgfHash == hash, (int)BigInteger.Min(salt, 1024)) switch
    {
        (Sha256, true, 32) => [SignatureScheme.RsaPssRsaeSha256, SignatureScheme.RsaPssPssSha256],
        (Sha384, true, 48) => [SignatureScheme.RsaPssRsaeSha384, SignatureScheme.RsaPssPssSha384],
        (Sha512, true, 64) => [SignatureScheme.RsaPssRsaeSha512, SignatureScheme.RsaPssPssSha512],
        _ => [],
    };

    private static string ReadMgf1(AsnReader field)
    {
        AsnReader mgf = field.ReadSequence();
        field.ThrowIfNotEmpty();
        string oid = mgf.ReadObjectIdentifier();
        string hash = oid == Mgf1 ? ReadDigestAlgorithm(mgf) : oid;
        mgf.ThrowIfNotEmpty();
        return hash;
    }

    /// <summary>A hash AlgorithmIdentifier, parameters absent or NULL (both occur and both are DER).</summary>
    private static string ReadDigestAlgorithm(AsnReader field)
    {
        AsnReader digest = field.ReadSequence();
        field.ThrowIfNotEmpty();
        string oid = digest.ReadObjectIdentifier();
        if (digest.HasData)
        {
            digest.ReadNull();
        }

        digest.ThrowIfNotEmpty();
        return oid;
    }

    private static void RejectDefault(bool isDefault, string field)
    {
        // X.690 §11.5: in DER, a component equal to its DEFAULT value is not encoded.
        if (isDefault)
        {
            throw new AsnContentException($"RSASSA-PSS {field} encodes its DEFAULT value, which DER forbids");
        }
    }
}
