using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.Malformed;

/// <summary>
/// ClientHellos crafted from a real client's first flight, altered in one place each, fed to a fresh server.
/// The unaltered crafted hello is accepted (first test), so each rejection is due to the one change.
/// </summary>
public class MalformedClientHelloTests
{
    private static readonly Lazy<ClientHello> RealHello = new(() =>
    {
        using var s = new Scenario();
        return Scenario.ParseClientHello(s.ClientHelloRecord());
    });

    private static ClientHello Hello => RealHello.Value;

    private static TlsConnection FreshServer(Func<TlsConfig, TlsConfig>? server = null) =>
        TlsConnection.CreateServer(InMemoryPair.Configs(server: server).Server);

    private static void Rejects(AlertDescription alert, ClientHello hello, Func<TlsConfig, TlsConfig>? server = null) =>
        Rejects(alert, Scenario.ClientHelloRecord(hello), server);

    private static void Rejects(AlertDescription alert, byte[] record, Func<TlsConfig, TlsConfig>? server = null)
    {
        using var connection = FreshServer(server);
        Fatal.OnFeed(connection, alert, record);
    }

    /// <summary>The raw ClientHello body, re-serialized from the parsed real one.</summary>
    private static byte[] Body(ClientHello hello) => Bytes.Write(hello.Write);

    [Fact]
    public void The_unaltered_crafted_hello_is_accepted()
    {
        using var server = FreshServer();
        server.Feed(Scenario.ClientHelloRecord(Hello));
        Assert.True(server.HasPendingOutput);
        Assert.Equal(ContentType.Handshake, (ContentType)server.PendingOutput[0]);
        Assert.Equal((byte)HandshakeType.ServerHello, server.PendingOutput[5]);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Peers which receive a message which
    //# cannot be parsed according to the syntax (e.g., have a length
    //# extending beyond the message boundary or contain an out-of-range
    //# length) MUST terminate the connection with a "decode_error" alert.
    [Theory]
    [InlineData("session_id longer than the message")]
    [InlineData("session_id of 33 bytes")]
    [InlineData("cipher_suites longer than the message")]
    [InlineData("empty cipher_suites")]
    [InlineData("odd cipher_suites")]
    [InlineData("empty compression_methods")]
    [InlineData("extensions longer than the message")]
    [InlineData("extension longer than the block")]
    [InlineData("trailing byte after the extensions")]
    [InlineData("truncated inside random")]
    public void Wrong_lengths_inside_ClientHello_are_decode_error(string defect)
    {
        var body = Body(Hello);
        int sessionAt = 2 + 32;
        int suitesAt = sessionAt + 1 + Hello.LegacySessionId.Length;
        int compressionAt = suitesAt + 2 + (2 * Hello.CipherSuites.Count);
        int extensionsAt = compressionAt + 2;
        byte[] altered = defect switch
        {
            "session_id longer than the message" => Patch(body, sessionAt, 0xFF),
            "session_id of 33 bytes" => Bytes.Concat(body[..sessionAt], [33], new byte[33], body[(suitesAt)..]),
            "cipher_suites longer than the message" => Patch(body, suitesAt, 0xFF, 0xFE),
            "empty cipher_suites" => Bytes.Concat(body[..suitesAt], [0, 0], body[compressionAt..]),
            "odd cipher_suites" => Bytes.Concat(body[..suitesAt], [0, 3, 0x13, 0x01, 0x13], body[compressionAt..]),
            "empty compression_methods" => Bytes.Concat(body[..compressionAt], [0], body[extensionsAt..]),
            "extensions longer than the message" => Patch(body, extensionsAt, 0xFF, 0xFF),
            "extension longer than the block" => Patch(body, extensionsAt + 4, 0xFF, 0xFF),
            "trailing byte after the extensions" => Bytes.Concat(body, [0]),
            "truncated inside random" => body[..20],
            _ => throw new ArgumentException(defect),
        };
        Rejects(AlertDescription.DecodeError, Bytes.HandshakeRecord(HandshakeType.ClientHello, altered));
    }

    private static byte[] Patch(byte[] body, int at, params byte[] bytes)
    {
        var copy = body.ToArray();
        bytes.CopyTo(copy, at);
        return copy;
    }

    [Theory]
    [InlineData(new byte[] { 0x03, 0x04, 0x03 })]   // odd list length
    [InlineData(new byte[] { 0x00 })]               // empty list (minimum is one version)
    [InlineData(new byte[] { 0x02, 0x03, 0x04, 0x00 })] // trailing byte
    public void Malformed_supported_versions_is_decode_error(byte[] data) =>
        Rejects(AlertDescription.DecodeError, Scenario.With(Hello, extensions: Scenario.SetExtension(Hello, ExtensionType.SupportedVersions, data)));

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.2
    //= type=test
    //# If the "supported_versions" extension is absent and the
    //# server only supports versions greater than
    //# ClientHello.legacy_version, the server MUST abort the handshake with
    //# a "protocol_version" alert.
    [Fact]
    public void ClientHello_without_supported_versions_is_protocol_version() =>
        Rejects(AlertDescription.ProtocolVersion, Scenario.With(Hello, extensions: Scenario.SetExtension(Hello, ExtensionType.SupportedVersions, null)));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
    //= type=test
    //# Servers MUST be prepared to receive ClientHellos that include this
    //# extension but do not include 0x0304 in the list of versions.
    [Fact]
    public void ClientHello_offering_only_TLS_1_2_is_protocol_version() =>
        Rejects(AlertDescription.ProtocolVersion, Scenario.With(Hello, extensions: Scenario.SetExtension(Hello, ExtensionType.SupportedVersions, [2, 3, 3])));

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //= type=test
    //# Any endpoint
    //# receiving a Hello message with ClientHello.legacy_version or
    //# ServerHello.legacy_version set to 0x0300 MUST abort the handshake
    //# with a "protocol_version" alert.
    [Theory]
    [InlineData(0x0300)]
    [InlineData(0x0200)]
    public void ClientHello_legacy_version_SSL3_is_protocol_version(int version) =>
        Rejects(AlertDescription.ProtocolVersion, Scenario.With(Hello, version: (ushort)version));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# If a
    //# TLS 1.3 ClientHello is received with any other value in this
    //# field, the server MUST abort the handshake with an
    //# "illegal_parameter" alert.
    [Theory]
    [InlineData(new byte[] { 1 })]
    [InlineData(new byte[] { 0, 1 })]
    [InlineData(new byte[] { 1, 0 })]
    public void Compression_methods_other_than_null_only_is_illegal_parameter(byte[] methods) =>
        Rejects(AlertDescription.IllegalParameter, Scenario.With(Hello, compression: methods));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
    //= type=test
    //# Servers receiving a ClientHello which does not conform to these
    //# requirements MUST abort the handshake with a "missing_extension"
    //# alert.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# If a server is authenticating via a certificate and the client has not
    //# sent a "signature_algorithms" extension, then the server MUST abort the
    //# handshake with a "missing_extension" alert (see Section 9.2).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
    //= type=test
    //# Such a ClientHello
    //# message MUST meet the following requirements:
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
    //= type=test
    //# -  If not containing a "pre_shared_key" extension, it MUST contain
    //# both a "signature_algorithms" extension and a "supported_groups"
    //# extension.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
    //= type=test
    //# -  If containing a "supported_groups" extension, it MUST also contain
    //# a "key_share" extension, and vice versa.
    [Theory]
    [InlineData((ushort)ExtensionType.SignatureAlgorithms)]
    [InlineData((ushort)ExtensionType.SupportedGroups)]
    [InlineData((ushort)ExtensionType.KeyShare)]
    public void ClientHello_missing_a_mandatory_extension_is_missing_extension(ushort missing) =>
        Rejects(AlertDescription.MissingExtension, Scenario.With(Hello, extensions: Scenario.SetExtension(Hello, (ExtensionType)missing, null)));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# There MUST NOT be more than one extension of the same type in a given
    //# extension block.
    [Theory]
    [InlineData((ushort)ExtensionType.SupportedVersions)]
    [InlineData((ushort)ExtensionType.KeyShare)]
    [InlineData((ushort)0xFAFA)]
    public void Duplicate_extension_is_illegal_parameter(ushort code)
    {
        var type = (ExtensionType)code;
        var data = ExtensionBlock.Find(Hello.Extensions, type) ?? [];
        var extensions = Hello.Extensions.Where(e => e.Type != type).Concat([new Extension(type, data), new Extension(type, data)]).ToList();
        Rejects(AlertDescription.IllegalParameter, Scenario.With(Hello, extensions: extensions));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# If an implementation receives an extension
    //# which it recognizes and which is not specified for the message in
    //# which it appears, it MUST abort the handshake with an
    //# "illegal_parameter" alert.
    [Fact]
    public void Extension_not_allowed_in_ClientHello_is_illegal_parameter() =>
        Rejects(AlertDescription.IllegalParameter, Scenario.With(Hello, extensions: Scenario.SetExtension(Hello, ExtensionType.OidFilters, [0, 0])));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# Servers MUST ignore unrecognized extensions.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.3
    //= type=test
    //# A server receiving a ClientHello MUST correctly ignore all
    //# unrecognized cipher suites, extensions, and other parameters.
    [Fact]
    public void Unknown_extensions_in_ClientHello_are_ignored()
    {
        using var server = FreshServer();
        server.Feed(Scenario.ClientHelloRecord(Scenario.With(Hello, extensions: Scenario.SetExtension(Hello, (ExtensionType)0x7A7A, [1, 2, 3]))));
        Assert.Equal((byte)HandshakeType.ServerHello, server.PendingOutput[5]);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
    //= type=test
    //# If the server is unable to negotiate a supported set of parameters
    //# (i.e., there is no overlap between the client and server parameters),
    //# it MUST abort the handshake with either a "handshake_failure" or
    //# "insufficient_security" fatal alert (see Section 6).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.1
    //= type=test
    //# If no
    //# common cryptographic parameters can be negotiated, the server MUST
    //# abort the handshake with an appropriate alert.
    [Fact]
    public void No_common_cipher_suite_is_handshake_failure() =>
        Rejects(AlertDescription.HandshakeFailure, Scenario.With(Hello, suites: [0x009C, 0xC02F, 0x1305]));

    [Fact]
    public void Cipher_suite_the_server_does_not_enable_is_handshake_failure() =>
        Rejects(AlertDescription.HandshakeFailure, Hello,
            server: s => new TlsConfig { Certificate = s.Certificate, CipherSuites = [CipherSuite.TlsChacha20Poly1305Sha256] });

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
    //= type=test
    //# If there is no overlap between the received
    //# "supported_groups" and the groups supported by the server, then the
    //# server MUST abort the handshake with a "handshake_failure" or an
    //# "insufficient_security" alert.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.1
    //= type=test
    //# If no
    //# common cryptographic parameters can be negotiated, the server MUST
    //# abort the handshake with an appropriate alert.
    [Fact]
    public void No_common_group_is_handshake_failure()
    {
        var extensions = Scenario.SetExtension(Hello, ExtensionType.SupportedGroups, Scenario.U16List(0x0100, 0x0101));
        extensions = Scenario.SetExtension(Scenario.With(Hello, extensions: extensions), ExtensionType.KeyShare, [0, 0]);
        Rejects(AlertDescription.HandshakeFailure, Scenario.With(Hello, extensions: extensions));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
    //= type=test
    //# -  The server's end-entity certificate's public key (and associated
    //# restrictions) MUST be compatible with the selected authentication
    //# algorithm from the client's "signature_algorithms" extension (currently
    //# RSA, ECDSA, or EdDSA).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# The keys found in certificates MUST also be of appropriate type for the
    //# signature algorithms they are used with.
    [Fact]
    public void No_signature_scheme_the_certificate_can_use_is_handshake_failure() =>
        Rejects(AlertDescription.HandshakeFailure, Scenario.With(Hello,
            extensions: Scenario.SetExtension(Hello, ExtensionType.SignatureAlgorithms, Scenario.U16List(0x0401, 0x0804))));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //= type=test
    //# Clients MUST NOT offer multiple KeyShareEntry values
    //# for the same group.  Clients MUST NOT offer any KeyShareEntry values
    //# for groups not listed in the client's "supported_groups" extension.
    //# Servers MAY check for violations of these rules and abort the
    //# handshake with an "illegal_parameter" alert if one is violated.
    [Theory]
    [InlineData("duplicate")]
    [InlineData("not in supported_groups")]
    public void Key_share_violating_the_offer_rules_is_illegal_parameter(string defect)
    {
        var x25519 = new KeyShareEntry(NamedGroup.X25519, Enumerable.Repeat((byte)9, 32).ToArray());
        var extensions = defect == "duplicate"
            ? Scenario.SetExtension(Hello, ExtensionType.KeyShare, KeyShareExtension.EncodeClient([x25519, x25519]))
            : Scenario.SetExtension(Hello, ExtensionType.SupportedGroups, Scenario.U16List((ushort)NamedGroup.Secp256r1));
        Rejects(AlertDescription.IllegalParameter, Scenario.With(Hello, extensions: extensions));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Peers which receive a message which is syntactically correct but
    //# semantically invalid (e.g., a DHE share of p - 1, or an invalid enum)
    //# MUST terminate the connection with an "illegal_parameter" alert.
    [Theory]
    [InlineData("x25519 of 31 bytes")]
    [InlineData("x25519 all zero")]       // low order point: the shared secret would be zero
    [InlineData("p256 not on the curve")]
    [InlineData("p256 compressed")]       // TLS 1.3 allows only the uncompressed form
    public void Invalid_key_share_public_value_is_illegal_parameter(string defect)
    {
        var (group, key) = defect switch
        {
            "x25519 of 31 bytes" => (NamedGroup.X25519, Enumerable.Repeat((byte)9, 31).ToArray()),
            "x25519 all zero" => (NamedGroup.X25519, new byte[32]),
            "p256 not on the curve" => (NamedGroup.Secp256r1, Bytes.Concat([4], Enumerable.Repeat((byte)1, 64).ToArray())),
            "p256 compressed" => (NamedGroup.Secp256r1, Bytes.Concat([2], Enumerable.Repeat((byte)1, 32).ToArray())),
            _ => throw new ArgumentException(defect),
        };
        var extensions = Scenario.SetExtension(Hello, ExtensionType.SupportedGroups, Scenario.U16List((ushort)group));
        extensions = Scenario.SetExtension(Scenario.With(Hello, extensions: extensions), ExtensionType.KeyShare,
            KeyShareExtension.EncodeClient([new KeyShareEntry(group, key)]));
        Rejects(AlertDescription.IllegalParameter, Scenario.With(Hello, extensions: extensions));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4
    //= type=test
    //# A peer which receives a
    //# handshake message in an unexpected order MUST abort the handshake
    //# with an "unexpected_message" alert.
    [Fact]
    public void A_message_out_of_order_first_is_unexpected_message()
    {
        Rejects(AlertDescription.UnexpectedMessage, Bytes.HandshakeRecord(HandshakeType.Finished, new byte[32]));
        Rejects(AlertDescription.UnexpectedMessage, Bytes.HandshakeRecord(HandshakeType.ServerHello, Body(Hello)));
        Rejects(AlertDescription.UnexpectedMessage, Bytes.HandshakeRecord(HandshakeType.EndOfEarlyData, []));
        Rejects(AlertDescription.UnexpectedMessage, Bytes.HandshakeRecord((HandshakeType)99, [1]));
    }

    /// <summary>A server that only accepts P-256, answered with the real hello (x25519 share): it sends a HelloRetryRequest.</summary>
    private static TlsConnection ServerAfterHelloRetry()
    {
        var server = FreshServer(s => new TlsConfig { Certificate = s.Certificate, Groups = [NamedGroup.Secp256r1] });
        server.Feed(Scenario.ClientHelloRecord(Hello));
        var retry = Bytes.SplitHandshake(Bytes.SplitRecords(server.PendingOutput)[0].Payload)[0];
        Assert.True(ServerHello.Parse(retry.AsSpan(4)).IsHelloRetryRequest);
        server.ConsumeOutput(server.PendingOutput.Length);
        return server;
    }

    private static ClientHello SecondHello(NamedGroup shareGroup, byte[]? random = null)
    {
        using var share = KeyShare.Generate(shareGroup);
        var shares = KeyShareExtension.EncodeClient([new(shareGroup, share.PublicKey)]);
        return Scenario.With(Hello, random: random,
            extensions: Hello.Extensions.Select(e => e.Type == ExtensionType.KeyShare ? new Extension(e.Type, shares) : e).ToList());
    }

    [Fact]
    public void Second_ClientHello_with_the_requested_share_is_accepted()
    {
        using var server = ServerAfterHelloRetry();
        server.Feed(Scenario.ClientHelloRecord(SecondHello(NamedGroup.Secp256r1)));
        Assert.Equal((byte)HandshakeType.ServerHello, server.PendingOutput[5]);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //= type=test
    //# Otherwise, when sending the new ClientHello, the client MUST
    //# replace the original "key_share" extension with one containing only a
    //# new KeyShareEntry for the group indicated in the selected_group field
    //# of the triggering HelloRetryRequest.
    [Fact]
    public void Second_ClientHello_without_the_requested_share_is_illegal_parameter()
    {
        using var server = ServerAfterHelloRetry();
        Fatal.OnFeed(server, AlertDescription.IllegalParameter, Scenario.ClientHelloRecord(SecondHello(NamedGroup.X25519)));
    }

    [Fact]
    public void Second_ClientHello_with_a_new_random_is_illegal_parameter()
    {
        using var server = ServerAfterHelloRetry();
        Fatal.OnFeed(server, AlertDescription.IllegalParameter,
            Scenario.ClientHelloRecord(SecondHello(NamedGroup.Secp256r1, random: Enumerable.Repeat((byte)3, 32).ToArray())));
    }

    /// <summary>
    /// One change to the second ClientHello each; every one is outside RFC 8446 §4.1.2's list. (An added
    /// early_data has its own rule and message: EarlyDataTests.A_server_refuses_early_data_in_the_second_client_hello.)
    /// </summary>
    private static readonly Dictionary<string, Func<ClientHello, ClientHello>> IllegalSecondHelloChanges = new()
    {
        ["legacy_version"] = h => Scenario.With(h, version: 0x0302),
        ["legacy_session_id"] = h => Scenario.With(h, sessionId: new byte[32]),
        ["cipher_suites added one"] = h => Scenario.With(h, suites: [.. h.CipherSuites, 0x1303]),
        ["cipher_suites put one first"] = h => Scenario.With(h, suites: [0x1302, .. h.CipherSuites]),
        ["extension order"] = h => Scenario.With(h, extensions: [h.Extensions[1], h.Extensions[0], .. h.Extensions.Skip(2)]),
        ["extension removed"] = h => Scenario.With(h, extensions: h.Extensions.Where(e => e.Type != ExtensionType.ServerName).ToList()),
        ["extension added"] = h => Scenario.With(h, extensions: [new Extension((ExtensionType)0x7A7A, []), .. h.Extensions]),
        ["extension contents"] = h => Scenario.With(h, extensions: h.Extensions.Select(e => e.Type == ExtensionType.SupportedGroups
            ? new Extension(e.Type, [0, 2, 0, 0x17]) : e).ToList()),
        ["cookie not asked for"] = h => Scenario.With(h, extensions: [.. h.Extensions, new Extension(ExtensionType.Cookie, [0, 1, 7])]),
    };

    public static TheoryData<string> IllegalSecondHelloChangeNames => [.. IllegalSecondHelloChanges.Keys];

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# In that case, the client MUST send the same
    //# ClientHello without modification, except as follows:
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Peers which receive a message which is syntactically correct but
    //# semantically invalid (e.g., a DHE share of p - 1, or an invalid enum)
    //# MUST terminate the connection with an "illegal_parameter" alert.
    [Theory]
    [MemberData(nameof(IllegalSecondHelloChangeNames))]
    public void Second_ClientHello_changed_outside_the_allowed_list_is_illegal_parameter(string change)
    {
        using var server = ServerAfterHelloRetry();
        var hello = IllegalSecondHelloChanges[change](SecondHello(NamedGroup.Secp256r1));
        var e = Fatal.OnFeed(server, AlertDescription.IllegalParameter, Scenario.ClientHelloRecord(hello));
        Assert.Contains("second ClientHello", e.Message);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# -  Optionally adding, removing, or changing the length of the
    //# "padding" extension [RFC7685].
    [Fact]
    public void Second_ClientHello_may_add_padding_anywhere()
    {
        using var server = ServerAfterHelloRetry();
        var second = SecondHello(NamedGroup.Secp256r1);
        var padded = Scenario.With(second, extensions: [new Extension(ExtensionType.Padding, new byte[17]), .. second.Extensions]);
        server.Feed(Scenario.ClientHelloRecord(padded));
        Assert.Equal((byte)HandshakeType.ServerHello, server.PendingOutput[5]);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //= type=test
    //# opaque key_exchange<1..2^16-1>;
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Peers which receive a message which
    //# cannot be parsed according to the syntax (e.g., have a length
    //# extending beyond the message boundary or contain an out-of-range
    //# length) MUST terminate the connection with a "decode_error" alert.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
    //= type=test
    //# decode_error:  A message could not be decoded because some field was
    //# out of the specified range or the length of the message was
    //# incorrect.
    // An empty key_exchange is outside the vector's range <1..2^16-1>: the message does not parse, which
    // is decode_error ("does not conform to the formal protocol syntax", §6.2), not illegal_parameter (for
    // syntactically correct but semantically invalid values, such as a share that is not a curve point).
    [Fact]
    public void Key_share_entry_with_an_empty_key_exchange_is_decode_error_not_illegal_parameter()
    {
        var empty = Scenario.With(Hello, extensions: Hello.Extensions.Select(e => e.Type == ExtensionType.KeyShare
            ? new Extension(e.Type, [0, 4, 0, 0x1D, 0, 0]) : e).ToList());
        Rejects(AlertDescription.DecodeError, empty);
    }
}
