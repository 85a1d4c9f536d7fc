using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Reference.Tls.Certificates;

/// <summary>
/// The TLS-specific certificate rules of RFC 8446 §4.2.3 and §4.4.2.x that path validation (X509Chain) does not
/// check: X.509v3 only, digitalSignature on the end-entity key, and each certificate's signature algorithm (no
/// MD5, SHA-1 only if advertised, otherwise one of the advertised schemes).
/// </summary>
internal static class CertificateRules
{
    /// <summary>The digest a certificate signature uses, as far as the MD5/SHA-1 rules care.</summary>
    internal enum Digest
    {
        Other,
        Md5,
        Sha1,
    }

    /// <summary>
    /// A certificate's signatureAlgorithm: the TLS schemes that name it (empty when none does) and its digest.
    /// A PSS signature names both the rsae and the pss scheme of its hash: which one depends on the issuer's key
    /// type, which is not at hand for every certificate (C s2n-tls matches PSS certificate signatures by the
    /// algorithm alone, too).
    /// </summary>
    internal readonly record struct Signature(string Oid, SignatureScheme[] Schemes, Digest Digest);

    /// <summary>Parsed facts about one DER certificate.</summary>
    private sealed record Facts(int Version, bool SelfIssued, X509KeyUsageFlags? KeyUsage, Signature Signature);

    /// <summary>
    /// Checks a received chain (leaf first) before path validation. Certificates that begin a path (self-issued,
    /// or byte-equal to a trust anchor) are exempt from the signature-algorithm and version rules.
    /// </summary>
    /// <exception cref="TlsException">Protocol error with bad_certificate or unsupported_certificate.</exception>
    public static void CheckPeerChain(IReadOnlyList<byte[]> chainDer, IReadOnlyList<SignatureScheme> advertised, Func<byte[], bool> isTrustAnchor)
    {
        for (int i = 0; i < chainDer.Count; i++)
        {
            Facts facts = ReadPeer(chainDer[i], i);
            if (i == 0)
            {
                CheckEndEntityKeyUsage(facts, e => TlsErrors.Protocol(AlertDescription.UnsupportedCertificate, e));
            }

            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
            //# The signatures on certificates that are self-signed or certificates
            //# that are trust anchors are not validated, since they begin a
            //# certification path (see [RFC5280], Section 3.2).
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
            //# A certificate that begins a certification
            //# path MAY use a signature algorithm that is not advertised as being
            //# supported in the "signature_algorithms" extension.
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
            //# Certificates that are self-signed
            //# or certificates that are expected to be trust anchors are not
            //# validated as part of the chain and therefore MAY be signed with any
            //# algorithm.
            if (facts.SelfIssued || isTrustAnchor(chainDer[i]))
            {
                continue;
            }

            CheckVersion(facts, i);
            CheckPeerSignature(facts.Signature, advertised, i);
        }
    }

    /// <summary>
    /// Checks our own chain at configuration time: v3 certificates, a signing end-entity key, and no MD5 or
    /// SHA-1 signature except on a self-issued certificate (whose signature nobody verifies).
    /// </summary>
    /// <exception cref="TlsException">Usage error naming the rule.</exception>
    public static void CheckOwnChain(IReadOnlyList<byte[]> chainDer)
    {
        for (int i = 0; i < chainDer.Count; i++)
        {
            Facts facts = ReadOwn(chainDer[i], i);
            if (i == 0)
            {
                CheckEndEntityKeyUsage(facts, TlsErrors.Usage);
            }

            if (facts.SelfIssued)
            {
                continue;
            }

            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
            //# The certificate type MUST be X.509v3 [RFC5280], unless explicitly
            //# negotiated otherwise (e.g., [RFC7250]).
            if (facts.Version != 3)
            {
                throw TlsErrors.Usage($"certificate {i} of the chain (0 = leaf) is X.509v{facts.Version}, not v3");
            }

            // Any configured chain may be sent as the §4.4.2.2 fallback to a client that did not advertise its
            // algorithms (CertificateSelection), so a SHA-1 (or MD5) signature could reach a client that forbids
            // it: refuse it here instead.
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
            //# TLS 1.3 servers MUST NOT offer a SHA-1 signed certificate unless no
            //# valid certificate chain can be produced without it (see Section
            //# 4.4.2.2).
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
            //# This fallback chain SHOULD NOT use the deprecated SHA-1 hash algorithm
            //# in general, but MAY do so if the client's advertisement permits it, and
            //# MUST NOT do so otherwise.
            if (facts.Signature.Digest is Digest.Sha1 or Digest.Md5)
            {
                throw TlsErrors.Usage($"certificate {i} of the chain (0 = leaf) is signed with {facts.Signature.Digest} ({facts.Signature.Oid}); use SHA-256 or better");
            }
        }
    }

    private static void CheckEndEntityKeyUsage(Facts leaf, Func<string, TlsException> error)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
        //# The certificate MUST allow the key to be used for signing (i.e.,
        //# the digitalSignature bit MUST be set if the Key Usage extension is
        //# present) with a signature scheme indicated in the client's
        //# "signature_algorithms"/"signature_algorithms_cert" extensions (see
        //# Section 4.2.3).
        if (leaf.KeyUsage is { } usage && (usage & X509KeyUsageFlags.DigitalSignature) == 0)
        {
            throw error("the end-entity certificate's Key Usage extension does not allow digitalSignature");
        }
    }

    private static void CheckVersion(Facts facts, int index)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
        //# The certificate type MUST be X.509v3 [RFC5280], unless explicitly
        //# negotiated otherwise (e.g., [RFC7250]).
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.3
        //# The certificate type MUST be X.509v3 [RFC5280], unless explicitly
        //# negotiated otherwise (e.g., [RFC7250]).
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
        //# unsupported_certificate:  A certificate was of an unsupported type.
        if (facts.Version != 3)
        {
            throw TlsErrors.Protocol(AlertDescription.UnsupportedCertificate, $"certificate {index} of the peer's chain (0 = leaf) is X.509v{facts.Version}, not v3");
        }
    }

    // Only the signature algorithm is matched, never the signer's key type against the certified key's type.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
    //# Note that a certificate containing a key for one signature algorithm
    //# MAY be signed using a different signature algorithm (for instance, an
    //# RSA key signed with an ECDSA key).
    private static void CheckPeerSignature(Signature signature, IReadOnlyList<SignatureScheme> advertised, int index)
    {
        string which = $"certificate {index} of the peer's chain (0 = leaf)";
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
        //# Any endpoint receiving any certificate which it would need to
        //# validate using any signature algorithm using an MD5 hash MUST abort
        //# the handshake with a "bad_certificate" alert.
        if (signature.Digest == Digest.Md5)
        {
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, $"{which} is signed with an MD5-based algorithm ({signature.Oid})");
        }

        bool acceptable = signature.Schemes.Any(advertised.Contains);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
        //# SHA-1 is deprecated,
        //# and it is RECOMMENDED that any endpoint receiving any certificate
        //# which it would need to validate using any signature algorithm using a
        //# SHA-1 hash abort the handshake with a "bad_certificate" alert.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
        //# All endpoints are RECOMMENDED to transition to SHA-256 or better as
        //# soon as possible to maintain interoperability with implementations
        //# currently in the process of phasing out SHA-1 support.
        // Unless the configuration itself advertises rsa_pkcs1_sha1 / ecdsa_sha1 (as no s2n TLS 1.3 default does).
        if (signature.Digest == Digest.Sha1 && !acceptable)
        {
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, $"{which} is signed with a SHA-1-based algorithm ({signature.Oid})");
        }

        // We never send signature_algorithms_cert, so our signature_algorithms list is the one that applies.
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
        //# If no "signature_algorithms_cert" extension is
        //# present, then the "signature_algorithms" extension also applies to
        //# signatures appearing in certificates.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
        //# If the client cannot construct an acceptable chain using the provided
        //# certificates and decides to abort the handshake, then it MUST abort
        //# the handshake with an appropriate certificate-related alert (by
        //# default, "unsupported_certificate"; see Section 6.2 for more
        //# information).
        if (!acceptable)
        {
            throw TlsErrors.Protocol(AlertDescription.UnsupportedCertificate, $"{which} is signed with {signature.Oid}, which is not among the advertised signature algorithms");
        }
    }

    private static Facts ReadPeer(byte[] der, int index)
    {
        try
        {
            return Read(der);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or FormatException)
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
            //# bad_certificate:  A certificate was corrupt, contained signatures
            //# that did not verify correctly, etc.
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, $"certificate {index} of the peer's chain (0 = leaf) could not be parsed ({e.Message})");
        }
    }

    private static Facts ReadOwn(byte[] der, int index)
    {
        try
        {
            return Read(der);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or FormatException)
        {
            throw TlsErrors.Usage($"certificate {index} of the chain (0 = leaf) could not be parsed ({e.Message})");
        }
    }

    private const string KeyUsageOid = "2.5.29.15";

    /// <summary>
    /// Reads version, issuer/subject and Key Usage straight from the DER TBSCertificate (RFC 5280 §4.1): this runs
    /// on every handshake, and loading an X509Certificate2 per certificate cost about 0.3 ms per handshake.
    /// Path validation (X509Chain) still parses the chain fully afterwards.
    /// </summary>
    private static Facts Read(byte[] der)
    {
        AsnReader tbs = new AsnReader(der, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        int version = 1;
        var explicit0 = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (tbs.PeekTag().HasSameClassAndValue(explicit0))
        {
            AsnReader versionField = tbs.ReadSequence(explicit0);
            // A version number that does not fit is refused like any other non-v3 certificate (v3 is 2).
            version = versionField.TryReadInt32(out int encoded) && encoded is >= 0 and < 100 ? encoded + 1 : 0;
            versionField.ThrowIfNotEmpty();
        }

        tbs.ReadEncodedValue(); // serialNumber
        tbs.ReadEncodedValue(); // signature
        ReadOnlyMemory<byte> issuer = tbs.ReadEncodedValue();
        tbs.ReadEncodedValue(); // validity
        ReadOnlyMemory<byte> subject = tbs.ReadEncodedValue();
        tbs.ReadEncodedValue(); // subjectPublicKeyInfo
        return new Facts(version, issuer.Span.SequenceEqual(subject.Span), ReadKeyUsage(tbs), CertificateSignatureAlgorithm.Read(der));
    }

    /// <summary>The Key Usage extension's bits as X509KeyUsageFlags (first byte low, as .NET numbers them), or null.</summary>
    private static X509KeyUsageFlags? ReadKeyUsage(AsnReader tbs)
    {
        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
        while (tbs.HasData)
        {
            if (!tbs.PeekTag().HasSameClassAndValue(extensionsTag))
            {
                tbs.ReadEncodedValue(); // issuerUniqueID / subjectUniqueID
                continue;
            }

            AsnReader extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
            while (extensions.HasData)
            {
                AsnReader extension = extensions.ReadSequence();
                if (extension.ReadObjectIdentifier() != KeyUsageOid)
                {
                    continue;
                }

                if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                {
                    extension.ReadBoolean(); // critical
                }

                byte[] bits = new AsnReader(extension.ReadOctetString(), AsnEncodingRules.DER).ReadBitString(out _);
                int flags = (bits.Length > 0 ? bits[0] : 0) | (bits.Length > 1 ? bits[1] << 8 : 0);
                return (X509KeyUsageFlags)flags;
            }
        }

        return null;
    }
}
