using System.Formats.Asn1;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Reference.Tls.Certificates;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Record;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Tests.Malformed;

namespace Reference.Tls.Tests.Compliance;

/// <summary>
/// RFC 8446 requirements on algorithms and on failure handling: AEAD limits (§5.2, §5.3), signature schemes
/// and key OIDs (§4.2.3), forbidden suites and hellos (Appendix D.5), erasing keys and naming the alert (§6, §6.2).
/// </summary>
public class AlgorithmComplianceTests
{
    private static readonly byte[] Message = "TLS 1.3, server CertificateVerify test content"u8.ToArray();

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
    //= type=test
    //# An AEAD algorithm used in TLS 1.3 MUST NOT produce an expansion
    //# greater than 255 octets.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.3
    //= type=test
    //# An AEAD algorithm where N_MAX is less than 8 bytes
    //# MUST NOT be used with TLS.
    [Fact]
    public void Every_suite_expands_a_record_by_at_most_255_octets_and_uses_a_nonce_of_at_least_8_bytes()
    {
        Assert.Equal(3, CipherSuiteSpec.All.Count);
        Assert.True(CipherSuiteSpec.IvLength >= 8);
        Assert.True(RecordProtector.TagLength <= 255);
        foreach (var spec in CipherSuiteSpec.All)
        {
            using var writer = RecordProtector.Create(spec, new byte[spec.HashLength]);
            foreach (int length in new[] { 0, 1, 1000, RecordProtector.MaxPlaintext })
            {
                var content = new byte[length];
                var record = new byte[RecordProtector.SealedLength(length, 0)];
                writer.Seal(ContentType.ApplicationData, content, 0, record);
                int expansion = record.Length - 5 - (length + 1);
                Assert.InRange(expansion, 1, 255);
            }
        }
    }

    /// <summary>Every known cipher suite value in the RC4, NULL, EXPORT, DES and 3DES families (IANA TLS registry).</summary>
    private static readonly ushort[] WeakSuites =
    [
        0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0008, 0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x000E,
        0x000F, 0x0010, 0x0011, 0x0012, 0x0013, 0x0014, 0x0015, 0x0016, 0x0017, 0x0018, 0x0019, 0x001A, 0x001B, 0x002C,
        0x002D, 0x002E, 0x003B, 0x0060, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x008A, 0x008B, 0x008E, 0x008F,
        0x0092, 0x0093, 0x00B0, 0x00B1, 0x00B4, 0x00B5, 0x00B8, 0x00B9, 0xC001, 0xC002, 0xC003, 0xC006, 0xC007, 0xC008,
        0xC00B, 0xC00C, 0xC00D, 0xC010, 0xC011, 0xC012, 0xC015, 0xC016, 0xC017, 0xC01A, 0xC01B, 0xC01C, 0xC033, 0xC034,
        0xC039, 0xC03A, 0xC03B,
    ];

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //= type=test
    //# Implementations MUST NOT offer or
    //# negotiate RC4 cipher suites for any version of TLS for any reason.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //= type=test
    //# Ciphers with a strength less than 112 bits MUST NOT be offered or
    //# negotiated for any version of TLS for any reason.
    [Fact]
    public void No_policy_offers_an_RC4_NULL_EXPORT_or_DES_suite_and_only_the_three_TLS_1_3_suites_can_be_negotiated()
    {
        foreach (var name in SecurityPolicies.Names)
        {
            Assert.DoesNotContain(SecurityPolicies.Get(name).WireCipherSuites, WeakSuites.Contains);
        }

        var negotiable = Enumerable.Range(0, 0x10000).Where(v => CipherSuiteSpec.TryGet((ushort)v, out _)).ToArray();
        Assert.Equal([0x1301, 0x1302, 0x1303], negotiable);
    }

    [Fact]
    public void A_server_offered_weak_suites_first_still_picks_a_TLS_1_3_suite_and_refuses_weak_suites_alone()
    {
        using (var s = new Scenario())
        {
            var h = Scenario.ParseClientHello(s.ClientHelloRecord());
            s.Server.Feed(Scenario.ClientHelloRecord(Scenario.With(h, suites: [0x0005, 0x0004, 0x000A, 0x0003, (ushort)Scenario.Suite])));
            var hello = ServerHello.Parse(Bytes.SplitHandshake(Bytes.SplitRecords(Scenario.Take(s.Server))[0].Payload)[0].AsSpan(4));
            Assert.Equal((ushort)Scenario.Suite, hello.CipherSuite);
        }

        using (var s = new Scenario())
        {
            var h = Scenario.ParseClientHello(s.ClientHelloRecord());
            Fatal.OnFeed(s.Server, AlertDescription.HandshakeFailure, Scenario.ClientHelloRecord(Scenario.With(h, suites: [0x0005, 0x0004, 0x000A, 0x0003])));
        }
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //= type=test
    //# Implementations MUST NOT negotiate TLS 1.3 or later
    //# using an SSL version 2.0 compatible CLIENT-HELLO.
    [Fact]
    public void An_SSL_2_0_compatible_CLIENT_HELLO_is_refused()
    {
        using var s = new Scenario();
        // 2-byte header (high bit set, length 34), CLIENT-HELLO (1), version 0x0303, three 3-byte cipher specs,
        // no session id, a 16-byte challenge.
        var hello = Bytes.Concat([0x80, 0x22, 0x01, 0x03, 0x03, 0x00, 0x09, 0x00, 0x00, 0x00, 0x10],
            [0x00, 0x13, 0x01, 0x00, 0x13, 0x02, 0x00, 0x00, 0x2F], new byte[16]);
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, hello);
        Assert.False(s.Server.IsHandshakeComplete);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //= type=test
    //# Implementations MUST NOT use the Truncated HMAC extension, defined in
    //# Section 7 of [RFC6066], as it is not applicable to AEAD algorithms
    //# and has been shown to be insecure in some scenarios.
    [Fact]
    public void Truncated_HMAC_is_never_offered_and_never_answered()
    {
        const ExtensionType TruncatedHmac = (ExtensionType)4;
        var trust = InMemoryPair.Configs().Client.TrustStore;
        foreach (var config in SecurityPolicies.Names.Select(n => TlsConfig.FromPolicy(n) with { TrustStore = trust }).Append(new TlsConfig { TrustStore = trust }))
        {
            using var client = TlsConnection.CreateClient(config, "localhost");
            Assert.Null(ExtensionBlock.Find(Scenario.ParseClientHello(Scenario.Take(client)).Extensions, TruncatedHmac));
        }

        using var s = new Scenario();
        var h = Scenario.ParseClientHello(s.ClientHelloRecord());
        s.Server.Feed(Scenario.ClientHelloRecord(Scenario.With(h, extensions: Scenario.SetExtension(h, TruncatedHmac, []))));
        var flight = Scenario.Take(s.Server);
        List<byte[]> messages = [];
        Bytes.RewriteProtectedHandshake(flight, Scenario.Suite, s.ServerKeys["SERVER_HANDSHAKE_TRAFFIC_SECRET"], m =>
        {
            messages = m;
            return m;
        });
        var ee = EncryptedExtensions.Parse(messages.Single(m => m[0] == (byte)HandshakeType.EncryptedExtensions).AsSpan(4));
        Assert.Null(ExtensionBlock.Find(ee.Extensions, TruncatedHmac));
        var hello = ServerHello.Parse(Bytes.SplitHandshake(Bytes.SplitRecords(flight)[0].Payload)[0].AsSpan(4));
        Assert.Null(ExtensionBlock.Find(hello.Extensions, TruncatedHmac));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# Clients
    //# offering these values MUST list them as the lowest priority
    //# (listed after all other algorithms in SignatureSchemeList).
    [Fact]
    public void SHA_1_schemes_if_offered_come_after_all_others()
    {
        ushort[] sha1 = [0x0201, 0x0202, 0x0203];
        var trust = InMemoryPair.Configs().Client.TrustStore;
        int policiesWithSha1 = 0;
        foreach (var config in SecurityPolicies.Names.Select(n => TlsConfig.FromPolicy(n) with { TrustStore = trust }).Append(new TlsConfig { TrustStore = trust }))
        {
            using var client = TlsConnection.CreateClient(config, "localhost");
            var hello = Scenario.ParseClientHello(Scenario.Take(client));
            var offered = U16ListExtension.Decode(ExtensionBlock.Find(hello.Extensions, ExtensionType.SignatureAlgorithms)!, "signature_algorithms");
            int firstSha1 = offered.FindIndex(sha1.Contains);
            if (firstSha1 >= 0)
            {
                policiesWithSha1++;
                Assert.All(offered.Skip(firstSha1), v => Assert.Contains(v, sha1));
            }
        }

        Assert.True(policiesWithSha1 > 0, "no policy offers a SHA-1 scheme, so the ordering rule was not exercised");
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# In particular, MD5 [SLOTH], SHA-224, and DSA
    //# MUST NOT be used.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# Endpoints SHOULD NOT negotiate these algorithms but are
    //# permitted to do so solely for backward compatibility.
    [Theory]
    [InlineData(0x0201)]
    [InlineData(0x0203)]
    [InlineData(0x0101)]
    [InlineData(0x0102)]
    [InlineData(0x0103)]
    [InlineData(0x0202)]
    [InlineData(0x0301)]
    [InlineData(0x0302)]
    [InlineData(0x0303)]
    [InlineData(0x0402)]
    [InlineData(0x0502)]
    [InlineData(0x0602)]
    public void MD5_SHA_1_SHA_224_and_DSA_schemes_are_refused_for_CertificateVerify(int scheme)
    {
        Assert.False(SignatureVerifier.IsSupported((SignatureScheme)scheme));
        var leaf = Leaf(InMemoryPair.Pki(KeyKind.EcdsaP256).ServerChainPem);
        var e = Assert.Throws<TlsException>(() => SignatureVerifier.Verify((SignatureScheme)scheme, leaf, Message, new byte[64]));
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    private static byte[] Leaf(string chainPem)
    {
        using var certificate = X509Certificate2.CreateFromPem(chainPem);
        return certificate.RawData;
    }

    /// <summary>The private key of the Rsa2048 test PKI's server leaf.</summary>
    private static RSA RsaKey()
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(InMemoryPair.Pki(KeyKind.Rsa2048).ServerKeyPem);
        return rsa;
    }

    /// <summary>A certificate for the Rsa2048 server key whose SubjectPublicKeyInfo uses id-RSASSA-PSS, with <paramref name="parameters"/>.</summary>
    private static byte[] PssOidCertificate(RSA key, byte[]? parameters)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(PublicKeys.RsaPssOid);
                if (parameters is not null)
                {
                    writer.WriteEncodedValue(parameters);
                }
            }

            writer.WriteBitString(key.ExportRSAPublicKey());
        }

        var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(writer.Encode(), out _);
        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(new X500DistinguishedName("CN=pss"), publicKey, HashAlgorithmName.SHA256);
        using var certificate = request.Create(new X500DistinguishedName("CN=issuer"), X509SignatureGenerator.CreateForECDsa(issuerKey),
            DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), new byte[] { 1, 2, 3 });
        return certificate.RawData;
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# If the public key is carried in an X.509
    //# certificate, it MUST use the rsaEncryption OID [RFC5280].
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# If the public key is carried in an X.509 certificate,
    //# it MUST use the RSASSA-PSS OID [RFC5756].
    [Fact]
    public void RSAE_schemes_need_an_rsaEncryption_key_and_PSS_schemes_an_RSASSA_PSS_key()
    {
        using var rsa = RsaKey();
        var signature = rsa.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        var rsaeLeaf = Leaf(InMemoryPair.Pki(KeyKind.Rsa2048).ServerChainPem);
        var pssLeaf = PssOidCertificate(rsa, parameters: null);

        Assert.True(SignatureVerifier.Verify(SignatureScheme.RsaPssRsaeSha256, rsaeLeaf, Message, signature));
        Assert.True(SignatureVerifier.Verify(SignatureScheme.RsaPssPssSha256, pssLeaf, Message, signature));
        Assert.Equal(AlertDescription.IllegalParameter,
            Assert.Throws<TlsException>(() => SignatureVerifier.Verify(SignatureScheme.RsaPssPssSha256, rsaeLeaf, Message, signature)).Alert);
        Assert.Equal(AlertDescription.IllegalParameter,
            Assert.Throws<TlsException>(() => SignatureVerifier.Verify(SignatureScheme.RsaPssRsaeSha256, pssLeaf, Message, signature)).Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# If the corresponding public key's parameters are
    //# present, then the parameters in the signature MUST be identical to
    //# those in the public key.
    [Fact]
    public void An_RSASSA_PSS_key_restricted_to_SHA_256_verifies_only_rsa_pss_pss_sha256()
    {
        // RSASSA-PSS-params { hashAlgorithm [0] { sha256 } }.
        byte[] sha256Only = Convert.FromHexString("300FA00D300B0609608648016503040201");
        using var rsa = RsaKey();
        var leaf = PssOidCertificate(rsa, sha256Only);
        Assert.True(SignatureVerifier.Verify(SignatureScheme.RsaPssPssSha256, leaf, Message, rsa.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)));
        var sha384 = rsa.SignData(Message, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        Assert.Equal(AlertDescription.IllegalParameter,
            Assert.Throws<TlsException>(() => SignatureVerifier.Verify(SignatureScheme.RsaPssPssSha384, leaf, Message, sha384)).Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# The length of the Salt MUST be equal to the length of the output
    //# of the digest algorithm.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# The length of the Salt MUST be equal to the length of the digest
    //# algorithm.
    [Theory]
    [InlineData(32, true)]
    [InlineData(0, false)]
    [InlineData(20, false)]
    [InlineData(64, false)]
    public void An_RSASSA_PSS_signature_verifies_only_with_a_salt_as_long_as_the_hash(int saltLength, bool verifies)
    {
        using var rsa = RsaKey();
        var keyPair = DotNetUtilities.GetRsaKeyPair(rsa);
        var signer = new PssSigner(new RsaBlindedEngine(), new Sha256Digest(), saltLength);
        signer.Init(true, new Org.BouncyCastle.Crypto.Parameters.ParametersWithRandom(keyPair.Private, new SecureRandom()));
        signer.BlockUpdate(Message, 0, Message.Length);
        var signature = signer.GenerateSignature();
        var rsaeLeaf = Leaf(InMemoryPair.Pki(KeyKind.Rsa2048).ServerChainPem);
        Assert.Equal(verifies, SignatureVerifier.Verify(SignatureScheme.RsaPssRsaeSha256, rsaeLeaf, Message, signature));
        Assert.Equal(verifies, SignatureVerifier.Verify(SignatureScheme.RsaPssPssSha256, PssOidCertificate(rsa, null), Message, signature));
    }

    private static RecordLayer Records(TlsConnection connection) =>
        (RecordLayer)typeof(TlsConnection).GetField("_records", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(connection)!;

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Servers and
    //# clients MUST forget the secret values and keys established in failed
    //# connections, with the exception of the PSKs associated with session
    //# tickets, which SHOULD be discarded if possible.
    [Fact]
    public void A_failed_connection_holds_no_record_keys()
    {
        using var s = new Scenario();
        var flight = s.ServerFlight();
        Assert.True(Records(s.Server).HasWriteKey);
        Assert.True(Records(s.Server).HasReadKey);
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, Bytes.Record(ContentType.Handshake, Bytes.Handshake(HandshakeType.ClientHello, [])), s.ServerKeys);
        Assert.False(Records(s.Server).HasWriteKey);
        Assert.False(Records(s.Server).HasReadKey);
        Assert.NotEmpty(flight);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
    //= type=test
    //# The phrases "terminate the connection with an X alert" and "abort the
    //# handshake with an X alert" mean that the implementation MUST send alert
    //# X if it sends any alert.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
    //= type=test
    //# In the rest of this specification, when the phrases "terminate the
    //# connection" and "abort the handshake" are used without a specific alert
    //# it means that the implementation SHOULD send the alert indicated by the
    //# descriptions below.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Peers which receive a message which
    //# cannot be parsed according to the syntax (e.g., have a length
    //# extending beyond the message boundary or contain an out-of-range
    //# length) MUST terminate the connection with a "decode_error" alert.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Peers which receive a message which is syntactically correct but
    //# semantically invalid (e.g., a DHE share of p - 1, or an invalid enum)
    //# MUST terminate the connection with an "illegal_parameter" alert.
    [Theory]
    [InlineData("truncated", AlertDescription.DecodeError)]
    [InlineData("duplicate extension", AlertDescription.IllegalParameter)]
    [InlineData("compression", AlertDescription.IllegalParameter)]
    [InlineData("legacy_version 0x0300", AlertDescription.ProtocolVersion)]
    [InlineData("Finished first", AlertDescription.UnexpectedMessage)]
    public void The_alert_sent_is_the_one_the_failure_names(string defect, AlertDescription alert)
    {
        using var s = new Scenario();
        var record = s.ClientHelloRecord();
        var h = Scenario.ParseClientHello(record);
        byte[] bad = defect switch
        {
            "truncated" => Bytes.HandshakeRecord(HandshakeType.ClientHello, Bytes.SplitHandshake(Bytes.SplitRecords(record)[0].Payload)[0][4..^3]),
            "duplicate extension" => Scenario.ClientHelloRecord(Scenario.With(h, extensions: [.. h.Extensions, h.Extensions[0]])),
            "compression" => Scenario.ClientHelloRecord(Scenario.With(h, compression: [1])),
            "legacy_version 0x0300" => Scenario.ClientHelloRecord(Scenario.With(h, version: 0x0300)),
            _ => Bytes.HandshakeRecord(HandshakeType.Finished, new byte[32]),
        };
        var e = Fatal.OnFeed(s.Server, alert, bad);
        Assert.Equal(alert, e.Alert);
        Assert.Equal(new byte[] { 2, (byte)alert }, Bytes.SplitRecords(s.Server.PendingOutput)[^1].Payload);
    }
}
