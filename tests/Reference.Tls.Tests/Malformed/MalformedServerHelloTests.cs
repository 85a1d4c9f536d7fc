using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;

namespace Reference.Tls.Tests.Malformed;

/// <summary>
/// ServerHellos and HelloRetryRequests crafted by hand and fed to a real client that has just sent its
/// ClientHello (still plaintext, so no keys are needed). The unaltered crafted ServerHello is accepted.
/// </summary>
public class MalformedServerHelloTests
{
    private static readonly byte[] Tls13 = SupportedVersionsExtension.EncodeServer(ProtocolVersion.Tls13);

    /// <summary>A client that sent its ClientHello, and that ClientHello.</summary>
    private sealed class WaitingClient : IDisposable
    {
        public WaitingClient(params CipherSuite[] suites)
        {
            Scenario = new Scenario(client: c => new TlsConfig
            {
                TrustStore = c.TrustStore, KeyLogCallback = c.KeyLogCallback,
                CipherSuites = suites.Length == 0 ? c.CipherSuites : suites,
            });
            Sent = Scenario.ParseClientHello(Scenario.ClientHelloRecord());
        }

        public Scenario Scenario { get; }

        public TlsConnection Connection => Scenario.Client;

        public ClientHello Sent { get; }

        /// <summary>A ServerHello this client accepts; each argument changes one field.</summary>
        public ServerHello Hello(ushort version = ProtocolVersion.Tls12, byte[]? random = null, byte[]? sessionId = null,
            ushort suite = (ushort)Scenario.Suite, byte compression = 0, List<Extension>? extensions = null, NamedGroup group = NamedGroup.X25519)
        {
            using var share = KeyShare.Generate(group);
            return new ServerHello
            {
                LegacyVersion = version,
                Random = random ?? Enumerable.Repeat((byte)0x5A, 32).ToArray(),
                LegacySessionIdEcho = sessionId ?? Sent.LegacySessionId,
                CipherSuite = suite,
                LegacyCompressionMethod = compression,
                Extensions = extensions ??
                [
                    new(ExtensionType.SupportedVersions, Tls13),
                    new(ExtensionType.KeyShare, KeyShareExtension.EncodeServer(new(group, share.PublicKey))),
                ],
            };
        }

        public ServerHello Retry(ushort suite = (ushort)Scenario.Suite, List<Extension>? extensions = null) =>
            Hello(random: ServerHello.HelloRetryRequestRandom, suite: suite, extensions: extensions ??
            [
                new(ExtensionType.SupportedVersions, Tls13),
                new(ExtensionType.KeyShare, KeyShareExtension.EncodeHelloRetry(NamedGroup.Secp256r1)),
            ]);

        public void Feed(ServerHello hello) => Connection.Feed(Record(hello));

        public void Rejects(AlertDescription alert, ServerHello hello) => Fatal.OnFeed(Connection, alert, Record(hello));

        public void Dispose() => Scenario.Dispose();
    }

    private static byte[] Record(ServerHello hello) => Bytes.HandshakeRecord(HandshakeType.ServerHello, Bytes.Write(hello.Write));

    private static List<Extension> Extensions(ServerHello hello, ExtensionType type, byte[]? data)
    {
        var list = hello.Extensions.Where(e => e.Type != type).ToList();
        if (data is not null)
        {
            list.Add(new Extension(type, data));
        }

        return list;
    }

    [Fact]
    public void The_unaltered_crafted_ServerHello_is_accepted()
    {
        using var c = new WaitingClient();
        c.Feed(c.Hello());
        Assert.False(c.Connection.HasPendingOutput);
        Assert.False(c.Connection.IsWriteClosed);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
    //= type=test
    //# A client which
    //# receives a legacy_session_id_echo field that does not match what
    //# it sent in the ClientHello MUST abort the handshake with an
    //# "illegal_parameter" alert.
    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    public void Session_id_echo_mismatch_is_illegal_parameter(int length)
    {
        using var c = new WaitingClient();
        c.Rejects(AlertDescription.IllegalParameter, c.Hello(sessionId: Enumerable.Repeat((byte)0xEE, length).ToArray()));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
    //= type=test
    //# A client which receives a
    //# cipher suite that was not offered MUST abort the handshake with an
    //# "illegal_parameter" alert.
    [Theory]
    [InlineData(0x1302)]
    [InlineData(0x1303)]
    [InlineData(0x1305)]
    [InlineData(0xC02F)]
    public void Cipher_suite_not_offered_is_illegal_parameter(int suite)
    {
        using var c = new WaitingClient(CipherSuite.TlsAes128GcmSha256);
        c.Rejects(AlertDescription.IllegalParameter, c.Hello(suite: (ushort)suite));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
    //= type=test
    //# legacy_compression_method:  A single byte which MUST have the
    //# value 0.
    [Fact]
    public void Compression_method_other_than_zero_is_illegal_parameter()
    {
        using var c = new WaitingClient();
        c.Rejects(AlertDescription.IllegalParameter, c.Hello(compression: 1));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //= type=test
    //# Any endpoint
    //# receiving a Hello message with ClientHello.legacy_version or
    //# ServerHello.legacy_version set to 0x0300 MUST abort the handshake
    //# with a "protocol_version" alert.
    [Fact]
    public void ServerHello_legacy_version_SSL3_is_protocol_version()
    {
        using var c = new WaitingClient();
        c.Rejects(AlertDescription.ProtocolVersion, c.Hello(version: 0x0300));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.1
    //= type=test
    //# If the version chosen by the server is not supported by the client
    //# (or is not acceptable), the client MUST abort the handshake with a
    //# "protocol_version" alert.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
    //= type=test
    //# All TLS 1.3 ServerHello messages MUST contain the "supported_versions"
    //# extension.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
    //= type=test
    //# Clients MUST check for this extension prior to processing the rest of
    //# the ServerHello (although they will have to
    [Fact]
    public void ServerHello_without_supported_versions_is_protocol_version()
    {
        using var c = new WaitingClient();
        var hello = c.Hello();
        c.Rejects(AlertDescription.ProtocolVersion, c.Hello(extensions: Extensions(hello, ExtensionType.SupportedVersions, null)));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
    //= type=test
    //# If
    //# the "supported_versions" extension in the ServerHello contains a
    //# version not offered by the client or contains a version prior to
    //# TLS 1.3, the client MUST abort the handshake with an
    //# "illegal_parameter" alert.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
    //= type=test
    //# The value of selected_version in the HelloRetryRequest
    //# "supported_versions" extension MUST be retained in the ServerHello, and
    //# a client MUST abort the handshake with an "illegal_parameter" alert if
    //# the value changes.
    [Theory]
    [InlineData(0x0303)]
    [InlineData(0x0305)]
    [InlineData(0x7F1C)]
    public void Supported_versions_selecting_another_version_is_illegal_parameter(int version)
    {
        using var c = new WaitingClient();
        var hello = c.Hello();
        c.Rejects(AlertDescription.IllegalParameter,
            c.Hello(extensions: Extensions(hello, ExtensionType.SupportedVersions, SupportedVersionsExtension.EncodeServer((ushort)version))));
    }

    [Fact]
    public void Supported_versions_list_form_in_ServerHello_is_decode_error()
    {
        using var c = new WaitingClient();
        var hello = c.Hello();
        c.Rejects(AlertDescription.DecodeError,
            c.Hello(extensions: Extensions(hello, ExtensionType.SupportedVersions, SupportedVersionsExtension.EncodeClient([ProtocolVersion.Tls13]))));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //= type=test
    //# This value MUST be in the same
    //# group as the KeyShareEntry value offered by the client that the
    //# server has selected for the negotiated key exchange.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-2
    //= type=test
    //# If (EC)DHE key establishment
    //# is in use, then the ServerHello contains a "key_share" extension with
    //# the server's ephemeral Diffie-Hellman share; the server's share MUST
    //# be in the same group as one of the client's shares.
    [Fact]
    public void Key_share_for_a_group_the_client_sent_no_share_for_is_illegal_parameter()
    {
        using var c = new WaitingClient();
        c.Rejects(AlertDescription.IllegalParameter, c.Hello(group: NamedGroup.Secp256r1));
    }

    [Fact]
    public void ServerHello_without_key_share_is_missing_extension()
    {
        using var c = new WaitingClient();
        var hello = c.Hello();
        c.Rejects(AlertDescription.MissingExtension, c.Hello(extensions: Extensions(hello, ExtensionType.KeyShare, null)));
    }

    [Fact]
    public void ServerHello_with_an_all_zero_x25519_share_is_illegal_parameter()
    {
        using var c = new WaitingClient();
        var hello = c.Hello();
        c.Rejects(AlertDescription.IllegalParameter, c.Hello(extensions: Extensions(hello, ExtensionType.KeyShare,
            KeyShareExtension.EncodeServer(new(NamedGroup.X25519, new byte[32])))));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# Implementations MUST NOT send extension responses if the remote
    //# endpoint did not send the corresponding extension requests, with the
    //# exception of the "cookie" extension in the HelloRetryRequest.  Upon
    //# receiving such an extension, an endpoint MUST abort the handshake
    //# with an "unsupported_extension" alert.
    [Fact]
    public void Unsolicited_pre_shared_key_in_ServerHello_is_unsupported_extension()
    {
        using var c = new WaitingClient();
        var hello = c.Hello();
        c.Rejects(AlertDescription.UnsupportedExtension, c.Hello(extensions: Extensions(hello, ExtensionType.PreSharedKey, [0, 0])));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# If an implementation receives an extension
    //# which it recognizes and which is not specified for the message in
    //# which it appears, it MUST abort the handshake with an
    //# "illegal_parameter" alert.
    [Theory]
    [InlineData((ushort)ExtensionType.ApplicationLayerProtocolNegotiation)]
    [InlineData((ushort)ExtensionType.Cookie)]
    [InlineData((ushort)ExtensionType.ServerName)]
    [InlineData((ushort)ExtensionType.SignatureAlgorithms)]
    public void Extension_not_allowed_in_ServerHello_is_illegal_parameter(ushort type)
    {
        using var c = new WaitingClient();
        var hello = c.Hello();
        c.Rejects(AlertDescription.IllegalParameter, c.Hello(extensions: Extensions(hello, (ExtensionType)type, [0, 0])));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# There MUST NOT be more than one extension of the same type in a given
    //# extension block.
    [Fact]
    public void Duplicate_extension_in_ServerHello_is_illegal_parameter()
    {
        using var c = new WaitingClient();
        var hello = c.Hello();
        c.Rejects(AlertDescription.IllegalParameter, c.Hello(extensions: [.. hello.Extensions, new(ExtensionType.SupportedVersions, Tls13)]));
    }

    [Fact]
    public void ServerHello_with_trailing_bytes_is_decode_error()
    {
        using var c = new WaitingClient();
        var body = Bytes.Concat(Bytes.Write(c.Hello().Write), [0]);
        Fatal.OnFeed(c.Connection, AlertDescription.DecodeError, Bytes.HandshakeRecord(HandshakeType.ServerHello, body));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
    //= type=test
    //# Upon receiving a message with type server_hello, implementations MUST
    //# first examine the Random value and, if it matches this value, process it
    //# as described in Section 4.1.4).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
    //= type=test
    //# Otherwise, the client MUST process all extensions in the
    //# HelloRetryRequest and send a second updated ClientHello.
    [Fact]
    public void A_cookie_only_HelloRetryRequest_is_answered_with_a_second_ClientHello()
    {
        using var c = new WaitingClient();
        c.Feed(c.Retry(extensions: [new(ExtensionType.SupportedVersions, Tls13), new(ExtensionType.Cookie, CookieExtension.Encode([1, 2, 3]))]));
        var second = Bytes.SplitRecords(Scenario.Take(c.Connection)).Last();
        var hello = ClientHello.Parse(Bytes.SplitHandshake(second.Payload)[0].AsSpan(4));
        Assert.Equal(new byte[] { 1, 2, 3 }, CookieExtension.Decode(ExtensionBlock.Find(hello.Extensions, ExtensionType.Cookie)));
        Assert.Equal(c.Sent.Random, hello.Random);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
    //= type=test
    //# Clients MUST abort the handshake with an
    //# "illegal_parameter" alert if the HelloRetryRequest would not result
    //# in any change in the ClientHello.
    [Fact]
    public void HelloRetryRequest_that_changes_nothing_is_illegal_parameter()
    {
        using var c = new WaitingClient();
        c.Rejects(AlertDescription.IllegalParameter, c.Retry(extensions: [new(ExtensionType.SupportedVersions, Tls13)]));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //= type=test
    //# Upon receipt of this extension in a HelloRetryRequest, the client
    //# MUST verify that (1) the selected_group field corresponds to a group
    //# which was provided in the "supported_groups" extension in the
    //# original ClientHello and (2) the selected_group field does not
    //# correspond to a group which was provided in the "key_share" extension
    //# in the original ClientHello.  If either of these checks fails, then
    //# the client MUST abort the handshake with an "illegal_parameter"
    //# alert.
    [Theory]
    [InlineData(NamedGroup.X25519)]     // already in key_share
    [InlineData(NamedGroup.Secp521r1)]  // not in supported_groups
    [InlineData((NamedGroup)0x0100)]    // ffdhe2048: not offered
    public void HelloRetryRequest_selecting_an_unacceptable_group_is_illegal_parameter(NamedGroup group)
    {
        using var c = new WaitingClient();
        c.Rejects(AlertDescription.IllegalParameter, c.Retry(extensions:
            [new(ExtensionType.SupportedVersions, Tls13), new(ExtensionType.KeyShare, KeyShareExtension.EncodeHelloRetry(group))]));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
    //= type=test
    //# If a client receives a second
    //# HelloRetryRequest in the same connection (i.e., where the ClientHello
    //# was itself in response to a HelloRetryRequest), it MUST abort the
    //# handshake with an "unexpected_message" alert.
    [Fact]
    public void Second_HelloRetryRequest_is_unexpected_message()
    {
        using var c = new WaitingClient();
        c.Feed(c.Retry());
        Scenario.Take(c.Connection);
        c.Rejects(AlertDescription.UnexpectedMessage, c.Retry(extensions:
            [new(ExtensionType.SupportedVersions, Tls13), new(ExtensionType.KeyShare, KeyShareExtension.EncodeHelloRetry(NamedGroup.Secp384r1))]));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
    //= type=test
    //# Upon receiving
    //# the ServerHello, clients MUST check that the cipher suite supplied in
    //# the ServerHello is the same as that in the HelloRetryRequest and
    //# otherwise abort the handshake with an "illegal_parameter" alert.
    [Fact]
    public void ServerHello_cipher_suite_different_from_the_HelloRetryRequest_is_illegal_parameter()
    {
        using var c = new WaitingClient(CipherSuite.TlsAes128GcmSha256, CipherSuite.TlsAes256GcmSha384);
        c.Feed(c.Retry());
        c.Rejects(AlertDescription.IllegalParameter, c.Hello(suite: (ushort)CipherSuite.TlsAes256GcmSha384, group: NamedGroup.Secp256r1));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //= type=test
    //# If using
    //# (EC)DHE key establishment and a HelloRetryRequest containing a
    //# "key_share" extension was received by the client, the client MUST
    //# verify that the selected NamedGroup in the ServerHello is the same as
    //# that in the HelloRetryRequest.  If this check fails, the client MUST
    //# abort the handshake with an "illegal_parameter" alert.
    [Fact]
    public void ServerHello_group_different_from_the_HelloRetryRequest_is_illegal_parameter()
    {
        using var c = new WaitingClient();
        c.Feed(c.Retry());
        c.Rejects(AlertDescription.IllegalParameter, c.Hello(group: NamedGroup.X25519));
    }

    [Fact]
    public void ServerHello_after_HelloRetryRequest_with_the_requested_group_is_accepted()
    {
        using var c = new WaitingClient();
        c.Feed(c.Retry());
        c.Feed(c.Hello(group: NamedGroup.Secp256r1));
        Assert.False(c.Connection.IsWriteClosed);
    }

    [Fact]
    public void Extension_not_allowed_in_HelloRetryRequest_is_illegal_parameter()
    {
        using var c = new WaitingClient();
        c.Rejects(AlertDescription.IllegalParameter, c.Retry(extensions:
        [
            new(ExtensionType.SupportedVersions, Tls13),
            new(ExtensionType.KeyShare, KeyShareExtension.EncodeHelloRetry(NamedGroup.Secp256r1)),
            new(ExtensionType.PreSharedKey, [0, 0]),
        ]));
    }

    [Theory]
    [InlineData((byte)HandshakeType.Finished, 32)]
    [InlineData((byte)HandshakeType.EncryptedExtensions, 2)]
    [InlineData((byte)HandshakeType.Certificate, 4)]
    [InlineData((byte)HandshakeType.ClientHello, 40)]
    [InlineData((byte)HandshakeType.KeyUpdate, 1)]
    [InlineData((byte)HandshakeType.NewSessionTicket, 13)]
    public void Message_other_than_ServerHello_first_is_unexpected_message(byte type, int length)
    {
        using var c = new WaitingClient();
        Fatal.OnFeed(c.Connection, AlertDescription.UnexpectedMessage, Bytes.HandshakeRecord((HandshakeType)type, new byte[length]));
    }
}
