using Reference.Tls.Crypto;
using Reference.Tls.Record;
using Reference.Tls.Tests.Malformed;

namespace Reference.Tls.Tests.Record;

/// <summary>The record layer on its own: framing, header checks, and protection switching.</summary>
public class RecordLayerTests
{
    private static RecordProtector Protector(byte fill) =>
        RecordProtector.Create(CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256), Enumerable.Repeat(fill, 32).ToArray());

    private static TlsException Throws(Action act)
    {
        var e = Assert.Throws<TlsException>(act);
        Assert.Equal(TlsErrorType.Protocol, e.ErrorType);
        return e;
    }

    [Fact]
    public void Partial_records_wait_and_whole_records_come_out_in_order()
    {
        using var layer = new RecordLayer();
        var bytes = Bytes.Concat(Bytes.Record(ContentType.Handshake, [1, 2, 3]), Bytes.Record(ContentType.Alert, [1, 0]));
        layer.AppendInput(bytes.AsSpan(0, 4));
        Assert.False(layer.TryReadRecord(out _));
        layer.AppendInput(bytes.AsSpan(4, 3));
        Assert.False(layer.TryReadRecord(out _));
        layer.AppendInput(bytes.AsSpan(7));
        Assert.True(layer.TryReadRecord(out var first));
        Assert.Equal(ContentType.Handshake, first.Type);
        Assert.Equal(new byte[] { 1, 2, 3 }, first.Content.ToArray());
        Assert.False(first.WasProtected);
        Assert.True(layer.TryReadRecord(out var second));
        Assert.Equal(ContentType.Alert, second.Type);
        Assert.False(layer.TryReadRecord(out _));
        Assert.Equal(0, layer.BufferedInput);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# The length MUST NOT exceed 2^14 bytes.  An
    //# endpoint that receives a record that exceeds this length MUST
    //# terminate the connection with a "record_overflow" alert.
    [Fact]
    public void Plaintext_length_is_checked_from_the_header_alone()
    {
        using var layer = new RecordLayer();
        layer.AppendInput(Bytes.RawRecord((byte)ContentType.Handshake, [], (1 << 14) + 1));
        Assert.Equal(AlertDescription.RecordOverflow, Throws(() => layer.TryReadRecord(out _)).Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
    //= type=test
    //# An endpoint that receives a record from its
    //# peer with TLSCiphertext.length larger than 2^14 + 256 octets MUST
    //# terminate the connection with a "record_overflow" alert.
    [Fact]
    public void Ciphertext_length_limit_is_2_to_the_14_plus_256()
    {
        using var ok = new RecordLayer();
        ok.AppendInput(Bytes.RawRecord((byte)ContentType.ApplicationData, [], (1 << 14) + 256));
        Assert.False(ok.TryReadRecord(out _));
        using var layer = new RecordLayer();
        layer.AppendInput(Bytes.RawRecord((byte)ContentType.ApplicationData, [], (1 << 14) + 257));
        Assert.Equal(AlertDescription.RecordOverflow, Throws(() => layer.TryReadRecord(out _)).Alert);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(24)]
    [InlineData(0x80)]
    public void Unknown_content_type_is_unexpected_message(byte type)
    {
        using var layer = new RecordLayer();
        layer.AppendInput(Bytes.RawRecord(type, [0], 1));
        Assert.Equal(AlertDescription.UnexpectedMessage, Throws(() => layer.TryReadRecord(out _)).Alert);
    }

    [Fact]
    public void Application_data_without_a_read_key_is_unexpected_message()
    {
        using var layer = new RecordLayer();
        layer.AppendInput(Bytes.Record(ContentType.ApplicationData, new byte[20]));
        Assert.Equal(AlertDescription.UnexpectedMessage, Throws(() => layer.TryReadRecord(out _)).Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
    //= type=test
    //# The outer opaque_type field of a TLSCiphertext record is always set to the
    //# value 23 (application_data) for outward compatibility with
    //# middleboxes accustomed to parsing previous versions of TLS.
    [Fact]
    public void With_a_read_key_only_protected_records_and_change_cipher_spec_are_accepted()
    {
        using var layer = new RecordLayer();
        layer.SetReadProtector(Protector(1));
        layer.AppendInput(Bytes.Record(ContentType.ChangeCipherSpec, [1]));
        Assert.True(layer.TryReadRecord(out var ccs));
        Assert.Equal(ContentType.ChangeCipherSpec, ccs.Type);
        layer.AppendInput(Bytes.Record(ContentType.Handshake, [20, 0, 0, 0]));
        Assert.Equal(AlertDescription.UnexpectedMessage, Throws(() => layer.TryReadRecord(out _)).Alert);
    }

    [Fact]
    public void Records_written_under_a_key_are_read_under_the_same_key()
    {
        using var writer = new RecordLayer();
        using var reader = new RecordLayer();
        writer.SetWriteProtector(Protector(7));
        reader.SetReadProtector(Protector(7));
        writer.WriteRecords(ContentType.Handshake, new byte[40000]);
        var records = Bytes.SplitRecords(writer.PendingOutput);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal(ContentType.ApplicationData, r.Type));
        reader.AppendInput(writer.PendingOutput);
        int total = 0;
        while (reader.TryReadRecord(out var record))
        {
            Assert.True(record.WasProtected);
            Assert.Equal(ContentType.Handshake, record.Type);
            Assert.InRange(record.Content.Length, 1, 1 << 14);
            total += record.Content.Length;
        }

        Assert.Equal(40000, total);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
    //= type=test
    //# If the decryption fails, the receiver MUST terminate the connection
    //# with a "bad_record_mac" alert.
    [Fact]
    public void A_record_under_another_key_is_bad_record_mac()
    {
        using var writer = new RecordLayer();
        using var reader = new RecordLayer();
        writer.SetWriteProtector(Protector(7));
        reader.SetReadProtector(Protector(8));
        writer.WriteRecords(ContentType.ApplicationData, [1, 2, 3]);
        reader.AppendInput(writer.PendingOutput);
        Assert.Equal(AlertDescription.BadRecordMac, Throws(() => reader.TryReadRecord(out _)).Alert);
    }

    [Fact]
    public void Plaintext_alerts_pass_only_while_allowed()
    {
        using var layer = new RecordLayer();
        layer.SetReadProtector(Protector(1));
        layer.AppendInput(Bytes.Record(ContentType.Alert, [2, 40]));
        Assert.True(layer.TryReadRecord(out var alert));
        Assert.False(alert.WasProtected);
        layer.AcceptPlaintextAlerts = false;
        layer.AppendInput(Bytes.Record(ContentType.Alert, [2, 40]));
        Assert.Equal(AlertDescription.UnexpectedMessage, Throws(() => layer.TryReadRecord(out _)).Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# legacy_record_version:  MUST be set to 0x0303 for all records generated
    //# by a TLS 1.3 implementation other than an initial ClientHello (i.e., one
    //# not generated after a HelloRetryRequest), where it MAY also be 0x0301
    //# for compatibility purposes.
    [Fact]
    public void Plaintext_writes_use_legacy_record_version_0x0303_and_split_at_2_to_the_14()
    {
        using var layer = new RecordLayer();
        layer.WriteRecords(ContentType.Handshake, new byte[(1 << 14) + 1]);
        var output = layer.PendingOutput.ToArray();
        Assert.Equal(new byte[] { 22, 3, 3, 0x40, 0 }, output[..5]);
        var records = Bytes.SplitRecords(output);
        Assert.Equal([1 << 14, 1], records.Select(r => r.Payload.Length));
        layer.ConsumeOutput(output.Length);
        Assert.True(layer.PendingOutput.IsEmpty);
    }
}
