using System.Buffers.Binary;
using System.Security.Cryptography;
using Reference.Tls.Crypto;
using Reference.Tls.Record;
using Xunit;

namespace Reference.Tls.Tests.Record;

public class RecordProtectorTests
{
    public static TheoryData<CipherSuite> Suites() =>
        new(CipherSuite.TlsAes128GcmSha256, CipherSuite.TlsAes256GcmSha384, CipherSuite.TlsChacha20Poly1305Sha256);

    private static (RecordProtector Writer, RecordProtector Reader) Pair(CipherSuite id)
    {
        var suite = CipherSuiteSpec.Get(id);
        var secret = RandomNumberGenerator.GetBytes(suite.HashLength);
        return (RecordProtector.Create(suite, secret), RecordProtector.Create(suite, secret));
    }

    private static byte[] Seal(RecordProtector writer, ContentType type, byte[] content, int padding = 0)
    {
        var record = new byte[RecordProtector.SealedLength(content.Length, padding)];
        Assert.Equal(record.Length, writer.Seal(type, content, padding, record));
        return record;
    }

    private static ContentType Open(RecordProtector reader, byte[] record, out byte[] content)
    {
        var payload = record.AsSpan(RecordProtector.HeaderLength);
        var type = reader.Open(record.AsSpan(0, RecordProtector.HeaderLength), payload, out int length);
        content = payload[..length].ToArray();
        return type;
    }

    private static void AssertAlert(AlertDescription alert, Action action)
    {
        var e = Assert.Throws<TlsException>(action);
        Assert.Equal(TlsErrorType.Protocol, e.ErrorType);
        Assert.Equal(alert, e.Alert);
    }

    /// <summary>An independent AEAD seal of an arbitrary TLSInnerPlaintext under a fixed key and IV, sequence 0.</summary>
    private static byte[] SealRawInner(CipherSuiteSpec suite, byte[] key, byte[] iv, byte[] inner)
    {
        var record = new byte[RecordProtector.HeaderLength + inner.Length + RecordProtector.TagLength];
        record[0] = 23;
        record[1] = 3;
        record[2] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), (ushort)(inner.Length + RecordProtector.TagLength));
        var ciphertext = record.AsSpan(RecordProtector.HeaderLength, inner.Length);
        var tag = record.AsSpan(RecordProtector.HeaderLength + inner.Length);
        if (suite.Aead == AeadAlgorithm.ChaCha20Poly1305)
        {
            using var aead = new ChaCha20Poly1305(key);
            aead.Encrypt(iv, inner, ciphertext, tag, record.AsSpan(0, RecordProtector.HeaderLength));
        }
        else
        {
            using var aead = new AesGcm(key, RecordProtector.TagLength);
            aead.Encrypt(iv, inner, ciphertext, tag, record.AsSpan(0, RecordProtector.HeaderLength));
        }

        return record;
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void SealedRecordsOpenToTheSameContentInOrder(CipherSuite id)
    {
        var (writer, reader) = Pair(id);
        using var w = writer;
        using var r = reader;
        foreach (int size in new[] { 0, 1, 100, 1500, RecordProtector.MaxPlaintext })
        {
            var content = RandomNumberGenerator.GetBytes(size);
            var record = Seal(w, ContentType.ApplicationData, content);

            Assert.Equal(new byte[] { 23, 3, 3 }, record[..3]);
            Assert.Equal(size + 1 + RecordProtector.TagLength, BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(3)));
            Assert.Equal(ContentType.ApplicationData, Open(r, record, out var opened));
            Assert.Equal(content, opened);
        }

        Assert.Equal(5UL, w.SequenceNumber);
        Assert.Equal(5UL, r.SequenceNumber);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
    //= type=test
    //# Implementations MUST set the padding octets to all zeros before
    //# encrypting.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
    //= type=test
    //# Implementations MUST limit their scanning to the cleartext returned from
    //# the AEAD decryption.
    [Theory]
    [MemberData(nameof(Suites))]
    public void PaddingIsZeroedOnSealAndStrippedOnOpen(CipherSuite id)
    {
        var (writer, reader) = Pair(id);
        using var w = writer;
        using var r = reader;
        var content = new byte[] { 1, 2, 3, 0, 0 }; // trailing zero content bytes must survive
        var record = Seal(w, ContentType.Handshake, content, padding: 300);

        Assert.Equal(RecordProtector.SealedLength(5, 300), record.Length);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
        //= type=test
        //# upon successful decryption of a
        //# TLSCiphertext.encrypted_record, the receiving implementation scans
        //# the field from the end toward the beginning until it finds a non-zero
        //# octet.  This non-zero octet is the content type of the message.
        Assert.Equal(ContentType.Handshake, Open(r, record, out var opened));
        Assert.Equal(content, opened);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void SealWorksInPlaceWhenTheContentAlreadySitsAfterTheHeader(CipherSuite id)
    {
        var (writer, reader) = Pair(id);
        using var w = writer;
        using var r = reader;
        var content = RandomNumberGenerator.GetBytes(777);
        var buffer = new byte[RecordProtector.SealedLength(content.Length, 3)];
        content.CopyTo(buffer, RecordProtector.HeaderLength);

        w.Seal(ContentType.ApplicationData, buffer.AsSpan(RecordProtector.HeaderLength, content.Length), 3, buffer);

        Assert.Equal(ContentType.ApplicationData, Open(r, buffer, out var opened));
        Assert.Equal(content, opened);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void NonceIsTheIvXoredWithTheLeftPaddedSequenceNumber(CipherSuite id)
    {
        var suite = CipherSuiteSpec.Get(id);
        var key = RandomNumberGenerator.GetBytes(suite.KeyLength);
        var iv = RandomNumberGenerator.GetBytes(CipherSuiteSpec.IvLength);
        const ulong sequence = 0x0102030405060708;
        using var protector = RecordProtector.CreateFromKey(suite, key, iv);
        protector.SetSequenceNumberForTest(sequence);
        var content = RandomNumberGenerator.GetBytes(40);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.3
        //= type=test
        //# 1.  The 64-bit record sequence number is encoded in network byte
        //# order and padded to the left with zeros to iv_length.
        //#
        //# 2.  The padded sequence number is XORed with either the static
        //# client_write_iv or server_write_iv (depending on the role).
        var nonce = (byte[])iv.Clone();
        for (int i = 0; i < 8; i++)
        {
            nonce[4 + i] ^= (byte)(sequence >> (56 - (8 * i)));
        }

        var expected = SealRawInner(suite, key, nonce, [.. content, (byte)ContentType.ApplicationData]);
        Assert.Equal(expected, Seal(protector, ContentType.ApplicationData, content));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void AnyTamperingIsBadRecordMac(CipherSuite id)
    {
        var (writer, reader) = Pair(id);
        using var w = writer;
        using var r = reader;
        var record = Seal(w, ContentType.ApplicationData, RandomNumberGenerator.GetBytes(64));

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
        //= type=test
        //# If the decryption fails, the receiver MUST terminate the connection
        //# with a "bad_record_mac" alert.
        foreach (int position in new[] { 0, 1, 2, 5, 40, record.Length - 1 })
        {
            var tampered = (byte[])record.Clone();
            tampered[position] ^= 0x80;
            AssertAlert(AlertDescription.BadRecordMac, () => Open(r, tampered, out _));
        }

        Assert.Equal(0UL, r.SequenceNumber);
        Assert.Equal(ContentType.ApplicationData, Open(r, record, out _));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void ARecordOpenedUnderTheWrongSequenceNumberIsBadRecordMac(CipherSuite id)
    {
        var (writer, reader) = Pair(id);
        using var w = writer;
        using var r = reader;
        Seal(w, ContentType.ApplicationData, [1]);
        var second = Seal(w, ContentType.ApplicationData, [2]);

        AssertAlert(AlertDescription.BadRecordMac, () => Open(r, second, out _));
    }

    [Fact]
    public void PayloadShorterThanTheTagIsBadRecordMac()
    {
        var (writer, reader) = Pair(CipherSuite.TlsAes128GcmSha256);
        using var w = writer;
        using var r = reader;
        byte[] record = [23, 3, 3, 0, 15, .. new byte[15]];

        AssertAlert(AlertDescription.BadRecordMac, () => Open(r, record, out _));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void AllZeroInnerPlaintextIsUnexpectedMessage(CipherSuite id)
    {
        var suite = CipherSuiteSpec.Get(id);
        var key = RandomNumberGenerator.GetBytes(suite.KeyLength);
        var iv = RandomNumberGenerator.GetBytes(CipherSuiteSpec.IvLength);
        using var reader = RecordProtector.CreateFromKey(suite, key, iv);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
        //= type=test
        //# If a receiving implementation does not
        //# find a non-zero octet in the cleartext, it MUST terminate the
        //# connection with an "unexpected_message" alert.
        var record = SealRawInner(suite, key, iv, new byte[32]);
        AssertAlert(AlertDescription.UnexpectedMessage, () => Open(reader, record, out _));
    }

    [Fact]
    public void EmptyInnerPlaintextIsUnexpectedMessage()
    {
        var suite = CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256);
        var key = RandomNumberGenerator.GetBytes(suite.KeyLength);
        var iv = RandomNumberGenerator.GetBytes(CipherSuiteSpec.IvLength);
        using var reader = RecordProtector.CreateFromKey(suite, key, iv);

        AssertAlert(AlertDescription.UnexpectedMessage, () => Open(reader, SealRawInner(suite, key, iv, []), out _));
    }

    [Theory]
    [InlineData((int)ContentType.Handshake)]
    [InlineData((int)ContentType.Alert)]
    public void EmptyHandshakeOrAlertContentIsUnexpectedMessage(int type)
    {
        var suite = CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256);
        var key = RandomNumberGenerator.GetBytes(suite.KeyLength);
        var iv = RandomNumberGenerator.GetBytes(CipherSuiteSpec.IvLength);
        using var reader = RecordProtector.CreateFromKey(suite, key, iv);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
        //= type=test
        //# Implementations
        //# MUST NOT send Handshake and Alert records that have a zero-length
        //# TLSInnerPlaintext.content; if such a message is received, the
        //# receiving implementation MUST terminate the connection with an
        //# "unexpected_message" alert.
        var record = SealRawInner(suite, key, iv, [(byte)type, 0, 0]);
        AssertAlert(AlertDescription.UnexpectedMessage, () => Open(reader, record, out _));
        using var writer = RecordProtector.CreateFromKey(suite, key, iv);
        var e = Assert.Throws<TlsException>(() => Seal(writer, (ContentType)type, []));
        Assert.Equal(TlsErrorType.Internal, e.ErrorType);
    }

    [Fact]
    public void EmptyApplicationDataIsAllowed()
    {
        var (writer, reader) = Pair(CipherSuite.TlsAes128GcmSha256);
        using var w = writer;
        using var r = reader;

        Assert.Equal(ContentType.ApplicationData, Open(r, Seal(w, ContentType.ApplicationData, [], padding: 10), out var opened));
        Assert.Empty(opened);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void InnerPlaintextOverTheLimitIsRecordOverflow(CipherSuite id)
    {
        var suite = CipherSuiteSpec.Get(id);
        var key = RandomNumberGenerator.GetBytes(suite.KeyLength);
        var iv = RandomNumberGenerator.GetBytes(CipherSuiteSpec.IvLength);
        using var reader = RecordProtector.CreateFromKey(suite, key, iv);
        var inner = new byte[RecordProtector.MaxInnerPlaintext + 1];
        inner[0] = (byte)ContentType.ApplicationData;

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
        //= type=test
        //# The presence of padding does not change the overall record size
        //# limitations: the full encoded TLSInnerPlaintext MUST NOT exceed 2^14
        //# + 1 octets.
        AssertAlert(AlertDescription.RecordOverflow, () => Open(reader, SealRawInner(suite, key, iv, inner), out _));
    }

    [Fact]
    public void CiphertextOverTheLimitIsRecordOverflow()
    {
        var (writer, reader) = Pair(CipherSuite.TlsAes128GcmSha256);
        using var w = writer;
        using var r = reader;
        int length = RecordProtector.MaxCiphertext + 1;
        var record = new byte[RecordProtector.HeaderLength + length];
        record[0] = 23;
        record[1] = 3;
        record[2] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), (ushort)length);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
        //= type=test
        //# An endpoint that receives a record from its
        //# peer with TLSCiphertext.length larger than 2^14 + 256 octets MUST
        //# terminate the connection with a "record_overflow" alert.
        AssertAlert(AlertDescription.RecordOverflow, () => Open(r, record, out _));
    }

    [Theory]
    [InlineData(RecordProtector.MaxPlaintext + 1, 0)]
    [InlineData(RecordProtector.MaxPlaintext, 1)]
    [InlineData(0, RecordProtector.MaxPlaintext + 1)]
    [InlineData(10, -1)]
    public void SealRefusesOversizeContentOrPadding(int contentLength, int padding)
    {
        var (writer, reader) = Pair(CipherSuite.TlsAes128GcmSha256);
        using var w = writer;
        using var r = reader;
        var destination = new byte[RecordProtector.MaxCiphertext + 64];

        var e = Assert.Throws<TlsException>(() => w.Seal(ContentType.ApplicationData, new byte[contentLength], padding, destination));
        Assert.Equal(TlsErrorType.Internal, e.ErrorType);
        Assert.Equal(0UL, w.SequenceNumber);
    }

    [Fact]
    public void SealAtTheLimitFitsInMaxCiphertext()
    {
        var (writer, reader) = Pair(CipherSuite.TlsAes256GcmSha384);
        using var w = writer;
        using var r = reader;
        var record = Seal(w, ContentType.ApplicationData, new byte[100], padding: RecordProtector.MaxPlaintext - 100);

        Assert.Equal(RecordProtector.HeaderLength + RecordProtector.MaxInnerPlaintext + RecordProtector.TagLength, record.Length);
        Assert.True(record.Length - RecordProtector.HeaderLength <= RecordProtector.MaxCiphertext);
        Assert.Equal(ContentType.ApplicationData, Open(r, record, out var opened));
        Assert.Equal(100, opened.Length);
    }

    [Fact]
    public void SealRefusesATooSmallDestination()
    {
        var (writer, reader) = Pair(CipherSuite.TlsAes128GcmSha256);
        using var w = writer;
        using var r = reader;

        var e = Assert.Throws<TlsException>(() => w.Seal(ContentType.ApplicationData, new byte[10], 0, new byte[RecordProtector.SealedLength(10, 0) - 1]));
        Assert.Equal(TlsErrorType.Internal, e.ErrorType);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void TheSequenceNumberNeverWraps(CipherSuite id)
    {
        var (writer, reader) = Pair(id);
        using var w = writer;
        using var r = reader;
        w.SetSequenceNumberForTest(ulong.MaxValue);
        r.SetSequenceNumberForTest(ulong.MaxValue);

        var last = Seal(w, ContentType.ApplicationData, [42]);
        Assert.Equal(ContentType.ApplicationData, Open(r, last, out _));

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.3
        //= type=test
        //# If a TLS implementation would need to wrap a sequence number, it MUST
        //# either rekey (Section 4.6.3) or terminate the connection.
        Assert.True(w.KeyUpdateRecommended);
        var e = Assert.Throws<TlsException>(() => Seal(w, ContentType.ApplicationData, [43]));
        Assert.Equal(TlsErrorType.Internal, e.ErrorType);
        Assert.Throws<TlsException>(() => Open(r, last, out _));
    }

    [Fact]
    public void AesGcmRecommendsAKeyUpdateAtTheUsageLimitAndChaChaDoesNot()
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.5
        //= type=test
        //# For AES-GCM, up to 2^24.5 full-size records (about 24 million) may be
        //# encrypted on a given connection while keeping a safety margin of
        //# approximately 2^-57 for Authenticated Encryption (AE) security.
        ulong twoToThe24Point5 = (ulong)Math.Floor(Math.Pow(2, 24.5));
        Assert.True(RecordProtector.AesGcmRecordLimit == twoToThe24Point5, "limit is 2^24.5 rounded down");
        var (aes, aesReader) = Pair(CipherSuite.TlsAes128GcmSha256);
        var (chacha, chachaReader) = Pair(CipherSuite.TlsChacha20Poly1305Sha256);
        using (aes)
        using (aesReader)
        using (chacha)
        using (chachaReader)
        {
            aes.SetSequenceNumberForTest(RecordProtector.AesGcmRecordLimit - 1);
            Assert.False(aes.KeyUpdateRecommended);
            Seal(aes, ContentType.ApplicationData, [1]);
            Assert.True(aes.KeyUpdateRecommended);

            chacha.SetSequenceNumberForTest(RecordProtector.AesGcmRecordLimit);
            Assert.False(chacha.KeyUpdateRecommended);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void SealAndOpenDoNotAllocate(CipherSuite id)
    {
        var (writer, reader) = Pair(id);
        using var w = writer;
        using var r = reader;
        var content = RandomNumberGenerator.GetBytes(1000);
        var record = new byte[RecordProtector.SealedLength(content.Length, 16)];
        var header = new byte[RecordProtector.HeaderLength];
        RoundTrip(); // warm up: JIT and any lazy one-time state

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            RoundTrip();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void RoundTrip()
        {
            w.Seal(ContentType.ApplicationData, content, 16, record);
            record.AsSpan(0, RecordProtector.HeaderLength).CopyTo(header);
            r.Open(header, record.AsSpan(RecordProtector.HeaderLength), out _);
        }
    }

    [Fact]
    public void ADisposedProtectorRefusesWork()
    {
        var (writer, reader) = Pair(CipherSuite.TlsAes128GcmSha256);
        reader.Dispose();
        writer.Dispose();

        var e = Assert.Throws<TlsException>(() => Seal(writer, ContentType.ApplicationData, [1]));
        Assert.Equal(TlsErrorType.Internal, e.ErrorType);
    }

    [Fact]
    public void KeyAndIvAreDerivedWithTheSuiteKeyLength()
    {
        foreach (var suite in CipherSuiteSpec.All)
        {
            var secret = RandomNumberGenerator.GetBytes(suite.HashLength);
            using var viaSecret = RecordProtector.Create(suite, secret);
            using var viaKey = RecordProtector.CreateFromKey(
                suite,
                Reference.Tls.KeySchedule.Hkdf.ExpandLabel(suite.Hash, secret, "key", [], suite.KeyLength),
                Reference.Tls.KeySchedule.Hkdf.ExpandLabel(suite.Hash, secret, "iv", [], CipherSuiteSpec.IvLength));

            Assert.Equal(Seal(viaKey, ContentType.Alert, [1, 0]), Seal(viaSecret, ContentType.Alert, [1, 0]));
        }
    }
}
