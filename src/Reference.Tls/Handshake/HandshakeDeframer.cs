using Reference.Tls.Record;

namespace Reference.Tls.Handshake;

/// <summary>
/// Joins handshake records into whole handshake messages (RFC 8446 §5.1: messages may be coalesced or
/// fragmented) and tells whether a message ended exactly at a record boundary.
/// </summary>
internal sealed class HandshakeDeframer
{
    /// <summary>Largest handshake message accepted; a certificate chain is the largest real one.</summary>
    public const int MaxMessageLength = 1 << 17;

    private readonly ByteBuffer _buffer = new(1024);

    /// <summary>True while part of a handshake message is waiting for its next record.</summary>
    public bool HasPartialMessage => _buffer.Length > 0;

    /// <summary>Returns the buffer to the pool when no partial message waits.</summary>
    public void ReleaseIfEmpty() => _buffer.ReleaseIfEmpty();

    /// <summary>Drops any partial message and returns the buffer, zeroed (it held decrypted handshake bytes).</summary>
    public void Clear() => _buffer.Clear();

    /// <summary>Bytes of the pooled array held now (tests and diagnostics).</summary>
    internal int HeldBufferBytes => _buffer.Capacity;

    public void Append(ReadOnlySpan<byte> recordContent)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
        //# Implementations MUST NOT send zero-length fragments of Handshake
        //# types, even if those fragments contain padding.
        if (recordContent.IsEmpty)
        {
            throw TlsErrors.Unexpected("zero-length handshake record");
        }

        _buffer.Append(recordContent);
    }

    /// <summary>Copies out the next whole message (header included), or returns null if incomplete.</summary>
    public byte[]? TryTakeMessage() => TryTakeMessage(out var message) ? message.ToArray() : null;

    /// <summary>
    /// Takes the next whole message (header included) without copying it: <paramref name="message"/> points into
    /// this deframer's buffer and stays valid until the next <see cref="Append"/>, <see cref="ReleaseIfEmpty"/>
    /// or <see cref="Clear"/>.
    /// </summary>
    public bool TryTakeMessage(out ReadOnlySpan<byte> message)
    {
        message = default;
        var active = _buffer.Active;
        if (active.Length < 4)
        {
            return false;
        }

        int length = (active[1] << 16) | (active[2] << 8) | active[3];
        // Decided from the 4-byte header, before any of the body is buffered. No ClientHello can be this
        // long (its fields add up to less than 2^17 + 400), and a longer certificate chain is refused as an
        // implementation limit, with the alert of an out-of-range length:
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6
        //# Peers which receive a message which
        //# cannot be parsed according to the syntax (e.g., have a length
        //# extending beyond the message boundary or contain an out-of-range
        //# length) MUST terminate the connection with a "decode_error" alert.
        if (length > MaxMessageLength)
        {
            throw TlsErrors.Decode($"handshake message of {length} bytes exceeds the {MaxMessageLength}-byte limit");
        }

        if (active.Length < 4 + length)
        {
            return false;
        }

        message = active[..(4 + length)];
        _buffer.Discard(4 + length);
        return true;
    }

    /// <summary>Checks that no message bytes are left over before the read key changes.</summary>
    public void EnsureAlignedForKeyChange(string message)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
        //# Implementations
        //# MUST verify that all messages immediately preceding a key change
        //# align with a record boundary; if not, then they MUST terminate the
        //# connection with an "unexpected_message" alert.
        if (HasPartialMessage)
        {
            throw TlsErrors.Unexpected($"{message} does not end at a record boundary before a key change");
        }
    }
}
