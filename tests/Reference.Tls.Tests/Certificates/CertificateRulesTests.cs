using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Reference.Tls.Certificates;
using Xunit;
using BcKeyUsage = Org.BouncyCastle.Asn1.X509.KeyUsage;

namespace Reference.Tls.Tests.Certificates;

/// <summary>
/// RFC 8446 §4.2.3 / §4.4.2.x certificate rules on chains made with BouncyCastle (MD5, SHA-1, v1, Key Usage,
/// RSASSA-PSS parameters), checked on receipt and at configuration time.
/// </summary>
public sealed class CertificateRulesTests
{
    private static readonly Lazy<AsymmetricCipherKeyPair> CaKey = new(() =>
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new KeyGenerationParameters(new SecureRandom(), 2048));
        return generator.GenerateKeyPair();
    });

    private static readonly Lazy<ECDsa> LeafKey = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));

    private static readonly X509Name CaName = new("CN=Rules Test CA");

    private static readonly IReadOnlyList<SignatureScheme> Defaults = new TlsConfig().SignatureSchemes;

    // s2n's default_tls13 list: rsa_pkcs1_sha256.. and ecdsa, no SHA-1.
    private static readonly IReadOnlyList<SignatureScheme> DefaultTls13 = TlsConfig.FromPolicy("default_tls13").SignatureSchemes;

    // s2n's 20190801 list ends with rsa_pkcs1_sha1 and ecdsa_sha1 (for TLS 1.2).
    private static readonly IReadOnlyList<SignatureScheme> S2n20190801 = TlsConfig.FromPolicy("20190801").SignatureSchemes;

    /// <summary>A self-signed v3 CA (SHA-256 RSA unless told otherwise).</summary>
    private static byte[] Root(string algorithm = "SHA256WITHRSA")
    {
        var generator = new X509V3CertificateGenerator();
        Common(generator.SetSerialNumber, generator.SetIssuerDN, generator.SetNotBefore, generator.SetNotAfter);
        generator.SetSubjectDN(CaName);
        generator.SetPublicKey(CaKey.Value.Public);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(true));
        return generator.Generate(new Asn1SignatureFactory(algorithm, CaKey.Value.Private)).GetEncoded();
    }

    /// <summary>An end-entity certificate for <see cref="LeafKey"/>, issued by the CA with <paramref name="algorithm"/>.</summary>
    private static byte[] Leaf(string algorithm, int? keyUsage = BcKeyUsage.DigitalSignature, bool v1 = false)
    {
        var publicKey = PublicKeyFactory.CreateKey(LeafKey.Value.ExportSubjectPublicKeyInfo());
        var signer = new Asn1SignatureFactory(algorithm, CaKey.Value.Private);
        if (v1)
        {
            var v1Generator = new X509V1CertificateGenerator();
            Common(v1Generator.SetSerialNumber, v1Generator.SetIssuerDN, v1Generator.SetNotBefore, v1Generator.SetNotAfter);
            v1Generator.SetSubjectDN(new X509Name("CN=localhost"));
            v1Generator.SetPublicKey(publicKey);
            return v1Generator.Generate(signer).GetEncoded();
        }

        var generator = new X509V3CertificateGenerator();
        Common(generator.SetSerialNumber, generator.SetIssuerDN, generator.SetNotBefore, generator.SetNotAfter);
        generator.SetSubjectDN(new X509Name("CN=localhost"));
        generator.SetPublicKey(publicKey);
        if (keyUsage is { } usage)
        {
            generator.AddExtension(X509Extensions.KeyUsage, true, new BcKeyUsage(usage));
        }

        return generator.Generate(signer).GetEncoded();
    }

    private static void Common(Action<BigInteger> serial, Action<X509Name> issuer, Action<DateTime> notBefore, Action<DateTime> notAfter)
    {
        serial(BigInteger.ValueOf(RandomNumberGenerator.GetInt32(1, int.MaxValue)));
        issuer(CaName);
        notBefore(DateTime.UtcNow.AddHours(-1));
        notAfter(DateTime.UtcNow.AddDays(1));
    }

    private static void Check(IReadOnlyList<SignatureScheme> advertised, params byte[][] chain) =>
        CertificateRules.CheckPeerChain(chain, advertised, _ => false);

    private static void AssertRejected(AlertDescription alert, IReadOnlyList<SignatureScheme> advertised, params byte[][] chain)
    {
        var e = Assert.Throws<TlsException>(() => Check(advertised, chain));
        Assert.Equal((TlsErrorType.Protocol, alert), (e.ErrorType, e.Alert));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
    //= type=test
    //# Any endpoint receiving any certificate which it would need to
    //# validate using any signature algorithm using an MD5 hash MUST abort
    //# the handshake with a "bad_certificate" alert.
    [Fact]
    public void An_MD5_signed_certificate_is_a_bad_certificate_whatever_is_advertised()
    {
        SignatureScheme[] everything = [.. Enum.GetValues<SignatureScheme>()];
        AssertRejected(AlertDescription.BadCertificate, everything, Leaf("MD5WITHRSA"), Root());
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
    //= type=test
    //# SHA-1 is deprecated,
    //# and it is RECOMMENDED that any endpoint receiving any certificate
    //# which it would need to validate using any signature algorithm using a
    //# SHA-1 hash abort the handshake with a "bad_certificate" alert.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
    //= type=test
    //# All endpoints are RECOMMENDED to transition to SHA-256 or better as
    //# soon as possible to maintain interoperability with implementations
    //# currently in the process of phasing out SHA-1 support.
    [Fact]
    public void A_SHA1_signed_certificate_is_a_bad_certificate_unless_SHA1_is_advertised()
    {
        AssertRejected(AlertDescription.BadCertificate, Defaults, Leaf("SHA1WITHRSA"), Root());
        AssertRejected(AlertDescription.BadCertificate, DefaultTls13, Leaf("SHA1WITHRSA"), Root());
        Check([.. Defaults, SignatureScheme.RsaPkcs1Sha1], Leaf("SHA1WITHRSA"), Root());
        Check(S2n20190801, Leaf("SHA1WITHRSA"), Root());
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
    //= type=test
    //# For
    //# clarity, this means that endpoints can accept these algorithms for
    //# certificates that are self-signed or are trust anchors.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# The signatures on certificates that are self-signed or certificates
    //# that are trust anchors are not validated, since they begin a
    //# certification path (see [RFC5280], Section 3.2).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# A certificate that begins a certification
    //# path MAY use a signature algorithm that is not advertised as being
    //# supported in the "signature_algorithms" extension.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
    //= type=test
    //# Certificates that are self-signed
    //# or certificates that are expected to be trust anchors are not
    //# validated as part of the chain and therefore MAY be signed with any
    //# algorithm.
    [Fact]
    public void Self_signed_roots_and_trust_anchors_may_use_any_signature_algorithm()
    {
        Check(DefaultTls13, Leaf("SHA256WITHRSA"), Root("MD5WITHRSA"));
        Check(DefaultTls13, Leaf("SHA256WITHRSA"), Root("SHA1WITHRSA"));

        byte[] anchor = Leaf("SHA1WITHRSA");
        CertificateRules.CheckPeerChain([Leaf("SHA256WITHRSA"), anchor], DefaultTls13, der => der.AsSpan().SequenceEqual(anchor));
        AssertRejected(AlertDescription.BadCertificate, DefaultTls13, Leaf("SHA256WITHRSA"), anchor);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# If no "signature_algorithms_cert" extension is
    //# present, then the "signature_algorithms" extension also applies to
    //# signatures appearing in certificates.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
    //= type=test
    //# If the client cannot construct an acceptable chain using the provided
    //# certificates and decides to abort the handshake, then it MUST abort
    //# the handshake with an appropriate certificate-related alert (by
    //# default, "unsupported_certificate"; see Section 6.2 for more
    //# information).
    [Theory]
    [InlineData("SHA256WITHRSA", SignatureScheme.RsaPkcs1Sha256)]
    [InlineData("SHA384WITHRSA", SignatureScheme.RsaPkcs1Sha384)]
    [InlineData("SHA512WITHRSA", SignatureScheme.RsaPkcs1Sha512)]
    [InlineData("SHA256WITHRSAANDMGF1", SignatureScheme.RsaPssRsaeSha256)]
    [InlineData("SHA384WITHRSAANDMGF1", SignatureScheme.RsaPssRsaeSha384)]
    [InlineData("SHA512WITHRSAANDMGF1", SignatureScheme.RsaPssPssSha512)]
    // The leaf key is ECDSA P-256, signed by an RSA CA: a key of one algorithm signed with another is accepted.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
    //= type=test
    //# Note that a certificate containing a key for one signature algorithm
    //# MAY be signed using a different signature algorithm (for instance, an
    //# RSA key signed with an ECDSA key).
    public void A_certificate_signature_must_be_an_advertised_scheme(string algorithm, SignatureScheme scheme)
    {
        byte[] leaf = Leaf(algorithm);
        Check([SignatureScheme.EcdsaSecp256r1Sha256, scheme], leaf, Root());
        AssertRejected(AlertDescription.UnsupportedCertificate, [SignatureScheme.EcdsaSecp256r1Sha256], leaf, Root());
    }

    // Most CA-issued chains are signed with RSASSA-PKCS1-v1_5: the default configuration must accept them
    // (as s2n's policies do) while still never accepting PKCS#1 in CertificateVerify.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.1
    //= type=test
    //# A TLS-compliant application MUST support digital signatures with
    //# rsa_pkcs1_sha256 (for certificates), rsa_pss_rsae_sha256 (for
    //# CertificateVerify and certificates), and ecdsa_secp256r1_sha256.
    [Theory]
    [InlineData("SHA256WITHRSA")]
    [InlineData("SHA384WITHRSA")]
    [InlineData("SHA512WITHRSA")]
    public void The_default_configuration_accepts_common_CA_signature_algorithms(string algorithm)
    {
        Check(Defaults, Leaf(algorithm), Root());
        Check(DefaultTls13, Leaf(algorithm), Root());
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# When used in
    //# certificate signatures, the algorithm parameters MUST be DER
    //# encoded.
    [Fact]
    public void RSASSA_PSS_parameters_that_are_not_DER_are_a_bad_certificate()
    {
        byte[] leaf = Leaf("SHA256WITHRSAANDMGF1");
        Check(Defaults, leaf, Root());
        // The same parameters with trailerField 1 spelled out: BER allows it, DER does not (it is the DEFAULT).
        byte[] explicitTrailer = WithOuterPssParameters(leaf, trailer: 1);
        AssertRejected(AlertDescription.BadCertificate, Defaults, explicitTrailer, Root());
        // A trailer other than the default is valid DER but names no TLS scheme.
        AssertRejected(AlertDescription.UnsupportedCertificate, Defaults, WithOuterPssParameters(leaf, trailer: 2), Root());
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
    //= type=test
    //# The certificate type MUST be X.509v3 [RFC5280], unless explicitly
    //# negotiated otherwise (e.g., [RFC7250]).
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.3
    //= type=test
    //# The certificate type MUST be X.509v3 [RFC5280], unless explicitly
    //# negotiated otherwise (e.g., [RFC7250]).
    [Fact]
    public void An_X509v1_certificate_is_an_unsupported_certificate()
    {
        AssertRejected(AlertDescription.UnsupportedCertificate, DefaultTls13, Leaf("SHA256WITHRSA", v1: true), Root());
        var e = Assert.Throws<TlsException>(() => CertificateRules.CheckOwnChain([Leaf("SHA256WITHRSA", v1: true), Root()]));
        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
    //= type=test
    //# The certificate MUST allow the key to be used for signing (i.e.,
    //# the digitalSignature bit MUST be set if the Key Usage extension is
    //# present) with a signature scheme indicated in the client's
    //# "signature_algorithms"/"signature_algorithms_cert" extensions (see
    //# Section 4.2.3).
    [Fact]
    public void The_end_entity_key_usage_must_allow_digitalSignature_if_present()
    {
        Check(DefaultTls13, Leaf("SHA256WITHRSA", keyUsage: null), Root());
        Check(DefaultTls13, Leaf("SHA256WITHRSA", keyUsage: BcKeyUsage.DigitalSignature | BcKeyUsage.KeyEncipherment), Root());
        AssertRejected(AlertDescription.UnsupportedCertificate, DefaultTls13, Leaf("SHA256WITHRSA", keyUsage: BcKeyUsage.KeyEncipherment), Root());

        // The same rule for our own certificate, when it is configured.
        string chainPem = Pem(Leaf("SHA256WITHRSA", keyUsage: BcKeyUsage.KeyAgreement)) + Pem(Root());
        var e = Assert.Throws<TlsException>(() => CertificateKeyPair.FromPem(chainPem, LeafKey.Value.ExportPkcs8PrivateKeyPem()));
        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
        Assert.Contains("digitalSignature", e.Message);
        using var good = CertificateKeyPair.FromPem(Pem(Leaf("SHA256WITHRSA")) + Pem(Root()), LeafKey.Value.ExportPkcs8PrivateKeyPem());
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# TLS 1.3 servers MUST NOT offer a SHA-1 signed certificate unless no
    //# valid certificate chain can be produced without it (see Section
    //# 4.4.2.2).
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
    //= type=test
    //# This fallback chain SHOULD NOT use the deprecated SHA-1 hash algorithm
    //# in general, but MAY do so if the client's advertisement permits it, and
    //# MUST NOT do so otherwise.
    [Theory]
    [InlineData("SHA1WITHRSA")]
    [InlineData("MD5WITHRSA")]
    public void A_SHA1_or_MD5_signed_chain_cannot_be_configured(string algorithm)
    {
        string key = LeafKey.Value.ExportPkcs8PrivateKeyPem();
        var e = Assert.Throws<TlsException>(() => CertificateKeyPair.FromPem(Pem(Leaf(algorithm)) + Pem(Root()), key));
        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
        // A self-signed root is not verified by anyone, so its own signature algorithm does not matter.
        using var pair = CertificateKeyPair.FromPem(Pem(Leaf("SHA256WITHRSA")) + Pem(Root(algorithm)), key);
    }

    private static string Pem(byte[] der) => PemEncoding.WriteString("CERTIFICATE", der) + "\n";

    /// <summary>
    /// Rewrites the outer signatureAlgorithm (not covered by the signature) with PSS-SHA256 parameters that spell
    /// out trailerField.
    /// </summary>
    private static byte[] WithOuterPssParameters(byte[] certificate, int trailer)
    {
        var outer = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence();
        ReadOnlyMemory<byte> tbs = outer.ReadEncodedValue();
        outer.ReadEncodedValue();
        byte[] signature = outer.ReadBitString(out _);

        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(tbs.Span);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.113549.1.1.10");
                using (writer.PushSequence())
                {
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                    {
                        WriteSha256(writer);
                    }

                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1)))
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier("1.2.840.113549.1.1.8");
                        WriteSha256(writer);
                    }

                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2)))
                    {
                        writer.WriteInteger(32);
                    }

                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3)))
                    {
                        writer.WriteInteger(trailer);
                    }
                }
            }

            writer.WriteBitString(signature);
        }

        return writer.Encode();
    }

    private static void WriteSha256(AsnWriter writer)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("2.16.840.1.101.3.4.2.1");
        }
    }
}
