using System.Buffers.Binary;
using System.Security.Cryptography;
using Reference.Tls.Crypto;
using Reference.Tls.KeySchedule;

namespace Reference.Tls.Record;

/// <summary>
/// AEAD protection of TLS 1.3 records for one direction under one traffic secret (RFC 8446 §5.2-§5.5).
/// The AEAD instance, IV and nonce buffer live as long as the key, so sealing and opening a record
/// allocate nothing; both work in place. Not thread-safe: one protector per direction per connection.
/// </summary>
internal sealed class RecordProtector : IDisposable
{
    public const int MaxPlaintext = 16384;
    public const int MaxCiphertext = 16384 + 256;
    public const int HeaderLength = 5;
    public const int TagLength = 16;

    /// <summary>TLSInnerPlaintext limit: content, the content type octet and padding together.</summary>
    public const int MaxInnerPlaintext = MaxPlaintext + 1;

    /// <summary>2^24.5 rounded down: the AES-GCM record count RFC 8446 §5.5 allows per key.</summary>
    public const ulong AesGcmRecordLimit = 23_726_566;

    private const byte OpaqueType = (byte)ContentType.ApplicationData;
    private const ushort LegacyRecordVersion = 0x0303;

    private readonly AesGcm? _aesGcm;
    private readonly ChaCha20Poly1305? _chaCha;
    private readonly byte[] _iv;
    private readonly byte[] _nonce = new byte[CipherSuiteSpec.IvLength];
    private bool _sequenceExhausted;
    private bool _disposed;

    private RecordProtector(CipherSuiteSpec suite, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length != suite.KeyLength || iv.Length != CipherSuiteSpec.IvLength)
        {
            throw TlsErrors.Internal("record protection: wrong key or IV length");
        }

        Suite = suite;
        _iv = iv.ToArray();
        if (suite.Aead == AeadAlgorithm.ChaCha20Poly1305)
        {
            _chaCha = new ChaCha20Poly1305(key);
        }
        else
        {
            _aesGcm = new AesGcm(key, TagLength);
        }
    }

    public CipherSuiteSpec Suite { get; }

    /// <summary>The sequence number the next sealed or opened record uses.</summary>
    public ulong SequenceNumber { get; private set; }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.5
    //# Implementations SHOULD do a key update as described in Section 4.6.3
    //# prior to reaching these limits.
    /// <summary>True once this key has protected as many records as RFC 8446 §5.5 advises; send a KeyUpdate.</summary>
    public bool KeyUpdateRecommended =>
        _sequenceExhausted || (Suite.Aead != AeadAlgorithm.ChaCha20Poly1305 && SequenceNumber >= AesGcmRecordLimit);

    /// <summary>Derives the write key and IV from a traffic secret and keys the AEAD.</summary>
    public static RecordProtector Create(CipherSuiteSpec suite, ReadOnlySpan<byte> trafficSecret)
    {
        Span<byte> key = stackalloc byte[suite.KeyLength];
        Span<byte> iv = stackalloc byte[CipherSuiteSpec.IvLength];
        try
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-7.3
            //# [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length)
            //# [sender]_write_iv  = HKDF-Expand-Label(Secret, "iv", "", iv_length)
            Hkdf.ExpandLabel(suite.Hash, trafficSecret, "key", ReadOnlySpan<byte>.Empty, key);
            Hkdf.ExpandLabel(suite.Hash, trafficSecret, "iv", ReadOnlySpan<byte>.Empty, iv);
            return new RecordProtector(suite, key, iv);
        }
        // Stryker disable once Block,Statement : zeroes stack locals nothing reads afterwards; no test can observe it.
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(iv);
        }
    }

    /// <summary>Keys the AEAD from an explicit write key and IV (RFC 8448 vectors, tests).</summary>
    internal static RecordProtector CreateFromKey(CipherSuiteSpec suite, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv) =>
        new(suite, key, iv);

    /// <summary>Bytes a sealed record takes on the wire: header, content, type octet, padding, tag.</summary>
    public static int SealedLength(int contentLength, int padding) =>
        HeaderLength + contentLength + 1 + padding + TagLength;

    /// <summary>
    /// Writes one whole protected record into <paramref name="destination"/> and returns its length.
    /// <paramref name="content"/> may already sit at <c>destination[HeaderLength..]</c> (or overlap it).
    /// </summary>
    public int Seal(ContentType innerType, ReadOnlySpan<byte> content, int padding, Span<byte> destination)
    {
        ThrowIfDisposed();
        ThrowIfSequenceExhausted();
        int innerLength = CheckSealArguments(innerType, content.Length, padding);
        int recordLength = HeaderLength + innerLength + TagLength;
        if (destination.Length < recordLength)
        {
            throw TlsErrors.Internal("record protection: destination too small for the sealed record");
        }

        var header = destination[..HeaderLength];
        header[0] = OpaqueType;
        BinaryPrimitives.WriteUInt16BigEndian(header[1..], LegacyRecordVersion);
        BinaryPrimitives.WriteUInt16BigEndian(header[3..], (ushort)(innerLength + TagLength));

        var inner = destination.Slice(HeaderLength, innerLength);
        content.CopyTo(inner);
        inner[content.Length] = (byte)innerType;

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
        //# Padding is a string of zero-valued bytes appended to the
        //# ContentType field before encryption.  Implementations MUST set the
        //# padding octets to all zeros before encrypting.
        inner[(content.Length + 1)..].Clear();

        var tag = destination.Slice(HeaderLength + innerLength, TagLength);
        ComputeNonce();

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
        //# the nonce is derived from
        //# the sequence number and the client_write_iv or server_write_iv (see
        //# Section 5.3), and the additional data input is the record header.
        if (_chaCha is not null)
        {
            _chaCha.Encrypt(_nonce, inner, inner, tag, header);
        }
        else
        {
            _aesGcm!.Encrypt(_nonce, inner, inner, tag, header);
        }

        AdvanceSequenceNumber();
        return recordLength;
    }

    /// <summary>
    /// Decrypts <paramref name="payload"/> (the encrypted_record following <paramref name="header"/>) in
    /// place, strips the padding and returns the inner content type; the content is
    /// <c>payload[..contentLength]</c>.
    /// </summary>
    public ContentType Open(ReadOnlySpan<byte> header, Span<byte> payload, out int contentLength)
    {
        ThrowIfDisposed();
        CheckOpenArguments(header, payload);
        ThrowIfSequenceExhausted();

        if (!TryDecryptInPlace(header, payload))
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
            //# If the decryption fails, the receiver MUST terminate the connection
            //# with a "bad_record_mac" alert.
            throw TlsErrors.Protocol(AlertDescription.BadRecordMac, "record failed authentication");
        }

        var type = ParseInnerPlaintext(payload[..^TagLength], out contentLength);
        AdvanceSequenceNumber();
        return type;
    }

    /// <summary>
    /// Whether <paramref name="scratch"/> (a copy of a record's payload, decrypted in place) authenticates
    /// under this key at the current sequence number; the sequence number does not move. For skipping
    /// rejected 0-RTT records (RFC 8446 §4.2.10).
    /// </summary>
    public bool TryOpenForTrial(ReadOnlySpan<byte> header, Span<byte> scratch)
    {
        ThrowIfDisposed();
        if (scratch.Length < TagLength)
        {
            return false;
        }

        return TryDecryptInPlace(header, scratch);
    }

    /// <summary>
    /// Decrypts <paramref name="payload"/> (ciphertext then tag) in place at the current sequence number;
    /// false when it does not authenticate. The sequence number does not move.
    /// </summary>
    private bool TryDecryptInPlace(ReadOnlySpan<byte> header, Span<byte> payload)
    {
        var inner = payload[..^TagLength];
        var tag = payload[^TagLength..];
        ComputeNonce();
        try
        {
            if (_chaCha is not null)
            {
                _chaCha.Decrypt(_nonce, inner, tag, inner, header);
            }
            else
            {
                _aesGcm!.Decrypt(_nonce, inner, tag, inner, header);
            }

            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        // Stryker disable once Block,Statement : disposing the AEAD and zeroing again is harmless; idempotent either way.
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _aesGcm?.Dispose();
        _chaCha?.Dispose();
        CryptographicOperations.ZeroMemory(_iv);
        CryptographicOperations.ZeroMemory(_nonce);
    }

    /// <summary>Test hook: jump to a sequence number, e.g. to exercise the wrap check.</summary>
    /// <summary>True once <see cref="Dispose"/> has erased the key and IV.</summary>
    internal bool IsDisposed => _disposed;

    /// <summary>Tests: the write IV in use (zeroed by <see cref="Dispose"/>).</summary>
    internal ReadOnlySpan<byte> IvForTest => _iv;

    internal void SetSequenceNumberForTest(ulong value)
    {
        SequenceNumber = value;
        _sequenceExhausted = false;
    }

    private static int CheckSealArguments(ContentType innerType, int contentLength, int padding)
    {
        if (padding < 0 || contentLength > MaxPlaintext || innerType == ContentType.Invalid)
        {
            throw TlsErrors.Internal("record protection: invalid content, type or padding");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
        //# The presence of padding does not change the overall record size
        //# limitations: the full encoded TLSInnerPlaintext MUST NOT exceed 2^14
        //# + 1 octets.
        if (padding > MaxInnerPlaintext - 1 - contentLength)
        {
            throw TlsErrors.Internal("record protection: content plus padding exceed 2^14 + 1 octets");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
        //# Implementations
        //# MUST NOT send Handshake and Alert records that have a zero-length
        //# TLSInnerPlaintext.content;
        if (contentLength == 0 && innerType is ContentType.Handshake or ContentType.Alert)
        {
            throw TlsErrors.Internal("record protection: empty handshake or alert record");
        }

        return contentLength + 1 + padding;
    }

    private static void CheckOpenArguments(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        if (header.Length != HeaderLength || BinaryPrimitives.ReadUInt16BigEndian(header[3..]) != payload.Length)
        {
            throw TlsErrors.Internal("record protection: header does not describe the payload");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
        //# An endpoint that receives a record from its
        //# peer with TLSCiphertext.length larger than 2^14 + 256 octets MUST
        //# terminate the connection with a "record_overflow" alert.
        if (payload.Length > MaxCiphertext)
        {
            throw TlsErrors.Protocol(AlertDescription.RecordOverflow, "protected record longer than 2^14 + 256 octets");
        }

        if (payload.Length < TagLength)
        {
            // Too short to hold a tag, so it cannot be authentic: the same alert as any other forgery.
            throw TlsErrors.Protocol(AlertDescription.BadRecordMac, "protected record shorter than the AEAD tag");
        }
    }

    private static ContentType ParseInnerPlaintext(ReadOnlySpan<byte> inner, out int contentLength)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
        //# the full encoded TLSInnerPlaintext MUST NOT exceed 2^14
        //# + 1 octets.
        if (inner.Length > MaxInnerPlaintext)
        {
            throw TlsErrors.Protocol(AlertDescription.RecordOverflow, "TLSInnerPlaintext longer than 2^14 + 1 octets");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
        //# Implementations MUST limit their scanning to the cleartext returned
        //# from the AEAD decryption.  If a receiving implementation does not
        //# find a non-zero octet in the cleartext, it MUST terminate the
        //# connection with an "unexpected_message" alert.
        int typeIndex = inner.LastIndexOfAnyExcept((byte)0);
        if (typeIndex < 0)
        {
            throw TlsErrors.Unexpected("protected record has no content type (all-zero plaintext)");
        }

        var type = (ContentType)inner[typeIndex];
        contentLength = typeIndex;

        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
        //# Implementations
        //# MUST NOT send Handshake and Alert records that have a zero-length
        //# TLSInnerPlaintext.content; if such a message is received, the
        //# receiving implementation MUST terminate the connection with an
        //# "unexpected_message" alert.
        if (contentLength == 0 && type is ContentType.Handshake or ContentType.Alert)
        {
            throw TlsErrors.Unexpected($"protected {type} record with empty content");
        }

        return type;
    }

    private void ComputeNonce()
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.3
        //# 1.  The 64-bit record sequence number is encoded in network byte
        //# order and padded to the left with zeros to iv_length.
        //#
        //# 2.  The padded sequence number is XORed with either the static
        //# client_write_iv or server_write_iv (depending on the role).
        _iv.CopyTo(_nonce, 0);
        var tail = _nonce.AsSpan(CipherSuiteSpec.IvLength - sizeof(ulong));
        BinaryPrimitives.WriteUInt64BigEndian(tail, BinaryPrimitives.ReadUInt64BigEndian(tail) ^ SequenceNumber);
    }

    private void AdvanceSequenceNumber()
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.3
        //# Because the size of sequence numbers is 64-bit, they should not wrap.
        //# If a TLS implementation would need to wrap a sequence number, it MUST
        //# either rekey (Section 4.6.3) or terminate the connection.
        if (SequenceNumber == ulong.MaxValue)
        {
            _sequenceExhausted = true;
        }
        else
        {
            SequenceNumber++;
        }
    }

    private void ThrowIfSequenceExhausted()
    {
        if (_sequenceExhausted)
        {
            throw TlsErrors.Internal("record sequence number would wrap; the key must be updated");
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw TlsErrors.Internal("record protector used after Dispose");
        }
    }
}
