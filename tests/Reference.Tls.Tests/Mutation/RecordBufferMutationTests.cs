using System.Buffers.Binary;
using System.Reflection;
using System.Security.Cryptography;
using Reference.Tls.Crypto;
using Reference.Tls.KeySchedule;
using Reference.Tls.Record;
using Reference.Tls.Tests.Malformed;
using Xunit;

namespace Reference.Tls.Tests.Mutation;

/// <summary>
/// Buffer reuse, growth and wiping in the record layer, and the inner-plaintext failures of record protection.
/// The buffer tests watch a record's content span: it aliases the input buffer, so it shows whether that array was
/// reused (new bytes appear) or replaced (the old array is wiped to zeros).
/// </summary>
public class RecordBufferMutationTests
{
    private static readonly CipherSuiteSpec Aes128 = CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256);
    private static readonly byte[] Secret = Enumerable.Repeat((byte)6, 32).ToArray();

    private static TlsException Throws(TlsErrorType type, Action act)
    {
        var e = Assert.Throws<TlsException>(act);
        Assert.Equal(type, e.ErrorType);
        return e;
    }

    private static T Field<T>(RecordProtector p, string name) =>
        (T)typeof(RecordProtector).GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(p)!;

    /// <summary>An independent AES-GCM seal of an arbitrary TLSInnerPlaintext under <see cref="Secret"/>, sequence 0.</summary>
    private static byte[] SealRawInner(byte[] inner)
    {
        var key = Hkdf.ExpandLabel(Aes128.Hash, Secret, "key", [], 16);
        var iv = Hkdf.ExpandLabel(Aes128.Hash, Secret, "iv", [], 12);
        var record = new byte[5 + inner.Length + 16];
        record[0] = 23;
        record[1] = 3;
        record[2] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), (ushort)(inner.Length + 16));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(iv, inner, record.AsSpan(5, inner.Length), record.AsSpan(5 + inner.Length), record.AsSpan(0, 5));
        return record;
    }

    [Fact]
    public void AnExactlyFittingAppendReusesTheBuffer()
    {
        using var layer = new RecordLayer();
        layer.AppendInput(Bytes.Record(ContentType.Handshake, [5, 5, 5]));
        Assert.True(layer.TryReadRecord(out var record));
        var content = record.Content;

        layer.AppendInput(Enumerable.Repeat((byte)0x77, 2048).ToArray());

        Assert.Equal(0x77, content[0]);
    }

    [Fact]
    public void ConsumedSpaceIsReclaimedByCompactionWhenItSuffices()
    {
        using var layer = new RecordLayer();
        layer.AppendInput(Bytes.Record(ContentType.Handshake, new byte[1000]));
        layer.AppendInput([22, 3, 3]);
        Assert.True(layer.TryReadRecord(out var record));
        var content = record.Content;

        layer.AppendInput(Enumerable.Repeat((byte)0x77, 2045).ToArray());

        Assert.Equal(0x77, content[0]);
        Assert.Equal(2048, layer.BufferedInput);
    }

    [Fact]
    public void WhenCompactionIsNotEnoughTheBufferGrowsAndKeepsTheLiveBytes()
    {
        using var layer = new RecordLayer();
        layer.AppendInput(Bytes.Record(ContentType.Handshake, new byte[1000]));
        layer.AppendInput([22, 3, 3]);
        Assert.True(layer.TryReadRecord(out var record));
        var content = record.Content;

        layer.AppendInput([0x04, 0x01, .. Enumerable.Repeat((byte)0x77, 2044)]);

        Assert.Equal(0, content[0]);
        Assert.Equal(2049, layer.BufferedInput);
        Assert.True(layer.TryReadRecord(out var next));
        Assert.Equal(1025, next.Content.Length);
        Assert.Equal(0x77, next.Content[0]);
    }

    [Fact]
    public void GrowthAtLeastDoublesTheBuffer()
    {
        using var layer = new RecordLayer();
        layer.AppendInput(Bytes.Record(ContentType.Handshake, new byte[2044]));
        Assert.True(layer.TryReadRecord(out var record));
        var content = record.Content;

        layer.AppendInput(Enumerable.Repeat((byte)0x77, 2050).ToArray());

        Assert.Equal(0x77, content[0]);
    }

    [Fact]
    public void DiscardAfterPartialConsumptionChecksWhatIsLeft()
    {
        using var layer = new RecordLayer();
        layer.WriteRecords(ContentType.Alert, [1, 0]);
        layer.ConsumeOutput(3);
        Assert.Equal(4, layer.PendingOutput.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.ConsumeOutput(5));
        layer.ConsumeOutput(4);
        Assert.True(layer.PendingOutput.IsEmpty);
    }

    [Fact]
    public void DiscardingKeysDisposesTheProtectors()
    {
        using var layer = new RecordLayer();
        var write = RecordProtector.Create(Aes128, Secret);
        var read = RecordProtector.Create(Aes128, Secret);
        layer.SetWriteProtector(write);
        layer.SetReadProtector(read);

        layer.DiscardKeys();

        var dest = new byte[RecordProtector.SealedLength(1, 0)];
        Throws(TlsErrorType.Internal, () => write.Seal(ContentType.ApplicationData, [1], 0, dest));
        Throws(TlsErrorType.Internal, () => read.Seal(ContentType.ApplicationData, [1], 0, dest));
    }

    [Fact]
    public void PaddingIsZeroedEvenInADirtyDestination()
    {
        using var writer = RecordProtector.Create(Aes128, Secret);
        using var reader = RecordProtector.Create(Aes128, Secret);
        var record = Enumerable.Repeat((byte)0xAA, RecordProtector.SealedLength(1, 3)).ToArray();
        writer.Seal(ContentType.ApplicationData, [1], 3, record);

        var payload = record.AsSpan(5);
        Assert.Equal(ContentType.ApplicationData, reader.Open(record.AsSpan(0, 5), payload, out int length));
        Assert.Equal(1, length);
        Assert.Equal(new byte[] { 1, 23, 0, 0, 0 }, payload[..5].ToArray());
    }

    [Fact]
    public void DisposeZeroesTheNonceAndDisposesAChaChaAead()
    {
        var p = RecordProtector.Create(CipherSuiteSpec.Get(CipherSuite.TlsChacha20Poly1305Sha256), Secret);
        p.Seal(ContentType.ApplicationData, [1], 0, new byte[RecordProtector.SealedLength(1, 0)]);
        var nonce = Field<byte[]>(p, "_nonce");
        var aead = Field<ChaCha20Poly1305>(p, "_chaCha");
        Assert.Contains(nonce, b => b != 0);

        p.Dispose();

        Assert.All(nonce, b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => aead.Encrypt(new byte[12], new byte[1], new byte[1], new byte[16]));
    }

    [Fact]
    public void InnerPlaintextFailuresAreNamed()
    {
        using var tooLong = RecordProtector.Create(Aes128, Secret);
        var longRecord = SealRawInner([.. new byte[16385], 23]);
        var e = Throws(TlsErrorType.Protocol, () => tooLong.Open(longRecord.AsSpan(0, 5), longRecord.AsSpan(5), out _));
        Assert.Equal("TLSInnerPlaintext longer than 2^14 + 1 octets", e.Message);
        Assert.Equal(AlertDescription.RecordOverflow, e.Alert);

        using var allZero = RecordProtector.Create(Aes128, Secret);
        var zeroRecord = SealRawInner(new byte[4]);
        var z = Throws(TlsErrorType.Protocol, () => allZero.Open(zeroRecord.AsSpan(0, 5), zeroRecord.AsSpan(5), out _));
        Assert.Equal("protected record has no content type (all-zero plaintext)", z.Message);
    }

    [Fact]
    public void SealRefusesPaddingBeyondTheLimitByName()
    {
        using var p = RecordProtector.Create(Aes128, Secret);
        var dest = new byte[RecordProtector.SealedLength(16000, 385)];
        var e = Throws(TlsErrorType.Internal, () => p.Seal(ContentType.ApplicationData, new byte[16000], 385, dest));
        Assert.Equal("record protection: content plus padding exceed 2^14 + 1 octets", e.Message);
    }
}
