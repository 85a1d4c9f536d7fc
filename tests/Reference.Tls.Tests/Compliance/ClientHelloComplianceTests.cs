using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Tests.Malformed;

namespace Reference.Tls.Tests.Compliance;

/// <summary>What a client puts in its ClientHello and the record around it (RFC 8446 §4.1.2, §4.2, §5.1, D.5).</summary>
public class ClientHelloComplianceTests
{
    private static (byte[] Record, ClientHello Hello) FirstFlight(bool middlebox = true, Func<TlsConfig, TlsConfig>? client = null)
    {
        using var s = new Scenario(middlebox: middlebox, client: client);
        var record = s.ClientHelloRecord();
        return (record, Scenario.ParseClientHello(record));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# When a client first connects to a server, it is REQUIRED to send the
    //# ClientHello as its first TLS message.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# In order to maximize backward compatibility, a record containing an
    //# initial ClientHello SHOULD have version 0x0301 (reflecting TLS 1.0) and
    //# a record containing a second ClientHello or a ServerHello MUST have
    //# version 0x0303 (reflecting TLS 1.2).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //= type=test
    //# Implementations MUST NOT send an SSL version 2.0 compatible
    //# CLIENT-HELLO.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //= type=test
    //# Implementations MUST NOT send any records with a version less than
    //# 0x0300.
    [Fact]
    public void The_first_flight_is_one_handshake_record_holding_only_a_ClientHello_with_record_version_0x0301()
    {
        var (record, _) = FirstFlight();
        var records = Bytes.SplitRecords(record);
        Assert.Single(records);
        Assert.Equal(ContentType.Handshake, records[0].Type);
        Assert.Equal(new byte[] { 0x03, 0x01 }, record[1..3]);
        var messages = Bytes.SplitHandshake(records[0].Payload);
        Assert.Single(messages);
        Assert.Equal((byte)HandshakeType.ClientHello, messages[0][0]);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# In TLS 1.3, the client indicates its version preferences in the
    //# "supported_versions" extension (Section 4.2.1) and the legacy_version
    //# field MUST be set to 0x0303, which is the version number for TLS 1.2.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //= type=test
    //# Implementations MUST NOT send a ClientHello.legacy_version or
    //# ServerHello.legacy_version set to 0x0300 or less.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# For every TLS 1.3 ClientHello, this vector MUST contain exactly one
    //# byte, set to zero, which corresponds to the "null" compression method in
    //# prior versions of TLS.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
    //= type=test
    //# Implementations of this specification MUST send this extension in the
    //# ClientHello containing all versions of TLS which they are prepared to
    //# negotiate (for this specification, that means minimally 0x0304, but if
    //# previous versions of TLS are allowed to be negotiated, they MUST be
    //# present as well).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# Clients which desire the server to authenticate itself via a certificate
    //# MUST send the "signature_algorithms" extension.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
    //= type=test
    //# As servers MAY require the presence of the "server_name" extension,
    //# clients SHOULD send this extension, when applicable.
    [Fact]
    public void ClientHello_fields_are_those_of_TLS_1_3()
    {
        var (_, hello) = FirstFlight();
        Assert.Equal(0x0303, hello.LegacyVersion);
        Assert.Equal(new byte[] { 0 }, hello.LegacyCompressionMethods);
        var versions = SupportedVersionsExtension.DecodeClient(ExtensionBlock.Find(hello.Extensions, ExtensionType.SupportedVersions)!);
        Assert.Contains(ProtocolVersion.Tls13, versions);
        Assert.NotNull(ExtensionBlock.Find(hello.Extensions, ExtensionType.SignatureAlgorithms));
        Assert.Equal("localhost", ServerNameExtension.Decode(ExtensionBlock.Find(hello.Extensions, ExtensionType.ServerName)!));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# In compatibility mode (see Appendix D.4), this field MUST be non-empty,
    //# so a client not offering a pre-TLS 1.3 session MUST generate a new
    //# 32-byte value.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# This value need not be random but SHOULD be unpredictable to avoid
    //# implementations fixating on a specific value (also known as
    //# ossification).
    [Fact]
    public void In_compatibility_mode_the_session_id_is_a_fresh_32_byte_value()
    {
        var a = FirstFlight(middlebox: true).Hello.LegacySessionId;
        var b = FirstFlight(middlebox: true).Hello.LegacySessionId;
        Assert.Equal(32, a.Length);
        Assert.Equal(32, b.Length);
        Assert.NotEqual(a, b);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# Otherwise, it MUST be set as a zero-length vector (i.e., a zero-valued
    //# single byte length field).
    [Fact]
    public void Without_compatibility_mode_the_session_id_is_empty()
    {
        var (record, hello) = FirstFlight(middlebox: false);
        Assert.Empty(hello.LegacySessionId);
        // The byte after version (2) and random (32) in the ClientHello body is the length: zero.
        var message = Bytes.SplitHandshake(Bytes.SplitRecords(record)[0].Payload)[0];
        Assert.Equal(0, message[4 + 2 + 32]);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //= type=test
    //# The key_exchange values for each KeyShareEntry MUST be generated
    //# independently.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //= type=test
    //# Each KeyShareEntry value MUST correspond to a group offered in the
    //# "supported_groups" extension and MUST appear in the same order.
    [Fact]
    public void Key_shares_are_for_offered_groups_in_their_order_and_fresh_per_connection()
    {
        var groups = new[] { NamedGroup.Secp256r1, NamedGroup.X25519 };
        ClientHello Hello() => FirstFlight(client: c => c with { Groups = groups }).Hello;
        var first = Hello();
        var offered = U16ListExtension.Decode(ExtensionBlock.Find(first.Extensions, ExtensionType.SupportedGroups)!, "supported_groups");
        var shares = KeyShareExtension.DecodeClient(ExtensionBlock.Find(first.Extensions, ExtensionType.KeyShare)!);
        Assert.NotEmpty(shares);
        var positions = shares.Select(s => offered.IndexOf((ushort)s.Group)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
        var again = KeyShareExtension.DecodeClient(ExtensionBlock.Find(Hello().Extensions, ExtensionType.KeyShare)!);
        Assert.NotEqual(shares[0].KeyExchange, again[0].KeyExchange);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.2
    //= type=test
    //# Clients MUST NOT use cookies in their initial ClientHello in subsequent
    //# connections.
    [Fact]
    public void A_cookie_from_one_connection_is_not_sent_in_the_next()
    {
        var (c, s) = Connection.InMemoryPair.Configs(server: x => x with { SendHelloRetryCookie = true, Groups = [NamedGroup.Secp384r1] });
        using (var pair = new Connection.InMemoryPair(c, s))
        {
            pair.Pump();
            Assert.True(pair.Client.Info!.HelloRetryRequest);
        }

        using var next = TlsConnection.CreateClient(c, "localhost");
        var hello = Scenario.ParseClientHello(Scenario.Take(next));
        Assert.Null(ExtensionBlock.Find(hello.Extensions, ExtensionType.Cookie));
    }
}
