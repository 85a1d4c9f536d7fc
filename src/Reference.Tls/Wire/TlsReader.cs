using System.Buffers.Binary;

namespace Reference.Tls.Wire;

/// <summary>
/// Bounds-checked cursor over a received byte span. Every read either succeeds entirely or throws a
/// decode_error <see cref="TlsException"/>; a length prefix opens a nested reader so an inner structure
/// can never read past its own vector.
/// </summary>
internal ref struct TlsReader
{
    private ReadOnlySpan<byte> _span;

    public TlsReader(ReadOnlySpan<byte> span) => _span = span;

    public readonly int Remaining => _span.Length;

    public readonly bool IsEmpty => _span.IsEmpty;

    public readonly ReadOnlySpan<byte> Rest => _span;

    public byte ReadU8() => Take(1)[0];

    public ushort ReadU16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public int ReadU24()
    {
        var b = Take(3);
        return (b[0] << 16) | (b[1] << 8) | b[2];
    }

    public uint ReadU32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

    /// <summary>Reads an opaque vector with a 1-byte length and checks its bounds (RFC 8446 §3.4).</summary>
    public ReadOnlySpan<byte> ReadVector8(int min = 0, int max = byte.MaxValue) => CheckedVector(ReadU8(), min, max);

    public ReadOnlySpan<byte> ReadVector16(int min = 0, int max = ushort.MaxValue) => CheckedVector(ReadU16(), min, max);

    public ReadOnlySpan<byte> ReadVector24(int min = 0, int max = 0xFFFFFF) => CheckedVector(ReadU24(), min, max);

    public TlsReader Sub8(int min = 0, int max = byte.MaxValue) => new(ReadVector8(min, max));

    public TlsReader Sub16(int min = 0, int max = ushort.MaxValue) => new(ReadVector16(min, max));

    public TlsReader Sub24(int min = 0, int max = 0xFFFFFF) => new(ReadVector24(min, max));

    /// <summary>Rejects trailing bytes after a structure.</summary>
    public readonly void ExpectEnd(string structure)
    {
        if (!_span.IsEmpty)
        {
            throw TlsErrors.Decode($"{_span.Length} trailing byte(s) after {structure}");
        }
    }

    private ReadOnlySpan<byte> CheckedVector(int length, int min, int max)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6
        //# Peers which receive a message which
        //# cannot be parsed according to the syntax (e.g., have a length
        //# extending beyond the message boundary or contain an out-of-range
        //# length) MUST terminate the connection with a "decode_error" alert.
        if (length < min || length > max)
        {
            throw TlsErrors.Decode($"vector length {length} outside [{min}, {max}]");
        }

        return Take(length);
    }

    // Every read ends here: a length running past the message is decode_error (RFC 8446 §6, cited above).
    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)_span.Length)
        {
            throw TlsErrors.Decode($"truncated: need {count} byte(s), have {_span.Length}");
        }

        var head = _span[..count];
        _span = _span[count..];
        return head;
    }
}
