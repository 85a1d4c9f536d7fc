using System.Security.Cryptography;
using Reference.Tls.KeySchedule;
using Reference.Tls.Record;

namespace Reference.Tls.Crypto;

/// <summary>
/// The running Transcript-Hash of RFC 8446 §4.4.1. The hash function is only known once
/// ServerHello/HelloRetryRequest picks the suite, so messages added before <see cref="SetHash"/>
/// are buffered and replayed into the hash then.
/// </summary>
internal sealed class TranscriptHash : IDisposable
{
    private const int HandshakeHeaderLength = 4;

    // Pooled buffers (Record.ByteBuffer), returned when no longer needed.
    private ByteBuffer? _pending = new(512);

    // Every byte hashed so far, kept only until the ServerHello: PSK binders hash a partial ClientHello
    // after the transcript so far, which a running hash cannot be forked for.
    private ByteBuffer? _log = new(512);
    private IncrementalHash? _hash;
    private HashAlgorithmName _hashName;
    private int _messageCount;

    /// <summary>The hash in use, or null before <see cref="SetHash"/>.</summary>
    public HashAlgorithmName? Hash => _hash is null ? null : _hashName;

    /// <summary>Number of handshake messages added so far (a synthetic message_hash counts as one).</summary>
    public int MessageCount => _messageCount;

    /// <summary>Adds one whole handshake message, including its 4-byte type/length header.</summary>
    public void Add(ReadOnlySpan<byte> handshakeMessage)
    {
        if (handshakeMessage.Length < HandshakeHeaderLength)
        {
            throw TlsErrors.Internal("transcript: a handshake message is at least its 4-byte header");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.1
        //# This value is computed by hashing the concatenation
        //# of each included handshake message, including the handshake message
        //# header carrying the handshake message type and length fields, but not
        //# including record layer headers.
        _log?.Append(handshakeMessage);
        if (_hash is not null)
        {
            _hash.AppendData(handshakeMessage);
        }
        else
        {
            Pending.Append(handshakeMessage);
        }

        _messageCount++;
    }

    /// <summary>Fixes the hash function (once) and feeds it every buffered message.</summary>
    public void SetHash(HashAlgorithmName hash)
    {
        if (_hash is not null)
        {
            if (hash != _hashName)
            {
                throw TlsErrors.Internal("transcript: hash already chosen");
            }

            return;
        }

        Hkdf.HashLength(hash);
        var pending = Pending;
        _hash = IncrementalHash.CreateHash(hash);
        _hashName = hash;
        _hash.AppendData(pending.Active);
        ClearPending();
    }

    /// <summary>Transcript-Hash of everything added so far; the running hash continues.</summary>
    public byte[] Current()
    {
        if (_hash is null)
        {
            throw TlsErrors.Internal("transcript: hash not chosen yet");
        }

        return _hash.GetCurrentHash();
    }

    /// <summary>
    /// After a HelloRetryRequest: replaces ClientHello1 (the only message added so far) by the
    /// synthetic message_hash message. Call after <see cref="SetHash"/> and before adding the HRR.
    /// </summary>
    public void ReplaceWithMessageHash()
    {
        if (_hash is null || _messageCount != 1)
        {
            throw TlsErrors.Internal("transcript: message_hash needs the hash chosen and exactly ClientHello1 added");
        }

        var clientHello1Hash = _hash.GetHashAndReset();

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.1
        //# As an exception to this general rule, when the server responds to a
        //# ClientHello with a HelloRetryRequest, the value of ClientHello1 is
        //# replaced with a special synthetic handshake message of handshake type
        //# "message_hash" containing Hash(ClientHello1).
        Span<byte> header = [(byte)HandshakeType.MessageHash, 0, 0, (byte)clientHello1Hash.Length];
        _hash.AppendData(header);
        _hash.AppendData(clientHello1Hash);
        if (_log is not null)
        {
            _log.Discard(_log.Length);
            _log.Append(header);
            _log.Append(clientHello1Hash);
        }
    }

    /// <summary>
    /// Hash (with <paramref name="hash"/>) of the transcript so far followed by <paramref name="partialMessage"/>,
    /// leaving the transcript unchanged: the PSK binder's Transcript-Hash(Truncate(ClientHello)) (RFC 8446 §4.2.11.2).
    /// </summary>
    public byte[] HashWith(HashAlgorithmName hash, ReadOnlySpan<byte> partialMessage)
    {
        var log = _log ?? throw TlsErrors.Internal("transcript: the log for binders was already dropped");
        using var h = IncrementalHash.CreateHash(hash);
        h.AppendData(log.Active);
        h.AppendData(partialMessage);
        return h.GetHashAndReset();
    }

    /// <summary>Drops the byte log once no more binders can be computed (after the ServerHello).</summary>
    public void StopLog()
    {
        _log?.Clear();
        _log = null;
    }

    public void Dispose()
    {
        _hash?.Dispose();
        _hash = null;
        ClearPending();
        StopLog();
    }

    private ByteBuffer Pending =>
        _pending ?? throw TlsErrors.Internal("transcript used after Dispose");

    private void ClearPending()
    {
        if (_pending is not null)
        {
            // Handshake messages are not secret, but the buffer is dropped as soon as it is hashed.
            _pending.Clear();
            _pending = null;
        }
    }
}
