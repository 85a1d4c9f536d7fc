using System.Reflection;
using System.Security.Cryptography;
using Reference.Tls.Crypto;
using Reference.Tls.Record;
using Reference.Tls.Tests.Malformed;
using Xunit;

namespace Reference.Tls.Tests.Mutation;

/// <summary>
/// Record layer and record protection behaviour that Stryker showed no other test pinned: exact boundaries,
/// the diagnostics of each failure, buffer wiping, key replacement and the write sequence.
/// </summary>
public class RecordMutationTests
{
    private static readonly CipherSuiteSpec Aes128 = CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256);

    private static RecordProtector Protector(byte fill) => RecordProtector.Create(Aes128, Enumerable.Repeat(fill, 32).ToArray());

    private static TlsException Throws(TlsErrorType type, Action act)
    {
        var e = Assert.Throws<TlsException>(act);
        Assert.Equal(type, e.ErrorType);
        return e;
    }

    private static byte[] Seal(RecordProtector writer, ContentType type, byte[] content, int padding = 0)
    {
        var record = new byte[RecordProtector.SealedLength(content.Length, padding)];
        Assert.Equal(record.Length, writer.Seal(type, content, padding, record));
        return record;
    }

    [Fact]
    public void AnEmptyRecordIsWhole()
    {
        using var layer = new RecordLayer();
        layer.AppendInput(Bytes.Record(ContentType.Handshake, []));
        Assert.True(layer.TryReadRecord(out var record));
        Assert.Equal(ContentType.Handshake, record.Type);
        Assert.True(record.Content.IsEmpty);
        Assert.Equal(0, layer.BufferedInput);
    }

    [Fact]
    public void HeaderFailuresNameTypeAndLength()
    {
        using var unknown = new RecordLayer();
        unknown.AppendInput(Bytes.RawRecord(0x80, [0], 1));
        Assert.Equal("unknown record content type 128", Throws(TlsErrorType.Protocol, () => unknown.TryReadRecord(out _)).Message);

        using var tooLong = new RecordLayer();
        tooLong.AppendInput(Bytes.RawRecord((byte)ContentType.ApplicationData, [], 16641));
        Assert.Equal("record length 16641 exceeds 2^14 + 256", Throws(TlsErrorType.Protocol, () => tooLong.TryReadRecord(out _)).Message);

        using var plaintextTooLong = new RecordLayer();
        plaintextTooLong.AppendInput(Bytes.RawRecord((byte)ContentType.Alert, [], 16385));
        var e = Throws(TlsErrorType.Protocol, () => plaintextTooLong.TryReadRecord(out _));
        Assert.Equal("plaintext record length 16385 exceeds 2^14", e.Message);
        Assert.Equal(AlertDescription.RecordOverflow, e.Alert);
    }

    [Fact]
    public void ProtectedLengthsBetween2To14And2To14Plus256AreAcceptedOnlyForApplicationData()
    {
        using var layer = new RecordLayer();
        layer.AppendInput(Bytes.RawRecord((byte)ContentType.ApplicationData, [], 16385));
        Assert.False(layer.TryReadRecord(out _));
        Assert.Equal(5, layer.BufferedInput);
    }

    [Fact]
    public void RecordTypeFailuresAroundKeysAreNamed()
    {
        using var noKey = new RecordLayer();
        noKey.AppendInput(Bytes.Record(ContentType.ApplicationData, [1]));
        Assert.Equal("protected record before keys were established", Throws(TlsErrorType.Protocol, () => noKey.TryReadRecord(out _)).Message);

        using var keyed = new RecordLayer();
        keyed.SetReadProtector(Protector(1));
        keyed.AppendInput(Bytes.Record(ContentType.Handshake, [1]));
        var e = Throws(TlsErrorType.Protocol, () => keyed.TryReadRecord(out _));
        Assert.Equal("plaintext Handshake record after keys were established", e.Message);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void WriteSequenceCountsSealedRecordsAndKeysCanBeDiscarded()
    {
        using var layer = new RecordLayer();
        Assert.Equal(0UL, layer.WriteSequence);
        Assert.False(layer.WriteKeyExhausted);
        Assert.False(layer.HasWriteKey);

        layer.SetWriteProtector(Protector(3));
        layer.SetReadProtector(Protector(3));
        Assert.True(layer.HasWriteKey);
        Assert.True(layer.HasReadKey);
        layer.WriteRecords(ContentType.ApplicationData, [1, 2]);
        layer.WriteRecords(ContentType.ApplicationData, []);
        Assert.Equal(2UL, layer.WriteSequence);
        Assert.Equal(2 * RecordProtector.SealedLength(2, 0) - 2, layer.PendingOutput.Length);

        layer.DiscardKeys();
        Assert.False(layer.HasWriteKey);
        Assert.False(layer.HasReadKey);
        Assert.Equal(0UL, layer.WriteSequence);
    }

    [Fact]
    public void WriteKeyExhaustionFollowsTheProtector()
    {
        using var layer = new RecordLayer();
        var protector = Protector(3);
        protector.SetSequenceNumberForTest(RecordProtector.AesGcmRecordLimit);
        layer.SetWriteProtector(protector);
        Assert.True(layer.WriteKeyExhausted);
        Assert.Equal(RecordProtector.AesGcmRecordLimit, layer.WriteSequence);
    }

    [Fact]
    public void ReplacingAProtectorDisposesTheOldOne()
    {
        using var layer = new RecordLayer();
        var oldWrite = Protector(1);
        var oldRead = Protector(1);
        layer.SetWriteProtector(oldWrite);
        layer.SetReadProtector(oldRead);
        layer.SetWriteProtector(Protector(2));
        layer.SetReadProtector(Protector(2));

        Assert.Equal("record protector used after Dispose", Throws(TlsErrorType.Internal, () => Seal(oldWrite, ContentType.ApplicationData, [1])).Message);
        Throws(TlsErrorType.Internal, () => Seal(oldRead, ContentType.ApplicationData, [1]));
    }

    [Fact]
    public void DisposeDisposesBothProtectorsAndWipesTheBuffers()
    {
        var layer = new RecordLayer();
        var write = Protector(1);
        var read = Protector(1);
        layer.SetWriteProtector(write);
        layer.SetReadProtector(read);
        layer.AppendInput(Bytes.Record(ContentType.ChangeCipherSpec, [1]));
        layer.WriteRecords(ContentType.ApplicationData, [9, 9, 9]);
        Assert.True(layer.TryReadRecord(out var record));
        var content = record.Content;
        var output = layer.PendingOutput;
        layer.AppendInput([7, 7]);
        Assert.Equal(1, content[0]);

        layer.Dispose();

        Assert.Equal(0, content[0]);
        Assert.All(output.ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(0, layer.BufferedInput);
        Assert.True(layer.PendingOutput.IsEmpty);
        Throws(TlsErrorType.Internal, () => Seal(write, ContentType.ApplicationData, [1]));
        Throws(TlsErrorType.Internal, () => Seal(read, ContentType.ApplicationData, [1]));
    }

    [Fact]
    public void GrowingABufferWipesTheOldArray()
    {
        using var layer = new RecordLayer();
        layer.AppendInput(Bytes.Record(ContentType.Handshake, [5, 5, 5]));
        Assert.True(layer.TryReadRecord(out var record));
        layer.AppendInput([22, 3, 3]);
        var content = record.Content;
        Assert.Equal(5, content[0]);

        layer.AppendInput(new byte[5000]);

        Assert.Equal(0, content[0]);
        Assert.Equal(5003, layer.BufferedInput);
    }

    [Fact]
    public void ConsumingMoreOutputThanPendingIsRefused()
    {
        using var layer = new RecordLayer();
        layer.WriteRecords(ContentType.Alert, [1, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.ConsumeOutput(8));
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.ConsumeOutput(-1));
        layer.ConsumeOutput(7);
        Assert.True(layer.PendingOutput.IsEmpty);
    }

    [Fact]
    public void PartlyConsumedBuffersCompactAndKeepTheirBytesInOrder()
    {
        using var layer = new RecordLayer();
        var expected = new List<byte>();
        for (int i = 0; i < 40; i++)
        {
            var content = Enumerable.Repeat((byte)(i + 1), 90 + i).ToArray();
            layer.WriteRecords(ContentType.Handshake, content);
            expected.AddRange(Bytes.Record(ContentType.Handshake, content));
            int consume = layer.PendingOutput.Length / 2;
            Assert.Equal(expected.Take(consume), layer.PendingOutput[..consume].ToArray());
            layer.ConsumeOutput(consume);
            expected.RemoveRange(0, consume);
        }

        Assert.Equal(expected, layer.PendingOutput.ToArray());
    }

    [Fact]
    public void APlaintextRecordCarriesTheRequestedVersion()
    {
        using var layer = new RecordLayer();
        layer.WritePlaintextRecord(ContentType.Handshake, [1, 2], 0x0301);
        Assert.Equal(new byte[] { 22, 3, 1, 0, 2, 1, 2 }, layer.PendingOutput.ToArray());
    }

    [Fact]
    public void ProtectorArgumentFailuresAreNamed()
    {
        Assert.Equal(
            "record protection: wrong key or IV length",
            Throws(TlsErrorType.Internal, () => RecordProtector.CreateFromKey(Aes128, new byte[16], new byte[11])).Message);
        Throws(TlsErrorType.Internal, () => RecordProtector.CreateFromKey(Aes128, new byte[32], new byte[12]));

        using var p = Protector(1);
        var dest = new byte[100];
        Assert.Equal("record protection: invalid content, type or padding", Throws(TlsErrorType.Internal, () => p.Seal(ContentType.Handshake, [1], -1, dest)).Message);
        Throws(TlsErrorType.Internal, () => p.Seal(ContentType.Invalid, [1], 0, dest));
        Assert.Equal("record protection: empty handshake or alert record", Throws(TlsErrorType.Internal, () => p.Seal(ContentType.Alert, [], 0, dest)).Message);
        Assert.Equal(
            "record protection: destination too small for the sealed record",
            Throws(TlsErrorType.Internal, () => p.Seal(ContentType.ApplicationData, [1], 0, new byte[RecordProtector.SealedLength(1, 0) - 1])).Message);
        Assert.Equal(0UL, p.SequenceNumber);
    }

    [Theory]
    [InlineData(16000, 384, true)]
    [InlineData(16000, 385, false)]
    [InlineData(16384, 0, true)]
    [InlineData(16385, 0, false)]
    public void ContentPlusPaddingMayFill2To14Plus1Octets(int contentLength, int padding, bool fits)
    {
        using var p = Protector(1);
        var dest = new byte[RecordProtector.SealedLength(contentLength, padding)];
        if (fits)
        {
            Assert.Equal(dest.Length, p.Seal(ContentType.ApplicationData, new byte[contentLength], padding, dest));
            Assert.Equal(dest.Length - 5, (dest[3] << 8) | dest[4]);
        }
        else
        {
            Throws(TlsErrorType.Internal, () => p.Seal(ContentType.ApplicationData, new byte[contentLength], padding, dest));
        }
    }

    [Fact]
    public void OpenFailuresAreNamed()
    {
        using var p = Protector(1);
        var payload = new byte[16];
        Assert.Equal(
            "record protection: header does not describe the payload",
            Throws(TlsErrorType.Internal, () => p.Open(new byte[] { 23, 3, 3, 0, 17 }, payload, out _)).Message);
        Throws(TlsErrorType.Internal, () => p.Open(new byte[] { 23, 3, 3, 0, 16, 0 }, payload, out _));

        var tagOnly = Throws(TlsErrorType.Protocol, () => p.Open(new byte[] { 23, 3, 3, 0, 16 }, payload, out _));
        Assert.Equal("record failed authentication", tagOnly.Message);
        Assert.Equal(AlertDescription.BadRecordMac, tagOnly.Alert);
        var shorter = Throws(TlsErrorType.Protocol, () => p.Open(new byte[] { 23, 3, 3, 0, 15 }, new byte[15], out _));
        Assert.Equal("protected record shorter than the AEAD tag", shorter.Message);

        var longest = Throws(TlsErrorType.Protocol, () => p.Open(new byte[] { 23, 3, 3, 0x41, 0 }, new byte[16640], out _));
        Assert.Equal("record failed authentication", longest.Message);
        var over = Throws(TlsErrorType.Protocol, () => p.Open(new byte[] { 23, 3, 3, 0x41, 1 }, new byte[16641], out _));
        Assert.Equal("protected record longer than 2^14 + 256 octets", over.Message);
        Assert.Equal(AlertDescription.RecordOverflow, over.Alert);
    }

    [Fact]
    public void DisposeZeroesTheIvAndDisposesTheAead()
    {
        var p = Protector(1);
        var iv = (byte[])typeof(RecordProtector).GetField("_iv", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(p)!;
        var aead = (AesGcm)typeof(RecordProtector).GetField("_aesGcm", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(p)!;
        Assert.Contains(iv, b => b != 0);

        p.Dispose();
        p.Dispose();

        Assert.All(iv, b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => aead.Encrypt(new byte[12], new byte[1], new byte[1], new byte[16]));
        Assert.Equal("record protector used after Dispose", Throws(TlsErrorType.Internal, () => p.Open(new byte[5], new byte[0], out _)).Message);
    }

    [Fact]
    public void AnExhaustedSequenceRefusesToSealAndToOpen()
    {
        using var writer = Protector(4);
        writer.SetSequenceNumberForTest(ulong.MaxValue);
        var record = Seal(writer, ContentType.ApplicationData, [1]);
        Assert.True(writer.KeyUpdateRecommended);
        Assert.Equal(
            "record sequence number would wrap; the key must be updated",
            Throws(TlsErrorType.Internal, () => Seal(writer, ContentType.ApplicationData, [1])).Message);

        using var reader = Protector(4);
        reader.SetSequenceNumberForTest(ulong.MaxValue);
        reader.Open(record.AsSpan(0, 5), record.AsSpan(5), out int length);
        Assert.Equal(1, length);
        Throws(TlsErrorType.Internal, () => reader.Open(record.AsSpan(0, 5), record.AsSpan(5), out _));
    }

    [Fact]
    public void AesGcmRecommendsAKeyUpdateFromTheLimitOn()
    {
        using var p = Protector(1);
        p.SetSequenceNumberForTest(RecordProtector.AesGcmRecordLimit - 1);
        Assert.False(p.KeyUpdateRecommended);
        Seal(p, ContentType.ApplicationData, [1]);
        Assert.True(p.KeyUpdateRecommended);
    }

    [Fact]
    public void AnEmptyProtectedAlertNamesItsType()
    {
        var secret = Enumerable.Repeat((byte)6, 32).ToArray();
        var key = Reference.Tls.KeySchedule.Hkdf.ExpandLabel(Aes128.Hash, secret, "key", [], 16);
        var iv = Reference.Tls.KeySchedule.Hkdf.ExpandLabel(Aes128.Hash, secret, "iv", [], 12);
        byte[] record = [23, 3, 3, 0, 17, .. new byte[17]];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(iv, [(byte)ContentType.Alert], record.AsSpan(5, 1), record.AsSpan(6, 16), record.AsSpan(0, 5));
        }

        using var reader = RecordProtector.Create(Aes128, secret);
        var e = Throws(TlsErrorType.Protocol, () => reader.Open(record.AsSpan(0, 5), record.AsSpan(5), out _));
        Assert.Equal("protected Alert record with empty content", e.Message);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }
}
