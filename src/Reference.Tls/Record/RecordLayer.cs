using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Reference.Tls.Record;

/// <summary>A record as delivered to the protocol: its (inner) content type and plaintext.</summary>
internal readonly ref struct PlainRecord(ContentType type, ReadOnlySpan<byte> content, bool wasProtected)
{
    public ContentType Type { get; } = type;

    public ReadOnlySpan<byte> Content { get; } = content;

    public bool WasProtected { get; } = wasProtected;
}

/// <summary>
/// Frames bytes into records and records into bytes (RFC 8446 §5). Holds the current read and write
/// protection; decrypts in place in its input buffer and seals straight into its output buffer.
/// </summary>
internal sealed class RecordLayer : IDisposable
{
    public const int MaxPlaintext = 1 << 14;
    private const int HeaderLength = 5;
    private const int MaxCiphertext = MaxPlaintext + 256;

    // Rented when bytes arrive and returned when empty (ByteBuffer): an idle connection holds neither, a
    // busy one takes a full record's worth from the pool and allocates nothing.
    private readonly ByteBuffer _input = new(2048);
    private readonly ByteBuffer _output = new(2048);
    private RecordProtector? _read;
    private RecordProtector? _write;

    public bool HasReadKey => _read is not null;

    /// <summary>Tests: the protectors in use now (to check that replaced keys are erased).</summary>
    internal (RecordProtector? Read, RecordProtector? Write) ProtectorsForTest => (_read, _write);

    /// <summary>
    /// While the handshake runs, the peer may still be writing in plaintext when we already read
    /// protected records (a client rejecting our server flight alerts before its own key change), so a
    /// plaintext alert is let through until the handshake completes.
    /// </summary>
    public bool AcceptPlaintextAlerts { get; set; } = true;

    public bool HasWriteKey => _write is not null;

    /// <summary>Records protected under the current write key (0 before any key is installed).</summary>
    public ulong WriteSequence => _write?.SequenceNumber ?? 0;

    /// <summary>True when the write key reached the AEAD's usage limit (RFC 8446 §5.5).</summary>
    public bool WriteKeyExhausted => _write?.KeyUpdateRecommended ?? false;

    /// <summary>Drops both keys (zeroed by their protectors): after a fatal error nothing is protected again.</summary>
    public void DiscardKeys()
    {
        _read?.Dispose();
        _write?.Dispose();
        _read = null;
        _write = null;
    }

    public ReadOnlySpan<byte> PendingOutput => _output.Active;

    /// <summary>Drops sent bytes; once none are left the output buffer goes back to the pool.</summary>
    public void ConsumeOutput(int count)
    {
        _output.Discard(count);
        _output.ReleaseIfEmpty();
    }

    /// <summary>Returns the input buffer to the pool when no partial record waits; call when no record span is live.</summary>
    public void ReleaseInputIfEmpty() => _input.ReleaseIfEmpty();

    /// <summary>Bytes of pooled arrays held now by the input and output buffers (tests and diagnostics).</summary>
    internal int HeldBufferBytes => _input.Capacity + _output.Capacity;

    public void AppendInput(ReadOnlySpan<byte> data) => _input.Append(data);

    public int BufferedInput => _input.Active.Length;

    public void SetReadProtector(RecordProtector protector)
    {
        _read?.Dispose();
        _read = protector;
    }

    public void SetWriteProtector(RecordProtector protector)
    {
        _write?.Dispose();
        _write = protector;
    }

    /// <summary>Back to plaintext writes (a client's second ClientHello after it wrote 0-RTT records).</summary>
    public void ClearWriteProtector()
    {
        _write?.Dispose();
        _write = null;
    }

    /// <summary>
    /// Server that did not accept offered 0-RTT data: how many more bytes of application_data records that
    /// cannot be opened (no read key yet, or failing authentication under the handshake key) are dropped.
    /// The first record that opens, or a handshake record, ends the skipping; past the budget a record is
    /// processed as usual (and fails).
    /// </summary>
    public int EarlyDataSkipBudget { get; set; }

    /// <summary>Bytes of 0-RTT records dropped by <see cref="EarlyDataSkipBudget"/> (tests and diagnostics).</summary>
    public long SkippedEarlyDataBytes { get; private set; }

    /// <summary>Takes the next whole record from the input, or returns false when more bytes are needed.</summary>
    public bool TryReadRecord(out PlainRecord record)
    {
        record = default;
        while (true)
        {
            var active = _input.Active;
            if (active.Length < HeaderLength)
            {
                return false;
            }

            //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
            //# This field is deprecated and MUST be ignored for all purposes.
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D
            //# The value of TLSPlaintext.legacy_record_version MUST be ignored by all
            //# implementations.
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D
            //# The value of TLSCiphertext.legacy_record_version is included in the
            //# additional data for deprotection but MAY otherwise be ignored or MAY be
            //# validated to match the fixed constant value.
            var type = (ContentType)active[0];
            int length = BinaryPrimitives.ReadUInt16BigEndian(active[3..]);
            CheckHeader(type, length);
            if (active.Length < HeaderLength + length)
            {
                return false;
            }

            var header = _input.ActiveSpan(0, HeaderLength);
            var payload = _input.ActiveSpan(HeaderLength, length);
            _input.Discard(HeaderLength + length);
            if (EarlyDataSkipBudget > 0 && type == ContentType.Handshake)
            {
                EarlyDataSkipBudget = 0;
            }
            else if (EarlyDataSkipBudget > 0 && type == ContentType.ApplicationData && TrySkipEarlyData(header, payload))
            {
                continue;
            }

            record = Deprotect(type, header, payload);
            return true;
        }
    }

    /// <summary>
    /// Drops one 0-RTT application_data record the server did not accept: one it has no key for, or one
    /// that does not open under the current key. Returns false (and stops skipping) when it opens.
    /// </summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //# Ignore the extension and return a regular 1-RTT response.  The
    //# server then skips past early data by attempting to deprotect
    //# received records using the handshake traffic key, discarding
    //# records which fail deprotection (up to the configured
    //# max_early_data_size).
    private bool TrySkipEarlyData(ReadOnlySpan<byte> header, Span<byte> payload)
    {
        // A record shorter than a content type and a 16-byte tag was never sealed by anyone, and skipping it would
        // cost none of the budget: an endless run of empty records would keep the server skipping. It goes on to
        // deprotection, which fails it with bad_record_mac.
        if (payload.Length > EarlyDataSkipBudget || payload.Length < MinimumProtectedLength)
        {
            EarlyDataSkipBudget = 0;
            return false;
        }

        if (_read is not null)
        {
            // Trial decryption on a copy: a record that opens is then processed from the original bytes.
            var copy = payload.ToArray();
            try
            {
                if (_read.TryOpenForTrial(header, copy))
                {
                    EarlyDataSkipBudget = 0;
                    return false;
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(copy);
            }
        }

        EarlyDataSkipBudget -= payload.Length;
        SkippedEarlyDataBytes += payload.Length;
        return true;
    }

    /// <summary>The shortest protected record: one inner content type byte and a 16-byte AEAD tag (every TLS 1.3 suite the engine has).</summary>
    private const int MinimumProtectedLength = 1 + 16;

    private void CheckHeader(ContentType type, int length)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5
        //# If a TLS
        //# implementation receives an unexpected record type, it MUST terminate
        //# the connection with an "unexpected_message" alert.
        // An SSL 2.0 CLIENT-HELLO starts with a length byte that has the high bit set (0x80..), never a
        // TLS content type, so it is refused here before any handshake processing.
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
        //# Implementations MUST NOT negotiate TLS 1.3 or later
        //# using an SSL version 2.0 compatible CLIENT-HELLO.
        if (type is not (ContentType.ChangeCipherSpec or ContentType.Alert or ContentType.Handshake or ContentType.ApplicationData))
        {
            throw TlsErrors.Unexpected($"unknown record content type {(byte)type}");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
        //# An endpoint that receives a record from its
        //# peer with TLSCiphertext.length larger than 2^14 + 256 octets MUST
        //# terminate the connection with a "record_overflow" alert.
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
        //# The length MUST NOT exceed 2^14 + 256 bytes.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
        //# An endpoint that receives a record that exceeds this length MUST
        //# terminate the connection with a "record_overflow" alert.
        if (length > MaxCiphertext)
        {
            throw TlsErrors.Protocol(AlertDescription.RecordOverflow, $"record length {length} exceeds 2^14 + 256");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
        //# The length MUST NOT exceed 2^14 bytes.  An
        //# endpoint that receives a record that exceeds this length MUST
        //# terminate the connection with a "record_overflow" alert.
        if (type != ContentType.ApplicationData && length > MaxPlaintext)
        {
            throw TlsErrors.Protocol(AlertDescription.RecordOverflow, $"plaintext record length {length} exceeds 2^14");
        }
    }

    private PlainRecord Deprotect(ContentType type, ReadOnlySpan<byte> header, Span<byte> payload)
    {
        // A change_cipher_spec record is never protected and must be recognised before decryption.
        if (_read is null || type == ContentType.ChangeCipherSpec || (type == ContentType.Alert && AcceptPlaintextAlerts))
        {
            if (type == ContentType.ApplicationData)
            {
                throw TlsErrors.Unexpected("protected record before keys were established");
            }

            return new PlainRecord(type, payload, wasProtected: false);
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
        //# The outer opaque_type field of a TLSCiphertext record is always set to the
        //# value 23 (application_data) for outward compatibility with
        //# middleboxes accustomed to parsing previous versions of TLS.
        if (type != ContentType.ApplicationData)
        {
            throw TlsErrors.Unexpected($"plaintext {type} record after keys were established");
        }

        var inner = _read.Open(header, payload, out int contentLength);
        return new PlainRecord(inner, payload[..contentLength], wasProtected: true);
    }

    /// <summary>Writes <paramref name="content"/> as one or more records of <paramref name="type"/>.</summary>
    public void WriteRecords(ContentType type, ReadOnlySpan<byte> content, ushort plaintextVersion = ProtocolVersion.Tls12)
    {
        do
        {
            int chunk = Math.Min(content.Length, MaxPlaintext);
            WriteOneRecord(type, content[..chunk], plaintextVersion);
            content = content[chunk..];
        }
        while (!content.IsEmpty);
    }

    /// <summary>Writes a record outside the current protection (change_cipher_spec is always plaintext).</summary>
    public void WritePlaintextRecord(ContentType type, ReadOnlySpan<byte> content, ushort version = ProtocolVersion.Tls12)
    {
        var dest = _output.Reserve(HeaderLength + content.Length);
        WriteHeader(dest, type, version, content.Length);
        content.CopyTo(dest[HeaderLength..]);
    }

    private void WriteOneRecord(ContentType type, ReadOnlySpan<byte> content, ushort plaintextVersion)
    {
        if (_write is null)
        {
            WritePlaintextRecord(type, content, plaintextVersion);
            return;
        }

        int sealedLength = RecordProtector.SealedLength(content.Length, 0);
        var dest = _output.Reserve(sealedLength);
        int written = _write.Seal(type, content, 0, dest);

        // Stryker disable once Block,Statement,String : Seal returns SealedLength by construction; a defensive check no input reaches.
        if (written != sealedLength)
        {
            throw TlsErrors.Internal("sealed record length mismatch");
        }
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5
    //# Implementations MUST NOT send record types not defined in this document
    //# unless negotiated by some extension.
    private static void WriteHeader(Span<byte> dest, ContentType type, ushort version, int length)
    {
        dest[0] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(dest[1..], version);
        BinaryPrimitives.WriteUInt16BigEndian(dest[3..], (ushort)length);
    }

    public void Dispose()
    {
        _read?.Dispose();
        _write?.Dispose();
        _input.Clear();
        _output.Clear();
    }
}

/// <summary>
/// A byte queue over one array rented from <see cref="ArrayPool{T}.Shared"/> when bytes arrive and given back,
/// zeroed, when the queue is empty and its owner calls <see cref="ReleaseIfEmpty"/> (s2n's dynamic buffers):
/// an idle connection holds no buffer at all. Bytes are appended at the end and consumed from the front.
/// Invariant: 0 &lt;= _start &lt;= _end &lt;= _used &lt;= _buffer.Length.
/// </summary>
/// <remarks>
/// The array only goes back to the pool in <see cref="ReleaseIfEmpty"/> and <see cref="Clear"/>, never while
/// bytes are consumed, so a span taken from <see cref="Active"/> or <see cref="ActiveSpan"/> stays valid until the
/// owner releases the buffer at a point where it holds no such span.
/// </remarks>
internal sealed class ByteBuffer(int initialCapacity)
{
    private byte[] _buffer = [];
    private int _start;
    private int _end;

    // High-water mark of the bytes written since the array was rented: what must be zeroed before it goes back.
    private int _used;

    public ReadOnlySpan<byte> Active => _buffer.AsSpan(_start, _end - _start);

    public int Length => _end - _start;

    /// <summary>Tests: the array held now, to check that it is wiped when it goes back.</summary>
    internal byte[] ArrayForTest => _buffer;

    /// <summary>Size of the array held now (0 when none is rented); tests and diagnostics.</summary>
    public int Capacity => _buffer.Length;

    public Span<byte> ActiveSpan(int offset, int length) => _buffer.AsSpan(_start + offset, length);

    public void Append(ReadOnlySpan<byte> data) => data.CopyTo(Reserve(data.Length));

    public Span<byte> Reserve(int count)
    {
        EnsureSpace(count);
        var span = _buffer.AsSpan(_end, count);
        _end += count;
        _used = Math.Max(_used, _end);
        return span;
    }

    /// <summary>Moves up to <paramref name="destination"/>'s length of the oldest bytes out; returns the count.</summary>
    public int Drain(Span<byte> destination)
    {
        int count = Math.Min(destination.Length, Length);
        Active[..count].CopyTo(destination);
        Discard(count);
        return count;
    }

    public void Discard(int count)
    {
        if ((uint)count > (uint)Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _start += count;

        // Stryker disable once Block : performance only; without the reset EnsureSpace compacts to the same bytes.
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    /// <summary>Gives the array back to the pool (zeroed) if no bytes are waiting; call where no span of it is live.</summary>
    public void ReleaseIfEmpty()
    {
        if (_start == _end)
        {
            Clear();
        }
    }

    /// <summary>Drops any waiting bytes and gives the array back, zeroed: it may have held decrypted plaintext.</summary>
    public void Clear()
    {
        var buffer = _buffer;
        int used = _used;
        _buffer = [];
        _start = _end = _used = 0;
        if (buffer.Length > 0)
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, used));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void EnsureSpace(int count)
    {
        if (_buffer.Length - _end >= count)
        {
            return;
        }

        int live = _end - _start;
        if (_start > 0 && _buffer.Length - live >= count)
        {
            _buffer.AsSpan(_start, live).CopyTo(_buffer);
        }
        else
        {
            var old = _buffer;
            int oldUsed = _used;
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(old.Length * 2, initialCapacity), live + count));
            old.AsSpan(_start, live).CopyTo(bigger);
            _buffer = bigger;
            _used = live;
            if (old.Length > 0)
            {
                CryptographicOperations.ZeroMemory(old.AsSpan(0, oldUsed));
                ArrayPool<byte>.Shared.Return(old);
            }
        }

        // After an in-place compaction _used keeps its mark: bytes past the live ones may still be plaintext.
        _start = 0;
        _end = live;
    }
}
