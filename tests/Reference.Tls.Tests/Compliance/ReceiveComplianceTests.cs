using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Tests.Malformed;

namespace Reference.Tls.Tests.Compliance;

/// <summary>What a receiver must ignore or accept (RFC 8446 §4.4.2, §4.4.2.1, §5.1, Appendix D).</summary>
public class ReceiveComplianceTests
{
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# This field is deprecated and MUST be ignored for all purposes.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D
    //= type=test
    //# The value of TLSPlaintext.legacy_record_version MUST be ignored by all
    //# implementations.
    [Theory]
    [InlineData(0x0300)]
    [InlineData(0x0302)]
    [InlineData(0x0304)]
    [InlineData(0xFFFF)]
    public void Any_legacy_record_version_on_a_plaintext_record_is_accepted(int version)
    {
        using var s = new Scenario();
        var record = s.ClientHelloRecord();
        record[1] = (byte)(version >> 8);
        record[2] = (byte)version;
        s.Server.Feed(record);
        Assert.Equal(ContentType.Handshake, Bytes.SplitRecords(Scenario.Take(s.Server))[0].Type);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.1
    //= type=test
    //# TLS 1.3 servers MUST NOT act upon its presence or information in it when
    //# processing ClientHello messages; in particular, they MUST NOT send the
    //# status_request_v2 extension in the EncryptedExtensions,
    //# CertificateRequest, or Certificate messages.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.1
    //= type=test
    //# TLS 1.3 servers MUST be able to process ClientHello messages that
    //# include it, as it MAY be sent by clients that wish to use it in earlier
    //# protocol versions.
    [Fact]
    public void A_ClientHello_with_status_request_v2_is_processed_and_the_extension_is_not_answered()
    {
        using var s = new Scenario();
        var h = Scenario.ParseClientHello(s.ClientHelloRecord());
        const ExtensionType StatusRequestV2 = (ExtensionType)17;
        var extensions = Scenario.SetExtension(h, StatusRequestV2, [0, 7, 2, 0, 4, 0, 0, 0, 0]);
        s.Server.Feed(Scenario.ClientHelloRecord(Scenario.With(h, extensions: extensions)));
        var records = Bytes.SplitRecords(Scenario.Take(s.Server));
        var message = Bytes.SplitHandshake(records[0].Payload)[0];
        Assert.Equal((byte)HandshakeType.ServerHello, message[0]);
        Assert.Null(ExtensionBlock.Find(ServerHello.Parse(message.AsSpan(4)).Extensions, StatusRequestV2));
        Assert.Equal(ContentType.ApplicationData, records[^1].Type);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# The sender's certificate MUST come in the first CertificateEntry in the
    //# list.
    [Fact]
    public void The_server_sends_its_own_certificate_first_and_the_client_sees_the_same_chain()
    {
        using var s = new Scenario();
        s.Complete();
        var sent = s.Server.Info!.PeerCertificates;
        var received = s.Client.Info!.PeerCertificates;
        Assert.True(received.Count >= 1);
        using var leaf = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(received[0]);
        Assert.Contains("localhost", leaf.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.DnsName, false) + leaf.Subject);
        Assert.Empty(sent);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //= type=test
    //# Each KeyShareEntry value MUST correspond to a group offered in the
    //# "supported_groups" extension and MUST appear in the same order.
    [Fact]
    public void Key_shares_follow_the_supported_groups_order_when_a_classic_group_is_preferred_to_a_hybrid_one()
    {
        using var s = new Scenario(client: c => c with { Groups = [NamedGroup.X25519, NamedGroup.X25519MlKem768] });
        var h = Scenario.ParseClientHello(s.ClientHelloRecord());
        var offered = U16ListExtension.Decode(ExtensionBlock.Find(h.Extensions, ExtensionType.SupportedGroups)!, "supported_groups");
        var shares = KeyShareExtension.DecodeClient(ExtensionBlock.Find(h.Extensions, ExtensionType.KeyShare)!);
        var positions = shares.Select(e => offered.IndexOf((ushort)e.Group)).ToList();
        Assert.Equal(positions.Order(), positions);
    }
}
