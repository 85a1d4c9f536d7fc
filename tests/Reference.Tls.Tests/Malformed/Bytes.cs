using System.Buffers.Binary;
using Reference.Tls.Crypto;
using Reference.Tls.Record;
using Reference.Tls.Wire;

namespace Reference.Tls.Tests.Malformed;

/// <summary>A record as it sits on the wire: outer type and payload (ciphertext when protected).</summary>
internal readonly record struct WireRecord(ContentType Type, byte[] Payload);

/// <summary>Builds and splits raw TLS bytes, independently of the engine's own framing code.</summary>
internal static class Bytes
{
    /// <summary>A TLSPlaintext record: type, legacy_record_version 0x0303, u16 length, content (length not checked).</summary>
    public static byte[] Record(ContentType type, ReadOnlySpan<byte> content) => RawRecord((byte)type, content, content.Length);

    /// <summary>A record header that may lie about its length (for truncation and overflow tests).</summary>
    public static byte[] RawRecord(byte type, ReadOnlySpan<byte> content, int declaredLength)
    {
        var record = new byte[5 + content.Length];
        record[0] = type;
        record[1] = 3;
        record[2] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), (ushort)declaredLength);
        content.CopyTo(record.AsSpan(5));
        return record;
    }

    /// <summary>A handshake message: msg_type, u24 length, body.</summary>
    public static byte[] Handshake(HandshakeType type, ReadOnlySpan<byte> body)
    {
        var message = new byte[4 + body.Length];
        message[0] = (byte)type;
        message[1] = (byte)(body.Length >> 16);
        message[2] = (byte)(body.Length >> 8);
        message[3] = (byte)body.Length;
        body.CopyTo(message.AsSpan(4));
        return message;
    }

    public static byte[] HandshakeRecord(HandshakeType type, ReadOnlySpan<byte> body) =>
        Record(ContentType.Handshake, Handshake(type, body));

    public static byte[] Write(Action<TlsWriter> write)
    {
        var w = new TlsWriter();
        write(w);
        return w.ToArray();
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Splits whole records; throws if the bytes do not end on a record boundary.</summary>
    public static List<WireRecord> SplitRecords(ReadOnlySpan<byte> bytes)
    {
        var records = new List<WireRecord>();
        while (!bytes.IsEmpty)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(bytes[3..]);
            records.Add(new WireRecord((ContentType)bytes[0], bytes.Slice(5, length).ToArray()));
            bytes = bytes[(5 + length)..];
        }

        return records;
    }

    /// <summary>Splits concatenated handshake messages (headers included).</summary>
    public static List<byte[]> SplitHandshake(ReadOnlySpan<byte> bytes)
    {
        var messages = new List<byte[]>();
        while (!bytes.IsEmpty)
        {
            int length = (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
            messages.Add(bytes[..(4 + length)].ToArray());
            bytes = bytes[(4 + length)..];
        }

        return messages;
    }

    /// <summary>Seals <paramref name="content"/> into protected records (chunks of 2^14) with <paramref name="writer"/>.</summary>
    public static byte[] Seal(RecordProtector writer, ContentType innerType, ReadOnlySpan<byte> content)
    {
        var output = new List<byte>();
        do
        {
            int chunk = Math.Min(content.Length, RecordProtector.MaxPlaintext);
            var record = new byte[RecordProtector.SealedLength(chunk, 0)];
            writer.Seal(innerType, content[..chunk], 0, record);
            output.AddRange(record);
            content = content[chunk..];
        }
        while (!content.IsEmpty);

        return output.ToArray();
    }

    /// <summary>Opens one protected record; returns the inner type and content.</summary>
    public static (ContentType Type, byte[] Content) Open(RecordProtector reader, WireRecord record)
    {
        var header = RawRecord((byte)record.Type, [], record.Payload.Length);
        var payload = record.Payload.ToArray();
        var type = reader.Open(header, payload, out int length);
        return (type, payload[..length]);
    }

    /// <summary>
    /// Rewrites a flight: plaintext records are kept in place, the protected handshake messages are decrypted
    /// with <paramref name="secret"/>, edited, and re-sealed from sequence number 0 after the plaintext ones.
    /// </summary>
    public static byte[] RewriteProtectedHandshake(byte[] flight, CipherSuite suite, byte[] secret, Func<List<byte[]>, IEnumerable<byte[]>> edit)
    {
        var spec = CipherSuiteSpec.Get(suite);
        using var reader = RecordProtector.Create(spec, secret);
        using var writer = RecordProtector.Create(spec, secret);
        var plain = new List<byte>();
        var handshake = new List<byte>();
        foreach (var record in SplitRecords(flight))
        {
            if (record.Type != ContentType.ApplicationData)
            {
                plain.AddRange(Record(record.Type, record.Payload));
                continue;
            }

            var (type, content) = Open(reader, record);
            Assert.Equal(ContentType.Handshake, type);
            handshake.AddRange(content);
        }

        var edited = edit(SplitHandshake(handshake.ToArray())).SelectMany(m => m).ToArray();
        return Concat(plain.ToArray(), Seal(writer, ContentType.Handshake, edited));
    }

    /// <summary>The message of <paramref name="type"/> with one bit of its last byte flipped.</summary>
    public static IEnumerable<byte[]> FlipLastByteOf(List<byte[]> messages, HandshakeType type)
    {
        Assert.Contains(messages, m => m[0] == (byte)type);
        return messages.Select(m =>
        {
            if (m[0] != (byte)type)
            {
                return m;
            }

            var copy = m.ToArray();
            copy[^1] ^= 0x01;
            return copy;
        });
    }

    public static IEnumerable<byte[]> Replace(List<byte[]> messages, HandshakeType type, byte[] replacement)
    {
        Assert.Contains(messages, m => m[0] == (byte)type);
        return messages.Select(m => m[0] == (byte)type ? replacement : m);
    }
}
