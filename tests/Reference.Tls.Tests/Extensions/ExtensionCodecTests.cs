using Reference.Tls.Extensions;
using Reference.Tls.Wire;

namespace Reference.Tls.Tests.Extensions;

public class ExtensionCodecTests
{
    private static void AssertAlert(AlertDescription alert, Action act)
    {
        var e = Assert.Throws<TlsException>(act);
        Assert.Equal(TlsErrorType.Protocol, e.ErrorType);
        Assert.Equal(alert, e.Alert);
    }

    [Fact]
    public void Supported_versions_round_trip_in_both_forms()
    {
        ushort[] versions = [ProtocolVersion.Tls13, ProtocolVersion.Tls12];
        var client = SupportedVersionsExtension.EncodeClient(versions);
        Assert.Equal(new byte[] { 4, 3, 4, 3, 3 }, client);
        Assert.Equal(versions, SupportedVersionsExtension.DecodeClient(client));
        Assert.Equal(ProtocolVersion.Tls13, SupportedVersionsExtension.DecodeServer(SupportedVersionsExtension.EncodeServer(ProtocolVersion.Tls13)));
    }

    [Theory]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 1, 3 })]
    [InlineData(new byte[] { 2, 3, 4, 0 })]
    [InlineData(new byte[] { 4, 3, 4 })]
    public void Malformed_client_supported_versions_is_decode_error(byte[] data) =>
        AssertAlert(AlertDescription.DecodeError, () => SupportedVersionsExtension.DecodeClient(data));

    [Fact]
    public void U16_lists_round_trip_and_reject_odd_or_empty_lists()
    {
        var encoded = U16ListExtension.Encode<NamedGroup>([NamedGroup.X25519, NamedGroup.Secp256r1]);
        Assert.Equal(new byte[] { 0, 4, 0, 0x1D, 0, 0x17 }, encoded);
        Assert.Equal(new List<ushort> { 0x1D, 0x17 }, U16ListExtension.Decode(encoded, "supported_groups"));
        AssertAlert(AlertDescription.DecodeError, () => U16ListExtension.Decode([0, 3, 0, 0x1D, 0], "supported_groups"));
        AssertAlert(AlertDescription.DecodeError, () => U16ListExtension.Decode([0, 0], "supported_groups"));
        AssertAlert(AlertDescription.DecodeError, () => U16ListExtension.Decode([0, 2, 0, 0x1D, 9], "supported_groups"));
    }

    [Fact]
    public void Key_share_round_trips_in_all_three_forms()
    {
        var a = new KeyShareEntry(NamedGroup.X25519, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var b = new KeyShareEntry(NamedGroup.Secp256r1, new byte[65]);
        var decoded = KeyShareExtension.DecodeClient(KeyShareExtension.EncodeClient([a, b]));
        Assert.Equal(2, decoded.Count);
        Assert.Equal(a.Group, decoded[0].Group);
        Assert.Equal(a.KeyExchange, decoded[0].KeyExchange);
        Assert.Equal(b.KeyExchange, decoded[1].KeyExchange);
        Assert.Empty(KeyShareExtension.DecodeClient([0, 0]));
        var server = KeyShareExtension.DecodeServer(KeyShareExtension.EncodeServer(a));
        Assert.Equal(a.KeyExchange, server.KeyExchange);
        Assert.Equal(NamedGroup.Secp384r1, KeyShareExtension.DecodeHelloRetry(KeyShareExtension.EncodeHelloRetry(NamedGroup.Secp384r1)));
    }

    [Theory]
    [InlineData(new byte[] { 0, 4, 0, 0x1D, 0, 0 })]          // empty key_exchange (minimum 1)
    [InlineData(new byte[] { 0, 5, 0, 0x1D, 0, 2, 1 })]       // entry overruns the list
    [InlineData(new byte[] { 0, 5, 0, 0x1D, 0, 1, 1, 9 })]    // trailing byte after the list
    public void Malformed_client_key_share_is_decode_error(byte[] data) =>
        AssertAlert(AlertDescription.DecodeError, () => KeyShareExtension.DecodeClient(data));

    [Fact]
    public void Malformed_server_and_retry_key_shares_are_decode_error()
    {
        AssertAlert(AlertDescription.DecodeError, () => KeyShareExtension.DecodeServer([0, 0x1D, 0, 1, 1, 0]));
        AssertAlert(AlertDescription.DecodeError, () => KeyShareExtension.DecodeHelloRetry([0, 0x1D, 0]));
        AssertAlert(AlertDescription.DecodeError, () => KeyShareExtension.DecodeHelloRetry([0]));
    }

    [Fact]
    public void Server_name_round_trips_and_rejects_bad_host_names()
    {
        Assert.Equal("example.com", ServerNameExtension.Decode(ServerNameExtension.Encode("example.com")));
        AssertAlert(AlertDescription.DecodeError, () => ServerNameExtension.Decode([0, 6, 0, 0, 3, (byte)'a', 0, (byte)'b']));
        AssertAlert(AlertDescription.DecodeError, () => ServerNameExtension.Decode([0, 0]));
        AssertAlert(AlertDescription.DecodeError, () => ServerNameExtension.Decode([0, 3, 0, 0, 0]));
    }

    [Fact]
    public void Alpn_round_trips_and_rejects_empty_names()
    {
        var encoded = AlpnExtension.Encode(["h2", "http/1.1"]);
        Assert.Equal(new List<string> { "h2", "http/1.1" }, AlpnExtension.Decode(encoded));
        AssertAlert(AlertDescription.DecodeError, () => AlpnExtension.Decode([0, 2, 0, 0]));
        AssertAlert(AlertDescription.DecodeError, () => AlpnExtension.Decode([0, 0]));
    }

    [Fact]
    public void Cookie_round_trips_and_rejects_empty()
    {
        Assert.Equal(new byte[] { 1, 2, 3 }, CookieExtension.Decode(CookieExtension.Encode([1, 2, 3])));
        AssertAlert(AlertDescription.DecodeError, () => CookieExtension.Decode([0, 0]));
        AssertAlert(AlertDescription.DecodeError, () => CookieExtension.Decode([0, 1, 1, 1]));
    }
}

public class ExtensionBlockTests
{
    private static List<Extension> Read(byte[] block, ExtensionContext context)
    {
        var r = new TlsReader(block);
        var list = ExtensionBlock.Read(ref r, context);
        r.ExpectEnd("block");
        return list;
    }

    private static byte[] Block(params Extension[] extensions)
    {
        var w = new TlsWriter();
        ExtensionBlock.Write(w, extensions);
        return w.ToArray();
    }

    [Fact]
    public void A_block_round_trips_in_order_with_unknown_types_kept()
    {
        Extension[] extensions = [new(ExtensionType.SupportedVersions, [2, 3, 4]), new((ExtensionType)0x1234, []), new(ExtensionType.KeyShare, [0, 0])];
        var block = Block(extensions);
        var read = Read(block, ExtensionContext.ClientHello);
        Assert.Equal(extensions.Select(e => e.Type), read.Select(e => e.Type));
        Assert.Equal(block, Block([.. read]));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# There MUST NOT be more than one extension of the same type in a given
    //# extension block.
    [Fact]
    public void Duplicate_extension_is_illegal_parameter()
    {
        var e = Assert.Throws<TlsException>(() => Read(Block(new((ExtensionType)0x1234, []), new((ExtensionType)0x1234, [1])), ExtensionContext.ClientHello));
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# If an implementation receives an extension
    //# which it recognizes and which is not specified for the message in
    //# which it appears, it MUST abort the handshake with an
    //# "illegal_parameter" alert.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.5
    //= type=test
    //# This extension, if provided by the server, MUST only be sent in the
    //# CertificateRequest message.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.6
    //= type=test
    //# Servers MUST NOT send this extension.
    [Fact]
    public void Every_recognized_extension_is_rejected_exactly_outside_its_messages()
    {
        foreach (var (type, allowed) in ExtensionBlock.AllowedIn)
        {
            foreach (var context in Enum.GetValues<ExtensionContext>().Where(c => c != ExtensionContext.None))
            {
                var block = Block(new Extension(type, [0]));
                if ((allowed & context) != 0)
                {
                    Assert.Single(Read(block, context));
                }
                else
                {
                    var e = Assert.Throws<TlsException>(() => Read(block, context));
                    Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
                }
            }
        }
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# | key_share (RFC 8446)                             | CH, SH, HRR |
    [Fact]
    public void Placement_table_matches_the_rfc_for_the_tls13_extensions()
    {
        Assert.Equal(ExtensionContext.ClientHello | ExtensionContext.ServerHello | ExtensionContext.HelloRetryRequest, ExtensionBlock.AllowedIn[ExtensionType.KeyShare]);
        Assert.Equal(ExtensionContext.ClientHello | ExtensionContext.ServerHello | ExtensionContext.HelloRetryRequest, ExtensionBlock.AllowedIn[ExtensionType.SupportedVersions]);
        Assert.Equal(ExtensionContext.ClientHello | ExtensionContext.HelloRetryRequest, ExtensionBlock.AllowedIn[ExtensionType.Cookie]);
        Assert.Equal(ExtensionContext.ClientHello | ExtensionContext.CertificateRequest, ExtensionBlock.AllowedIn[ExtensionType.SignatureAlgorithms]);
        Assert.Equal(ExtensionContext.ClientHello | ExtensionContext.EncryptedExtensions, ExtensionBlock.AllowedIn[ExtensionType.ApplicationLayerProtocolNegotiation]);
    }

    [Theory]
    [InlineData(new byte[] { 0, 5, 0, 43, 0, 2, 3 })]      // extension data overruns the block
    [InlineData(new byte[] { 0, 3, 0, 43, 0 })]            // block ends inside a header
    [InlineData(new byte[] { 0, 9, 0, 43, 0, 0 })]         // block longer than the input
    [InlineData(new byte[] { 0 })]                         // no block length
    public void Malformed_block_is_decode_error(byte[] block)
    {
        var e = Assert.Throws<TlsException>(() => Read(block, ExtensionContext.ClientHello));
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# Implementations MUST NOT send extension responses if the remote
    //# endpoint did not send the corresponding extension requests, with the
    //# exception of the "cookie" extension in the HelloRetryRequest.  Upon
    //# receiving such an extension, an endpoint MUST abort the handshake
    //# with an "unsupported_extension" alert.
    [Fact]
    public void Unsolicited_response_is_unsupported_extension_except_the_exempt_one()
    {
        List<Extension> request = [new(ExtensionType.KeyShare, [])];
        ExtensionBlock.RejectUnsolicited([new(ExtensionType.KeyShare, [])], request);
        ExtensionBlock.RejectUnsolicited([new(ExtensionType.Cookie, [])], request, ExtensionType.Cookie);
        var e = Assert.Throws<TlsException>(() => ExtensionBlock.RejectUnsolicited([new(ExtensionType.Cookie, [])], request));
        Assert.Equal(AlertDescription.UnsupportedExtension, e.Alert);
    }
}
