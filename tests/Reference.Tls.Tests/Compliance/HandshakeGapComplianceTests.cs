using Reference.Tls.Certificates;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.KeySchedule;
using Reference.Tls.Record;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Tests.Malformed;

namespace Reference.Tls.Tests.Compliance;

/// <summary>
/// RFC 8446 requirements on what a receiver checks or ignores in HelloRetryRequest, ServerHello, the server's
/// encrypted flight, the client's flight and post-handshake messages (§4.1.4, §4.2.1, §4.2.7, §4.3.2, §4.4.2,
/// §4.4.3, §4.6.1, §4.6.3, Appendix D.2).
/// </summary>
public class HandshakeGapComplianceTests
{
    private const string ServerHandshake = "SERVER_HANDSHAKE_TRAFFIC_SECRET";
    private const string ClientHandshake = "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    private static readonly byte[] Tls13 = SupportedVersionsExtension.EncodeServer(ProtocolVersion.Tls13);

    private static byte[] Record(ServerHello hello) => Bytes.HandshakeRecord(HandshakeType.ServerHello, Bytes.Write(hello.Write));

    /// <summary>A ServerHello (or HelloRetryRequest) that the client of <paramref name="s"/> accepts; each argument changes one field.</summary>
    private static ServerHello Hello(ClientHello sent, bool retry = false, ushort version = ProtocolVersion.Tls12, byte[]? sessionId = null,
        ushort? suite = null, byte compression = 0, byte[]? versions = null)
    {
        using var share = KeyShare.Generate(NamedGroup.X25519);
        var keyShare = retry
            ? new Extension(ExtensionType.KeyShare, KeyShareExtension.EncodeHelloRetry(NamedGroup.Secp256r1))
            : new Extension(ExtensionType.KeyShare, KeyShareExtension.EncodeServer(new(NamedGroup.X25519, share.PublicKey)));
        var extensions = new List<Extension> { keyShare };
        if (versions is not null)
        {
            extensions.Add(new(ExtensionType.SupportedVersions, versions));
        }

        return new ServerHello
        {
            LegacyVersion = version,
            Random = retry ? ServerHello.HelloRetryRequestRandom : Enumerable.Repeat((byte)0x5A, 32).ToArray(),
            LegacySessionIdEcho = sessionId ?? sent.LegacySessionId,
            CipherSuite = suite ?? sent.CipherSuites.First(c => CipherSuiteSpec.TryGet(c, out _)),
            LegacyCompressionMethod = compression,
            Extensions = extensions,
        };
    }

    private static Scenario MutualScenario(Func<TlsConfig, TlsConfig>? server = null)
    {
        var pki = InMemoryPair.Pki(KeyKind.EcdsaP256);
        return new Scenario(ClientAuthMode.Required, client: c => new TlsConfig
        {
            TrustStore = c.TrustStore, CipherSuites = c.CipherSuites, KeyLogCallback = c.KeyLogCallback,
            Certificate = CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem),
        }, server: server);
    }

    private static byte[] Message(HandshakeType type, Action<Reference.Tls.Wire.TlsWriter> write) => Bytes.Handshake(type, Bytes.Write(write));

    /// <summary>The server's protected messages up to and including the first <paramref name="last"/>, with <paramref name="edit"/> applied.</summary>
    private static byte[] ServerFlightUpTo(Scenario s, HandshakeType last, Func<byte[], byte[]> edit)
    {
        var flight = s.ServerFlight();
        return Bytes.RewriteProtectedHandshake(flight, Scenario.Suite, s.ServerKeys[ServerHandshake], messages =>
        {
            int end = messages.FindIndex(m => m[0] == (byte)last);
            Assert.True(end >= 0);
            return messages.Take(end + 1).Select(m => m[0] == (byte)last ? edit(m) : m).ToList();
        });
    }

    private static void AssertStillWaiting(TlsConnection connection)
    {
        Assert.False(connection.IsWriteClosed);
        Assert.False(connection.IsHandshakeComplete);
        Assert.False(connection.HasPendingOutput);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
    //= type=test
    //# Upon receipt of a HelloRetryRequest, the client MUST check the
    //# legacy_version, legacy_session_id_echo, cipher_suite, and
    //# legacy_compression_method as specified in Section 4.1.3 and then
    //# process the extensions, starting with determining the version using
    //# "supported_versions".
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
    //= type=test
    //# A client which receives a cipher suite that was not offered MUST
    //# abort the handshake.
    [Theory]
    [InlineData("legacy_version 0x0300", AlertDescription.ProtocolVersion)]
    [InlineData("session id echo", AlertDescription.IllegalParameter)]
    [InlineData("suite not offered", AlertDescription.IllegalParameter)]
    [InlineData("compression", AlertDescription.IllegalParameter)]
    [InlineData("no supported_versions", AlertDescription.ProtocolVersion)]
    [InlineData("supported_versions TLS 1.2", AlertDescription.IllegalParameter)]
    public void HelloRetryRequest_fields_are_checked_like_a_ServerHello(string defect, AlertDescription alert)
    {
        using var s = new Scenario();
        var sent = Scenario.ParseClientHello(s.ClientHelloRecord());
        Assert.Equal([(ushort)Scenario.Suite], sent.CipherSuites);
        var hrr = defect switch
        {
            "legacy_version 0x0300" => Hello(sent, retry: true, version: 0x0300, versions: Tls13),
            "session id echo" => Hello(sent, retry: true, sessionId: new byte[32], versions: Tls13),
            "suite not offered" => Hello(sent, retry: true, suite: (ushort)CipherSuite.TlsAes256GcmSha384, versions: Tls13),
            "compression" => Hello(sent, retry: true, compression: 1, versions: Tls13),
            "no supported_versions" => Hello(sent, retry: true),
            _ => Hello(sent, retry: true, versions: SupportedVersionsExtension.EncodeServer(ProtocolVersion.Tls12)),
        };
        Fatal.OnFeed(s.Client, alert, Record(hrr));
    }

    [Fact]
    public void The_unaltered_crafted_HelloRetryRequest_is_answered()
    {
        using var s = new Scenario();
        var sent = Scenario.ParseClientHello(s.ClientHelloRecord());
        s.Client.Feed(Record(Hello(sent, retry: true, versions: Tls13)));
        Assert.True(s.Client.HasPendingOutput);
        Assert.False(s.Client.IsWriteClosed);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
    //= type=test
    //# If this extension is present, clients MUST ignore the
    //# ServerHello.legacy_version value and MUST use only the
    //# "supported_versions" extension to determine the selected version.
    [Theory]
    [InlineData(0x0301)]
    [InlineData(0x0302)]
    [InlineData(0x0303)]
    [InlineData(0x0304)]
    [InlineData(0x7F7F)]
    public void The_client_ignores_ServerHello_legacy_version_when_supported_versions_selects_TLS_1_3(int legacyVersion)
    {
        using var s = new Scenario();
        var sent = Scenario.ParseClientHello(s.ClientHelloRecord());
        s.Client.Feed(Record(Hello(sent, version: (ushort)legacyVersion, versions: Tls13)));
        AssertStillWaiting(s.Client);
    }

    /// <summary>A client following s2n's default policy, which offers TLS 1.2 as well as TLS 1.3.</summary>
    private static Scenario PolicyClient() =>
        new(client: c => TlsConfig.FromPolicy("default") with { TrustStore = c.TrustStore, KeyLogCallback = c.KeyLogCallback });

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
    //= type=test
    //# If
    //# the "supported_versions" extension in the ServerHello contains a
    //# version not offered by the client or contains a version prior to
    //# TLS 1.3, the client MUST abort the handshake with an
    //# "illegal_parameter" alert.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //= type=test
    //# The security of SSL 3.0 [RFC6101] is considered insufficient for the
    //# reasons enumerated in [RFC7568], and it MUST NOT be negotiated for
    //# any reason.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //= type=test
    //# The security of SSL 2.0 [SSL2] is considered insufficient for the
    //# reasons enumerated in [RFC6176], and it MUST NOT be negotiated for
    //# any reason.
    [Theory]
    [InlineData(0x0303)]
    [InlineData(0x0302)]
    [InlineData(0x0300)]
    [InlineData(0x0002)]
    public void Supported_versions_selecting_an_older_version_is_illegal_parameter_even_when_the_policy_offered_it(int version)
    {
        using var s = PolicyClient();
        var sent = Scenario.ParseClientHello(s.ClientHelloRecord());
        var offered = SupportedVersionsExtension.DecodeClient(ExtensionBlock.Find(sent.Extensions, ExtensionType.SupportedVersions)!);
        Assert.Contains(ProtocolVersion.Tls12, offered);
        Fatal.OnFeed(s.Client, AlertDescription.IllegalParameter, Record(Hello(sent, versions: SupportedVersionsExtension.EncodeServer((ushort)version))));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.1
    //= type=test
    //# If the version chosen by the server is not supported by the client
    //# (or is not acceptable), the client MUST abort the handshake with a
    //# "protocol_version" alert.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //= type=test
    //# The security of SSL 3.0 [RFC6101] is considered insufficient for the
    //# reasons enumerated in [RFC7568], and it MUST NOT be negotiated for
    //# any reason.
    [Theory]
    [InlineData(ProtocolVersion.Tls12)]
    [InlineData(0x0301)]
    [InlineData(0x0300)]
    public void A_TLS_1_2_style_ServerHello_without_supported_versions_is_protocol_version_even_when_the_policy_offered_TLS_1_2(ushort legacyVersion)
    {
        using var s = PolicyClient();
        var sent = Scenario.ParseClientHello(s.ClientHelloRecord());
        Fatal.OnFeed(s.Client, AlertDescription.ProtocolVersion, Record(Hello(sent, version: legacyVersion)));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
    //= type=test
    //# This field SHALL be zero
    //# length unless used for the post-handshake authentication exchanges
    //# described in Section 4.6.2.
    [Fact]
    public void CertificateRequest_with_a_request_context_is_illegal_parameter()
    {
        using var s = MutualScenario();
        var flight = ServerFlightUpTo(s, HandshakeType.CertificateRequest, m =>
        {
            var request = CertificateRequest.Parse(m.AsSpan(4));
            return Message(HandshakeType.CertificateRequest, new CertificateRequest { Context = [7], Extensions = request.Extensions }.Write);
        });
        Fatal.OnFeed(s.Client, AlertDescription.IllegalParameter, flight, s.ClientKeys);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
    //= type=test
    //# The "signature_algorithms" extension
    //# MUST be specified, and other extensions may optionally be included
    //# if defined for this message.
    [Fact]
    public void CertificateRequest_without_signature_algorithms_is_missing_extension()
    {
        using var s = MutualScenario();
        var flight = ServerFlightUpTo(s, HandshakeType.CertificateRequest, m =>
        {
            var request = CertificateRequest.Parse(m.AsSpan(4));
            var extensions = request.Extensions.Where(e => e.Type != ExtensionType.SignatureAlgorithms).ToList();
            return Message(HandshakeType.CertificateRequest, new CertificateRequest { Extensions = extensions }.Write);
        });
        Fatal.OnFeed(s.Client, AlertDescription.MissingExtension, flight, s.ClientKeys);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
    //= type=test
    //# Clients MUST ignore unrecognized extensions.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.3
    //= type=test
    //# In
    //# TLS 1.3, a client receiving a CertificateRequest or
    //# NewSessionTicket MUST also ignore all unrecognized extensions.
    [Fact]
    public void CertificateRequest_with_an_unrecognized_extension_is_accepted()
    {
        using var s = MutualScenario();
        var flight = ServerFlightUpTo(s, HandshakeType.CertificateRequest, m =>
        {
            var request = CertificateRequest.Parse(m.AsSpan(4));
            var extensions = request.Extensions.Prepend(new Extension((ExtensionType)0x5A5A, [1, 2, 3])).ToList();
            return Message(HandshakeType.CertificateRequest, new CertificateRequest { Extensions = extensions }.Write);
        });
        s.Client.Feed(flight);
        AssertStillWaiting(s.Client);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# If sent by a client, the signature algorithm used in the signature
    //# MUST be one of those present in the supported_signature_algorithms
    //# field of the "signature_algorithms" extension in the
    //# CertificateRequest message.
    [Fact]
    public void Client_CertificateVerify_with_a_scheme_the_server_did_not_request_is_illegal_parameter()
    {
        var requested = new[] { SignatureScheme.EcdsaSecp256r1Sha256, SignatureScheme.RsaPssRsaeSha256 };
        using var s = MutualScenario(server: c => c with { SignatureSchemes = requested });
        var flight = s.ClientFinalFlight();
        var altered = Bytes.RewriteProtectedHandshake(flight, Scenario.Suite, s.ClientKeys[ClientHandshake], messages => messages.Select(m =>
        {
            if (m[0] != (byte)HandshakeType.CertificateVerify)
            {
                return m;
            }

            Assert.Equal((ushort)SignatureScheme.EcdsaSecp256r1Sha256, (ushort)((m[4] << 8) | m[5]));
            var copy = m.ToArray();
            copy[4] = 0x08;
            copy[5] = 0x07;
            return copy;
        }));
        Assert.DoesNotContain((SignatureScheme)0x0807, requested);
        Fatal.OnFeed(s.Server, AlertDescription.IllegalParameter, altered, s.ServerKeys);
    }

    // The test above changes the scheme to one that the client's key cannot use, so the key-compatibility
    // check rejects it too. Here the client's RSA key really signs with rsa_pss_rsae_sha384, a scheme that
    // fits the key but that the CertificateRequest left out: only the "offered" rule can reject it. The
    // control case re-signs with the requested scheme (and redoes Finished) and is accepted, which shows the
    // rewritten flight is otherwise valid.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# If sent by a client, the signature algorithm used in the signature
    //# MUST be one of those present in the supported_signature_algorithms
    //# field of the "signature_algorithms" extension in the
    //# CertificateRequest message.
    [Theory]
    [InlineData(SignatureScheme.RsaPssRsaeSha256, null)]
    [InlineData(SignatureScheme.RsaPssRsaeSha384, AlertDescription.IllegalParameter)]
    public void Client_CertificateVerify_with_a_key_compatible_scheme_the_server_did_not_request(SignatureScheme resignWith, AlertDescription? alert)
    {
        var pki = RsaClientPki.Value;
        SignatureScheme[] serverSchemes = [SignatureScheme.EcdsaSecp256r1Sha256, SignatureScheme.RsaPssRsaeSha256];
        using var s = new Scenario(ClientAuthMode.Required,
            client: c => new TlsConfig
            {
                TrustStore = TrustStore.FromPem(pki.CaPem), CipherSuites = c.CipherSuites, KeyLogCallback = c.KeyLogCallback,
                Certificate = CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem),
            },
            server: c => c with
            {
                Certificate = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem),
                TrustStore = TrustStore.FromPem(pki.CaPem), SignatureSchemes = serverSchemes,
            });
        var transcript = new List<byte[]>();
        var clientHello = s.ClientHelloRecord();
        transcript.Add(Bytes.SplitHandshake(Bytes.SplitRecords(clientHello)[0].Payload)[0]);
        s.Server.Feed(clientHello);
        var serverFlight = Scenario.Take(s.Server);
        transcript.Add(Bytes.SplitHandshake(Bytes.SplitRecords(serverFlight)[0].Payload)[0]);
        Bytes.RewriteProtectedHandshake(serverFlight, Scenario.Suite, s.ServerKeys[ServerHandshake], m =>
        {
            transcript.AddRange(m);
            return m;
        });
        s.Client.Feed(serverFlight);
        var secret = s.ClientKeys[ClientHandshake];
        var altered = Bytes.RewriteProtectedHandshake(Scenario.Take(s.Client), Scenario.Suite, secret,
            messages => ResignClientFlight(messages, transcript, secret, resignWith, pki.ClientKeyPem));
        Assert.DoesNotContain(SignatureScheme.RsaPssRsaeSha384, serverSchemes);
        if (alert is { } expected)
        {
            Fatal.OnFeed(s.Server, expected, altered, s.ServerKeys);
            return;
        }

        s.Server.Feed(altered);
        Assert.True(s.Server.IsHandshakeComplete);
    }

    private static readonly Lazy<GeneratedPki> RsaClientPki = new(() => CertificateGenerator.Generate(KeyKind.EcdsaP256, "localhost", KeyKind.Rsa2048));

    /// <summary>The client's Certificate, a CertificateVerify signed anew with <paramref name="scheme"/>, and a Finished that matches it.</summary>
    private static List<byte[]> ResignClientFlight(List<byte[]> messages, List<byte[]> transcript, byte[] clientHandshakeSecret, SignatureScheme scheme, string keyPem)
    {
        var h = System.Security.Cryptography.HashAlgorithmName.SHA256;
        var certificate = messages.Single(m => m[0] == (byte)HandshakeType.Certificate);
        transcript.Add(certificate);
        var content = CertificateVerifyContent.Build(server: false, Hkdf.Hash(h, transcript.SelectMany(m => m).ToArray()));
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportFromPem(keyPem);
        var hash = scheme == SignatureScheme.RsaPssRsaeSha384 ? System.Security.Cryptography.HashAlgorithmName.SHA384 : h;
        var signature = rsa.SignData(content, hash, System.Security.Cryptography.RSASignaturePadding.Pss);
        var verify = Message(HandshakeType.CertificateVerify, new CertificateVerifyMessage(scheme, signature).Write);
        transcript.Add(verify);
        var finishedKey = Hkdf.ExpandLabel(h, clientHandshakeSecret, "finished", [], 32);
        var verifyData = Hkdf.Hmac(h, finishedKey, Hkdf.Hash(h, transcript.SelectMany(m => m).ToArray()));
        return [certificate, verify, Bytes.Handshake(HandshakeType.Finished, verifyData)];
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.7
    //= type=test
    //# Clients MUST NOT act upon any information
    //# found in "supported_groups" prior to successful completion of the
    //# handshake
    [Fact]
    public void Supported_groups_in_EncryptedExtensions_is_accepted_and_changes_nothing()
    {
        using var s = new Scenario();
        var flight = ServerFlightUpTo(s, HandshakeType.EncryptedExtensions, m =>
        {
            var ee = EncryptedExtensions.Parse(m.AsSpan(4));
            var groups = U16ListExtension.Encode([NamedGroup.Secp521r1, NamedGroup.Secp384r1]);
            var extensions = ee.Extensions.Append(new Extension(ExtensionType.SupportedGroups, groups)).ToList();
            return Message(HandshakeType.EncryptedExtensions, new EncryptedExtensions { Extensions = extensions }.Write);
        });
        s.Client.Feed(flight);
        AssertStillWaiting(s.Client);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# Extensions in the Certificate message from the server MUST
    //# correspond to ones from the ClientHello message.
    [Theory]
    [InlineData(5)]
    [InlineData(18)]
    public void Server_Certificate_entry_extension_the_client_did_not_request_is_unsupported_extension(ushort type)
    {
        using var s = new Scenario();
        var flight = ServerFlightUpTo(s, HandshakeType.Certificate, m => WithEntryExtension(m, (ExtensionType)type));
        Fatal.OnFeed(s.Client, AlertDescription.UnsupportedExtension, flight, s.ClientKeys);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# Extensions in
    //# the Certificate message from the client MUST correspond to
    //# extensions in the CertificateRequest message from the server.
    [Fact]
    public void Client_Certificate_entry_extension_the_server_did_not_request_is_unsupported_extension()
    {
        using var s = MutualScenario();
        var flight = s.ClientFinalFlight();
        var altered = Bytes.RewriteProtectedHandshake(flight, Scenario.Suite, s.ClientKeys[ClientHandshake],
            messages => messages.Select(m => m[0] == (byte)HandshakeType.Certificate ? WithEntryExtension(m, (ExtensionType)5) : m));
        Fatal.OnFeed(s.Server, AlertDescription.UnsupportedExtension, altered, s.ServerKeys);
    }

    private static byte[] WithEntryExtension(byte[] message, ExtensionType type)
    {
        var certificate = CertificateMessage.Parse(message.AsSpan(4));
        var entries = certificate.Entries.Select((e, i) => i == 0 ? e with { Extensions = [new(type, [1, 0, 0, 0, 0])] } : e).ToList();
        return Message(HandshakeType.Certificate, new CertificateMessage { Context = certificate.Context, Entries = entries }.Write);
    }

    private static byte[] WithEntries(byte[] message, Func<List<CertificateEntry>, List<CertificateEntry>> edit)
    {
        var certificate = CertificateMessage.Parse(message.AsSpan(4));
        return Message(HandshakeType.Certificate, new CertificateMessage { Context = certificate.Context, Entries = edit(certificate.Entries) }.Write);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# For maximum
    //# compatibility, all implementations SHOULD be prepared to handle
    //# potentially extraneous certificates and arbitrary orderings from any
    //# TLS version, with the exception of the end-entity certificate which
    //# MUST be first.
    [Fact]
    public void Extraneous_certificates_after_the_leaf_are_accepted_but_a_leaf_not_first_is_rejected()
    {
        var unrelated = X509Certificate(InMemoryPair.Pki(KeyKind.Rsa2048).CaPem);
        var ownRoot = X509Certificate(InMemoryPair.Pki(KeyKind.EcdsaP256).CaPem);
        using (var s = new Scenario())
        {
            s.Client.Feed(ServerFlightUpTo(s, HandshakeType.Certificate, m => WithEntries(m, entries =>
                [entries[0], new(unrelated, []), new(ownRoot, []), .. entries.Skip(1)])));
            AssertStillWaiting(s.Client);
        }

        using (var s = new Scenario())
        {
            var flight = ServerFlightUpTo(s, HandshakeType.Certificate, m => WithEntries(m, entries =>
            {
                Assert.True(entries.Count >= 2);
                return [.. entries.Skip(1), entries[0]];
            }));
            var e = Fatal.CatchTls(() => s.Client.Feed(flight));
            Assert.Contains(e.Alert, new AlertDescription?[]
            {
                AlertDescription.BadCertificate, AlertDescription.UnsupportedCertificate, AlertDescription.CertificateUnknown,
                AlertDescription.UnknownCa,
            });
            Fatal.AssertAlertQueued(s.Client, e.Alert!.Value, s.ClientKeys);
        }
    }

    private static byte[] X509Certificate(string pem)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
        return certificate.RawData;
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
    //= type=test
    //# If the client cannot construct an acceptable chain using the provided
    //# certificates and decides to abort the handshake, then it MUST abort
    //# the handshake with an appropriate certificate-related alert (by
    //# default, "unsupported_certificate"; see Section 6.2 for more
    //# information).
    [Fact]
    public void A_chain_to_an_unknown_root_is_unknown_ca()
    {
        var other = InMemoryPair.Pki(KeyKind.Rsa2048);
        using var s = new Scenario(server: c => c with { Certificate = CertificateKeyPair.FromPem(other.ServerChainPem, other.ServerKeyPem) });
        Fatal.OnFeed(s.Client, AlertDescription.UnknownCa, s.ServerFlight(), s.ClientKeys);
    }

    /// <summary>One post-handshake handshake message sealed under the server's first application key.</summary>
    private static byte[] SealAsServerApplication(Scenario s, byte[] message)
    {
        using var writer = RecordProtector.Create(CipherSuiteSpec.Get(Scenario.Suite), s.ServerKeys["SERVER_TRAFFIC_SECRET_0"]);
        return Bytes.Seal(writer, ContentType.Handshake, message);
    }

    private static byte[] NewSessionTicket(params Extension[] extensions) => Message(HandshakeType.NewSessionTicket, w =>
    {
        w.WriteU32(7200);
        w.WriteU32(0x01020304);
        w.WriteVector8([0]);
        w.WriteVector16([9, 9, 9, 9]);
        ExtensionBlock.Write(w, extensions);
    });

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# Clients MUST ignore unrecognized extensions.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.3
    //= type=test
    //# In
    //# TLS 1.3, a client receiving a CertificateRequest or
    //# NewSessionTicket MUST also ignore all unrecognized extensions.
    [Fact]
    public void NewSessionTicket_with_an_unrecognized_extension_is_accepted_and_the_connection_goes_on()
    {
        using var s = new Scenario();
        s.Complete();
        s.Client.Feed(SealAsServerApplication(s, NewSessionTicket(new Extension((ExtensionType)0x6A6A, [1]), new Extension((ExtensionType)0xFFEE, []))));
        Assert.False(s.Client.IsWriteClosed);
        s.Client.WriteApplicationData([1, 2, 3]);
        s.Server.Feed(Scenario.Take(s.Client));
        Assert.False(s.Server.IsWriteClosed);
    }

    [Fact]
    public void NewSessionTicket_with_a_recognized_extension_not_allowed_there_is_illegal_parameter()
    {
        using var s = new Scenario();
        s.Complete();
        Fatal.OnFeed(s.Client, AlertDescription.IllegalParameter, SealAsServerApplication(s, NewSessionTicket(new Extension(ExtensionType.KeyShare, []))), s.ClientKeys);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //= type=test
    //# Additionally, both sides MUST enforce that a KeyUpdate
    //# with the old key is received before accepting any messages encrypted
    //# with the new key.
    [Fact]
    public void Data_under_the_next_key_before_the_KeyUpdate_is_bad_record_mac()
    {
        using var s = new Scenario();
        s.Complete();
        var spec = CipherSuiteSpec.Get(Scenario.Suite);
        var next = TlsKeySchedule.NextTrafficSecret(spec, s.ClientKeys["CLIENT_TRAFFIC_SECRET_0"]);
        using var writer = RecordProtector.Create(spec, next);
        Fatal.OnFeed(s.Server, AlertDescription.BadRecordMac, Bytes.Seal(writer, ContentType.ApplicationData, [1, 2, 3]), s.ServerKeys);
    }

    [Fact]
    public void Data_under_the_next_key_after_the_KeyUpdate_is_accepted()
    {
        using var s = new Scenario();
        s.Complete();
        s.Client.UpdateKeys(requestPeerUpdate: false);
        s.Client.WriteApplicationData([1, 2, 3]);
        s.Server.Feed(Scenario.Take(s.Client));
        Assert.Equal(1, s.Server.KeyUpdateCounts.Received);
        Assert.False(s.Server.IsWriteClosed);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.2
    //= type=test
    //# Servers will receive various TLS 1.x versions in this field, but its
    //# value MUST always be ignored.
    [Theory]
    [InlineData(0x0301)]
    [InlineData(0x0302)]
    [InlineData(0x0303)]
    [InlineData(0x0304)]
    public void Server_negotiates_TLS_1_3_from_supported_versions_whatever_the_ClientHello_legacy_version(int legacyVersion)
    {
        using var s = new Scenario();
        var h = Scenario.ParseClientHello(s.ClientHelloRecord());
        s.Server.Feed(Scenario.ClientHelloRecord(Scenario.With(h, version: (ushort)legacyVersion)));
        var records = Bytes.SplitRecords(Scenario.Take(s.Server));
        var hello = ServerHello.Parse(Bytes.SplitHandshake(records[0].Payload)[0].AsSpan(4));
        Assert.Equal(ProtocolVersion.Tls13, SupportedVersionsExtension.DecodeServer(ExtensionBlock.Find(hello.Extensions, ExtensionType.SupportedVersions)!));
        Assert.Equal(ContentType.ApplicationData, records[^1].Type);
    }
}
