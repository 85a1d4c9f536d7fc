using Reference.Tls.Crypto;
using Reference.Tls.Record;
using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.Malformed;

/// <summary>Record-layer violations fed to real connections: each ends in one specific fatal alert.</summary>
public class MalformedRecordTests
{
    private static TlsConnection FreshServer() => TlsConnection.CreateServer(InMemoryPair.Configs().Server);

    [Fact]
    public void Every_proper_prefix_of_a_record_waits_for_more_and_then_garbage_is_rejected()
    {
        using var s = new Scenario();
        var hello = s.ClientHelloRecord();
        for (int cut = 1; cut < hello.Length; cut += 7)
        {
            using var server = FreshServer();
            server.Feed(hello.AsSpan(0, cut));
            Assert.False(server.HasPendingOutput);
            Assert.False(server.IsHandshakeComplete);
        }

        using var victim = FreshServer();
        victim.Feed(hello.AsSpan(0, 100));
        var garbage = Enumerable.Repeat((byte)0xFF, hello.Length - 100).ToArray();
        Fatal.OnFeed(victim, AlertDescription.DecodeError, garbage);
    }

    [Fact]
    public void A_flight_delivered_one_byte_at_a_time_completes_the_handshake()
    {
        using var s = new Scenario();
        var flight = s.ServerFlight();
        foreach (var b in flight)
        {
            Assert.False(s.Client.IsHandshakeComplete);
            s.Client.Feed([b]);
        }

        Assert.True(s.Client.IsHandshakeComplete);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# The length MUST NOT exceed 2^14 bytes.  An
    //# endpoint that receives a record that exceeds this length MUST
    //# terminate the connection with a "record_overflow" alert.
    [Theory]
    [InlineData((byte)ContentType.Handshake)]
    [InlineData((byte)ContentType.Alert)]
    [InlineData((byte)ContentType.ChangeCipherSpec)]
    public void Plaintext_record_longer_than_2_to_the_14_is_record_overflow(byte type)
    {
        using var server = FreshServer();
        // The header alone decides: the connection must not wait for 16 KiB of body first.
        Fatal.OnFeed(server, AlertDescription.RecordOverflow, Bytes.RawRecord(type, [], (1 << 14) + 1));
    }

    [Fact]
    public void Plaintext_record_of_exactly_2_to_the_14_is_accepted_as_far_as_length_goes()
    {
        using var server = FreshServer();
        server.Feed(Bytes.RawRecord((byte)ContentType.Handshake, [], 1 << 14));
        Assert.False(server.HasPendingOutput);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
    //= type=test
    //# An endpoint that receives a record from its
    //# peer with TLSCiphertext.length larger than 2^14 + 256 octets MUST
    //# terminate the connection with a "record_overflow" alert.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
    //= type=test
    //# The length MUST NOT exceed 2^14 + 256 bytes.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
    //= type=test
    //# An endpoint that receives a record that exceeds this length MUST
    //# terminate the connection with a "record_overflow" alert.
    [Fact]
    public void Ciphertext_record_longer_than_2_to_the_14_plus_256_is_record_overflow()
    {
        using var s = new Scenario();
        s.Complete();
        Fatal.OnFeed(s.Server, AlertDescription.RecordOverflow,
            Bytes.RawRecord((byte)ContentType.ApplicationData, [], (1 << 14) + 257), s.ServerKeys);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5
    //= type=test
    //# If a TLS
    //# implementation receives an unexpected record type, it MUST terminate
    //# the connection with an "unexpected_message" alert.
    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(24)]
    [InlineData(255)]
    public void Unknown_record_content_type_is_unexpected_message(byte type)
    {
        using var server = FreshServer();
        Fatal.OnFeed(server, AlertDescription.UnexpectedMessage, Bytes.RawRecord(type, [1, 2, 3], 3));
    }

    [Fact]
    public void Application_data_record_before_keys_is_unexpected_message()
    {
        using var server = FreshServer();
        Fatal.OnFeed(server, AlertDescription.UnexpectedMessage, Bytes.Record(ContentType.ApplicationData, new byte[40]));
    }

    [Fact]
    public void Plaintext_handshake_record_after_the_read_key_changed_is_unexpected_message()
    {
        using var s = new Scenario();
        var flight = Bytes.SplitRecords(s.ServerFlight());
        s.Client.Feed(Bytes.Record(flight[0].Type, flight[0].Payload));
        Fatal.OnFeed(s.Client, AlertDescription.UnexpectedMessage, Bytes.HandshakeRecord(HandshakeType.Finished, new byte[32]));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
    //= type=test
    //# If the decryption fails, the receiver MUST terminate the connection
    //# with a "bad_record_mac" alert.
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D
    //= type=test
    //# The value of TLSCiphertext.legacy_record_version is included in the
    //# additional data for deprotection but MAY otherwise be ignored or MAY be
    //# validated to match the fixed constant value.
    [Theory]
    [InlineData(-1)]   // last byte of the tag
    [InlineData(-20)]  // ciphertext
    [InlineData(1)]    // legacy_record_version: part of the additional data
    public void Tampered_protected_handshake_record_is_bad_record_mac(int position)
    {
        using var s = new Scenario();
        var flight = s.ServerFlight();
        var records = Bytes.SplitRecords(flight);
        Assert.Equal(ContentType.ApplicationData, records[^1].Type);
        int lastRecordStart = flight.Length - 5 - records[^1].Payload.Length;
        int index = position < 0 ? flight.Length + position : lastRecordStart + position;
        flight[index] ^= 0x01;
        Fatal.OnFeed(s.Client, AlertDescription.BadRecordMac, flight);
    }

    [Fact]
    public void Tampered_application_data_is_bad_record_mac_and_the_alert_is_protected()
    {
        using var s = new Scenario();
        s.Complete();
        s.Client.WriteApplicationData([1, 2, 3, 4]);
        var record = Scenario.Take(s.Client);
        record[8] ^= 0x80;
        Fatal.OnFeed(s.Server, AlertDescription.BadRecordMac, record, s.ServerKeys);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5
    //= type=test
    //# An
    //# implementation which receives any other change_cipher_spec value or
    //# which receives a protected change_cipher_spec record MUST abort the
    //# handshake with an "unexpected_message" alert.
    [Theory]
    [InlineData(new byte[] { 0x02 })]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { 0x01, 0x01 })]
    [InlineData(new byte[0])]
    public void Change_cipher_spec_other_than_the_single_byte_1_is_unexpected_message(byte[] content)
    {
        using var s = new Scenario();
        s.ServerFlight();
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, Bytes.Record(ContentType.ChangeCipherSpec, content), s.ServerKeys);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5
    //= type=test
    //# An implementation may receive an unencrypted record of type
    //# change_cipher_spec consisting of the single byte value 0x01 at any
    //# time after the first ClientHello message has been sent or received
    //# and before the peer's Finished message has been received and MUST
    //# simply drop it without further processing.
    [Fact]
    public void Change_cipher_spec_during_the_handshake_is_dropped()
    {
        using var s = new Scenario();
        var flight = s.ServerFlight();
        var ccs = Bytes.Record(ContentType.ChangeCipherSpec, [1]);
        s.Server.Feed(ccs);
        s.Server.Feed(ccs);
        Assert.False(s.Server.HasPendingOutput);
        s.Client.Feed(Bytes.Concat(ccs, flight));
        s.Server.Feed(Scenario.Take(s.Client));
        Assert.True(s.Server.IsHandshakeComplete);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5
    //= type=test
    //# If an implementation
    //# detects a change_cipher_spec record received before the first
    //# ClientHello message or after the peer's Finished message, it MUST be
    //# treated as an unexpected record type
    [Fact]
    public void Change_cipher_spec_before_the_client_hello_is_unexpected_message()
    {
        using var server = FreshServer();
        Fatal.OnFeed(server, AlertDescription.UnexpectedMessage, Bytes.Record(ContentType.ChangeCipherSpec, [1]));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5
    //= type=test
    //# If an implementation
    //# detects a change_cipher_spec record received before the first
    //# ClientHello message or after the peer's Finished message, it MUST be
    //# treated as an unexpected record type
    [Fact]
    public void Change_cipher_spec_after_the_handshake_is_unexpected_message()
    {
        using var s = new Scenario();
        s.Complete();
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, Bytes.Record(ContentType.ChangeCipherSpec, [1]), s.ServerKeys);
    }

    [Fact]
    public void Protected_change_cipher_spec_is_unexpected_message()
    {
        using var s = new Scenario();
        s.Complete();
        using var writer = RecordProtector.Create(CipherSuiteSpec.Get(Scenario.Suite), s.ClientKeys["CLIENT_TRAFFIC_SECRET_0"]);
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, Bytes.Seal(writer, ContentType.ChangeCipherSpec, [1]), s.ServerKeys);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Implementations MUST NOT send zero-length fragments of Handshake
    //# types, even if those fragments contain padding.
    [Fact]
    public void Zero_length_handshake_record_is_unexpected_message()
    {
        using var server = FreshServer();
        Fatal.OnFeed(server, AlertDescription.UnexpectedMessage, Bytes.Record(ContentType.Handshake, []));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Handshake messages MUST NOT be interleaved with other record
    //# types.  That is, if a handshake message is split over two or more
    //# records, there MUST NOT be any other records between them.
    [Theory]
    [InlineData((byte)ContentType.Alert, new byte[] { 1, 90 })]
    [InlineData((byte)ContentType.ChangeCipherSpec, new byte[] { 1 })]
    public void Record_of_another_type_inside_a_fragmented_handshake_message_is_unexpected_message(byte type, byte[] content)
    {
        using var s = new Scenario();
        var hello = Bytes.SplitRecords(s.ClientHelloRecord())[0].Payload;
        s.Server.Feed(Bytes.Record(ContentType.Handshake, hello.AsSpan(0, 50)));
        Assert.False(s.Server.HasPendingOutput);
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, Bytes.Record((ContentType)type, content));
    }

    [Fact]
    public void A_handshake_message_fragmented_over_many_records_is_accepted()
    {
        using var s = new Scenario();
        var hello = Bytes.SplitRecords(s.ClientHelloRecord())[0].Payload;
        var fragmented = hello.Chunk(13).SelectMany(chunk => Bytes.Record(ContentType.Handshake, chunk)).ToArray();
        s.Server.Feed(fragmented);
        Assert.True(s.Server.HasPendingOutput);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Implementations
    //# MUST verify that all messages immediately preceding a key change
    //# align with a record boundary; if not, then they MUST terminate the
    //# connection with an "unexpected_message" alert.
    [Fact]
    public void ServerHello_and_EncryptedExtensions_in_one_plaintext_record_is_unexpected_message()
    {
        using var s = new Scenario();
        var serverHello = Bytes.SplitRecords(s.ServerFlight())[0];
        Assert.Equal(ContentType.Handshake, serverHello.Type);
        var coalesced = Bytes.Concat(serverHello.Payload, Bytes.Handshake(HandshakeType.EncryptedExtensions, [0, 0]));
        Fatal.OnFeed(s.Client, AlertDescription.UnexpectedMessage, Bytes.Record(ContentType.Handshake, coalesced));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Implementations
    //# MUST verify that all messages immediately preceding a key change
    //# align with a record boundary; if not, then they MUST terminate the
    //# connection with an "unexpected_message" alert.
    [Fact]
    public void ClientHello_followed_by_part_of_another_message_in_its_record_is_unexpected_message()
    {
        using var s = new Scenario();
        var hello = Bytes.SplitRecords(s.ClientHelloRecord())[0].Payload;
        var coalesced = Bytes.Concat(hello, [(byte)HandshakeType.Finished, 0, 0, 32, 1, 2]);
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, Bytes.Record(ContentType.Handshake, coalesced), s.ServerKeys);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Peers which receive a message which cannot be parsed according to the syntax (e.g., have a length
    //# extending beyond the message boundary or contain an out-of-range
    //# length) MUST terminate the connection with a "decode_error" alert.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# In other words, a record with an Alert type MUST contain exactly one
    //# message.
    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 2 })]
    [InlineData(new byte[] { 2, 40, 0 })]
    [InlineData(new byte[] { 1, 0, 1, 0 })]
    public void Alert_record_that_is_not_exactly_two_bytes_is_decode_error(byte[] content)
    {
        using var server = FreshServer();
        Fatal.OnFeed(server, AlertDescription.DecodeError, Bytes.Record(ContentType.Alert, content));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Upon receiving an error alert, the TLS implementation
    //# SHOULD indicate an error to the application and MUST NOT allow any
    //# further data to be sent or received on the connection.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Unknown Alert types MUST be treated as error alerts.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# All the alerts listed in Section 6.2 MUST be sent with AlertLevel=fatal
    //# and MUST be treated as error alerts when received regardless of the
    //# AlertLevel in the message.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
    //= type=test
    //# The implementation SHOULD provide a way to facilitate logging the
    //# sending and receiving of alerts.
    [Theory]
    [InlineData(2, AlertDescription.HandshakeFailure)]
    [InlineData(1, AlertDescription.UnexpectedMessage)]
    [InlineData(1, (AlertDescription)255)]
    public void Error_alert_from_the_peer_fails_the_connection_without_answering(byte level, AlertDescription description)
    {
        using var server = FreshServer();
        var e = Fatal.CatchTls(() => server.Feed(Bytes.Record(ContentType.Alert, [level, (byte)description])));
        Assert.Equal(TlsErrorType.Alert, e.ErrorType);
        Assert.Equal(description, e.Alert);
        Assert.True(e.AlertFromPeer);
        Assert.False(server.HasPendingOutput);
        Fatal.AssertSticky(server, e);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
    //= type=test
    //# Any data received after a closure alert has been received MUST be ignored.
    [Fact]
    public void Records_after_close_notify_are_ignored()
    {
        using var s = new Scenario();
        s.Complete();
        s.Client.WriteApplicationData([7]);
        s.Client.Close();
        var bytes = Scenario.Take(s.Client);
        s.Server.Feed(bytes);
        Assert.True(s.Server.IsPeerClosed);
        s.Server.Feed(Bytes.RawRecord(99, [1, 2, 3], 3));
        s.Server.Feed(bytes);
        s.Server.Feed(Bytes.Record(ContentType.ChangeCipherSpec, [9]));
        Assert.False(s.Server.HasPendingOutput);
        Assert.Equal(1, s.Server.AvailableApplicationData);
        s.Server.WriteApplicationData([8]);
        Assert.True(s.Server.HasPendingOutput);
    }

    [Fact]
    public void Garbage_after_close_notify_in_the_same_feed_is_ignored()
    {
        using var s = new Scenario();
        s.Complete();
        s.Client.Close();
        var bytes = Bytes.Concat(Scenario.Take(s.Client), Bytes.RawRecord(99, [1], 1));
        s.Server.Feed(bytes);
        Assert.True(s.Server.IsPeerClosed);
        Assert.False(s.Server.HasPendingOutput);
    }
}
