using System.Buffers.Binary;

namespace Reference.Tls.Wire;

/// <summary>
/// Growable big-endian writer. Length prefixes are reserved first and filled in when the body is done
/// (<see cref="BeginVector"/>/<see cref="EndVector"/>), so no structure is serialized twice.
/// </summary>
internal sealed class TlsWriter
{
    private byte[] _buffer;

    public TlsWriter(int capacity = 256) => _buffer = new byte[Math.Max(capacity, 16)];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public byte[] ToArray() => Written.ToArray();

    public void Clear() => Length = 0;

    public void WriteU8(int value) => Grow(1)[0] = checked((byte)value);

    public void WriteU16(int value) => BinaryPrimitives.WriteUInt16BigEndian(Grow(2), checked((ushort)value));

    public void WriteU24(int value)
    {
        if ((uint)value > 0xFFFFFF)
        {
            throw new OverflowException("u24 overflow");
        }

        var s = Grow(3);
        s[0] = (byte)(value >> 16);
        s[1] = (byte)(value >> 8);
        s[2] = (byte)value;
    }

    public void WriteU32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Grow(4), value);

    public void WriteU64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Grow(8), value);

    /// <summary>Zeroes the whole buffer, for writers that held secrets.</summary>
    public void Wipe()
    {
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(_buffer);
        Length = 0;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));

    public void WriteVector8(ReadOnlySpan<byte> bytes)
    {
        WriteU8(bytes.Length);
        WriteBytes(bytes);
    }

    public void WriteVector16(ReadOnlySpan<byte> bytes)
    {
        WriteU16(bytes.Length);
        WriteBytes(bytes);
    }

    public void WriteVector24(ReadOnlySpan<byte> bytes)
    {
        WriteU24(bytes.Length);
        WriteBytes(bytes);
    }

    /// <summary>Reserves a length prefix of <paramref name="width"/> bytes; returns the mark for <see cref="EndVector"/>.</summary>
    public VectorMark BeginVector(int width)
    {
        Grow(width).Clear();
        return new VectorMark(Length, width);
    }

    public void EndVector(VectorMark mark)
    {
        int length = Length - mark.BodyStart;
        var prefix = _buffer.AsSpan(mark.BodyStart - mark.Width, mark.Width);
        long max = (1L << (8 * mark.Width)) - 1;
        if (length > max)
        {
            throw new OverflowException($"vector of {length} bytes does not fit a {mark.Width}-byte length");
        }

        for (int i = mark.Width - 1; i >= 0; i--)
        {
            prefix[i] = (byte)length;
            length >>= 8;
        }
    }

    /// <summary>Returns a writable span of <paramref name="count"/> bytes at the end and advances past it.</summary>
    public Span<byte> Grow(int count)
    {
        if (Length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
        }

        var span = _buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }

    internal readonly record struct VectorMark(int BodyStart, int Width);
}
