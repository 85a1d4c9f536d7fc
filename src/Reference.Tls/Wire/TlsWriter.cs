using System.Buffers.Binary;

namespace Reference.Tls.Wire;

/// <summary>
/// Growable big-endian writer. Length prefixes are reserved first and filled in when the body is done
/// (<see cref="BeginVector"/>/<see cref="EndVector"/>), so no structure is serialized twice.
/// </summary>
internal sealed class TlsWriter
{
    private readonly int _pooledCapacity;
    private byte[] _buffer;

    public TlsWriter(int capacity = 256)
        : this(new byte[Math.Max(capacity, 16)], pooledCapacity: 0)
    {
    }

    private TlsWriter(byte[] buffer, int pooledCapacity)
    {
        _buffer = buffer;
        _pooledCapacity = pooledCapacity;
    }

    /// <summary>
    /// A writer whose buffer is rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/> on the first write and
    /// given back, zeroed, by <see cref="Release"/>: a long-lived writer that is empty most of the time.
    /// </summary>
    public static TlsWriter CreatePooled(int initialCapacity) => new([], Math.Max(initialCapacity, 16));

    private bool IsPooled => _pooledCapacity > 0;

    public int Length { get; private set; }

    /// <summary>Tests: the buffer held now, to check that a pooled writer wipes it when it goes back.</summary>
    internal byte[] ArrayForTest => _buffer;

    /// <summary>Size of the buffer held now (0 for a released pooled writer).</summary>
    public int Capacity => _buffer.Length;

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

    /// <summary>
    /// Pooled writer: zeroes what was written and returns the buffer to the pool; the next write rents again.
    /// Any span of <see cref="Written"/> taken before is dead after this call.
    /// </summary>
    public void Release()
    {
        if (!IsPooled || _buffer.Length == 0)
        {
            Length = 0;
            return;
        }

        var buffer = _buffer;
        int used = _used;
        _buffer = [];
        Length = _used = 0;
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer.AsSpan(0, used));
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
    }

    // Pooled writer: high-water mark of the bytes written since the buffer was rented (Clear keeps them).
    private int _used;

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
            if (IsPooled)
            {
                GrowPooled(Math.Max(Math.Max(_buffer.Length * 2, _pooledCapacity), Length + count));
            }
            else
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
            }
        }

        var span = _buffer.AsSpan(Length, count);
        Length += count;
        _used = Math.Max(_used, Length);
        return span;
    }

    private void GrowPooled(int size)
    {
        var old = _buffer;
        var bigger = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
        old.AsSpan(0, Length).CopyTo(bigger);
        _buffer = bigger;
        if (old.Length > 0)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(old.AsSpan(0, _used));
            System.Buffers.ArrayPool<byte>.Shared.Return(old);
        }

        _used = Length;
    }

    internal readonly record struct VectorMark(int BodyStart, int Width);
}
