using System.Buffers;
using System.Runtime.CompilerServices;

namespace Reference.Tls;

/// <summary>
/// A <see cref="Stream"/> that runs TLS 1.3 over another stream, shaped like SslStream: authenticate,
/// then read and write application data. Handshake and post-handshake messages (KeyUpdate) are handled
/// inside. A read and a write may run concurrently; output is written in the order the engine made it.
/// </summary>
public sealed class TlsStream : Stream
{
    // Several records per transport read: fewer reads (and async state machine steps) per byte.
    private const int ReadChunk = 4 * (16 * 1024 + 256 + 5);
    private readonly Stream _inner;
    private readonly bool _leaveInnerStreamOpen;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _readLock = new(1, 1);
    private readonly byte[] _readBuffer = new byte[ReadChunk];
    private TlsConnection? _connection;
    private BlindingMode _blinding;
    private bool _disposed;

    /// <summary>TLS over <paramref name="innerStream"/>; disposing this stream disposes it unless <paramref name="leaveInnerStreamOpen"/>.</summary>
    public TlsStream(Stream innerStream, bool leaveInnerStreamOpen = false)
    {
        ArgumentNullException.ThrowIfNull(innerStream);
        _inner = innerStream;
        _leaveInnerStreamOpen = leaveInnerStreamOpen;
    }

    /// <summary>The engine under this stream (negotiated parameters, key updates).</summary>
    public TlsConnection Connection => _connection ?? throw TlsErrors.Usage("not authenticated yet");

    /// <summary>What the handshake negotiated; null before it completes.</summary>
    public ConnectionInfo? ConnectionInfo => _connection?.Info;

    /// <summary>RFC 8446 §7.5 keying material; see <see cref="TlsConnection.ExportKeyingMaterial(string, ReadOnlySpan{byte}, int)"/>.</summary>
    public byte[] ExportKeyingMaterial(string label, ReadOnlySpan<byte> context, int length) =>
        Connection.ExportKeyingMaterial(label, context, length);

    /// <summary>Runs the client handshake for <paramref name="serverName"/>.</summary>
    public void AuthenticateAsClient(TlsConfig config, string? serverName = null) =>
        HandshakeAsync<SyncIoAdapter>(TlsConnection.CreateClient(config, serverName), default).AsTask().GetAwaiter().GetResult();

    /// <summary>Runs the client handshake for <paramref name="serverName"/>.</summary>
    public Task AuthenticateAsClientAsync(TlsConfig config, string? serverName = null, CancellationToken cancellationToken = default) =>
        HandshakeAsync<AsyncIoAdapter>(TlsConnection.CreateClient(config, serverName), cancellationToken).AsTask();

    /// <summary>Client that offers <paramref name="session"/> (a received ticket or an external PSK) to resume.</summary>
    public void AuthenticateAsClient(TlsConfig config, string? serverName, TlsSession? session) =>
        HandshakeAsync<SyncIoAdapter>(TlsConnection.CreateClient(config, serverName, session), default).AsTask().GetAwaiter().GetResult();

    /// <summary>Async form of <see cref="AuthenticateAsClient(TlsConfig, string?, TlsSession?)"/>.</summary>
    public Task AuthenticateAsClientAsync(TlsConfig config, string? serverName, TlsSession? session, CancellationToken cancellationToken = default) =>
        HandshakeAsync<AsyncIoAdapter>(TlsConnection.CreateClient(config, serverName, session), cancellationToken).AsTask();

    /// <summary>
    /// Client that resumes <paramref name="session"/> and sends <paramref name="earlyData"/> as 0-RTT data
    /// with its ClientHello (RFC 8446 §2.3). Check <see cref="TlsConnection.EarlyDataStatus"/> afterwards:
    /// if the server rejected it, the data was not delivered and the application may write it again.
    /// </summary>
    public void AuthenticateAsClient(TlsConfig config, string? serverName, TlsSession session, ReadOnlyMemory<byte> earlyData) =>
        HandshakeAsync<SyncIoAdapter>(CreateClientWithEarlyData(config, serverName, session, earlyData), default).AsTask().GetAwaiter().GetResult();

    /// <summary>Async form of <see cref="AuthenticateAsClient(TlsConfig, string?, TlsSession, ReadOnlyMemory{byte})"/>.</summary>
    public Task AuthenticateAsClientAsync(TlsConfig config, string? serverName, TlsSession session, ReadOnlyMemory<byte> earlyData, CancellationToken cancellationToken = default) =>
        HandshakeAsync<AsyncIoAdapter>(CreateClientWithEarlyData(config, serverName, session, earlyData), cancellationToken).AsTask();

    /// <summary>
    /// Server: copies 0-RTT data the handshake accepted (all of it has arrived once authentication returns).
    /// Early data may be a replay (RFC 8446 §8): act on it only if that is safe. Never returned by Read.
    /// </summary>
    public int ReadEarlyData(Span<byte> buffer) => Connection.ReadEarlyData(buffer);

    private static TlsConnection CreateClientWithEarlyData(TlsConfig config, string? serverName, TlsSession session, ReadOnlyMemory<byte> earlyData)
    {
        // Passing early data is the application's request for 0-RTT (RFC 8446 Appendix E.5).
        var connection = TlsConnection.CreateClient(config with { OfferEarlyData = true }, serverName, session);
        try
        {
            connection.WriteEarlyData(earlyData.Span);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs the server handshake.</summary>
    public void AuthenticateAsServer(TlsConfig config) =>
        HandshakeAsync<SyncIoAdapter>(TlsConnection.CreateServer(config), default).AsTask().GetAwaiter().GetResult();

    /// <summary>Runs the server handshake.</summary>
    public Task AuthenticateAsServerAsync(TlsConfig config, CancellationToken cancellationToken = default) =>
        HandshakeAsync<AsyncIoAdapter>(TlsConnection.CreateServer(config), cancellationToken).AsTask();

    private async ValueTask HandshakeAsync<TIo>(TlsConnection connection, CancellationToken ct)
        where TIo : struct, IIoAdapter
    {
        if (_connection is not null)
        {
            connection.Dispose();
            throw TlsErrors.Usage("this stream is already authenticated");
        }

        _connection = connection;
        _blinding = connection.Blinding;
        await FlushOutputAsync<TIo>(ct).ConfigureAwait(false);
        while (!connection.IsHandshakeComplete)
        {
            if (!await ReceiveAsync<TIo>(ct).ConfigureAwait(false))
            {
                throw TlsErrors.Closed("the peer closed the transport during the handshake");
            }
        }
    }

    /// <summary>Reads transport bytes into the engine and sends whatever it answers. False at transport EOF.</summary>
    // Pooled state machines: an async read or write that waits on the socket allocates nothing (the sync
    // adapter never waits, so it never boxes one either).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReceiveAsync<TIo>(CancellationToken ct)
        where TIo : struct, IIoAdapter
    {
        int n;
        try
        {
            n = await TIo.ReadAsync(_inner, _readBuffer, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw TlsErrors.IO("reading from the transport failed", e);
        }

        if (n == 0)
        {
            return false;
        }

        try
        {
            lock (_connection!)
            {
                _connection.Feed(_readBuffer.AsSpan(0, n));
            }
        }
        catch (TlsException)
        {
            if (_connection!.BlindingDelay > TimeSpan.Zero && _blinding == BlindingMode.BuiltIn)
            {
                // Blinding: the peer learns of the failure (the alert, the closed transport) only after a random delay.
                await Task.Delay(_connection.BlindingDelay, ct).ConfigureAwait(false);
            }

            await FlushAlertAsync<TIo>(ct).ConfigureAwait(false);
            throw;
        }

        // The engine's answer to acceptable bytes (handshake messages, a KeyUpdate, close_notify) goes out.
        await FlushOutputAsync<TIo>(ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Sends the alert of a failure the engine found, best effort: if the peer has gone (or closed the transport
    /// during a blinding delay), the failure the caller sees stays the one the engine found, not the failed write.
    /// </summary>
    private async ValueTask FlushAlertAsync<TIo>(CancellationToken ct)
        where TIo : struct, IIoAdapter
    {
        try
        {
            await FlushOutputAsync<TIo>(ct).ConfigureAwait(false);
        }
        catch (TlsException e) when (e.ErrorType == TlsErrorType.IO)
        {
        }
    }

    /// <summary>Writes the engine's pending output, in order, under the write lock.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushOutputAsync<TIo>(CancellationToken ct)
        where TIo : struct, IIoAdapter
    {
        lock (_connection!)
        {
            if (!_connection.HasPendingOutput)
            {
                // Nothing to send: a reader must not queue behind a writer blocked on a full socket (it would
                // stop reading, and the peer's writer would then block too).
                return;
            }
        }

        await TIo.WaitAsync(_writeLock, ct).ConfigureAwait(false);
        byte[]? rented = null;
        try
        {
            int count;
            lock (_connection!)
            {
                count = _connection.PendingOutput.Length;
                if (count == 0)
                {
                    return;
                }

                rented = ArrayPool<byte>.Shared.Rent(count);
                _connection.PendingOutput.CopyTo(rented);
                _connection.ConsumeOutput(count);
            }

            await TIo.WriteAsync(_inner, rented.AsMemory(0, count), ct).ConfigureAwait(false);
            await TIo.FlushAsync(_inner, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw TlsErrors.IO("writing to the transport failed", e);
        }
        finally
        {
            if (rented is not null)
            {
                // Records as sent on the wire (ciphertext, or the cleartext hellos and alerts): nothing to zero.
                ArrayPool<byte>.Shared.Return(rented);
            }

            _writeLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken ct)
    {
        var connection = Connection;
        await _readLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            int n;
            while (!TryReadBuffered(connection, buffer.Span, out n))
            {
                if (!await ReceiveAsync<AsyncIoAdapter>(ct).ConfigureAwait(false))
                {
                    throw TruncatedByTransportClose();
                }
            }

            return n;
        }
        finally
        {
            _readLock.Release();
        }
    }

    /// <summary>The sync read: the same steps as <see cref="ReadCoreAsync"/>, straight into the caller's span.</summary>
    private int ReadCore(Span<byte> buffer)
    {
        var connection = Connection;
        _readLock.Wait();
        try
        {
            int n;
            while (!TryReadBuffered(connection, buffer, out n))
            {
                if (!Complete(ReceiveAsync<SyncIoAdapter>(default)))
                {
                    throw TruncatedByTransportClose();
                }
            }

            return n;
        }
        finally
        {
            _readLock.Release();
        }
    }

    /// <summary>Copies decrypted application data out; true when the read is answered (data, empty buffer or closed).</summary>
    private static bool TryReadBuffered(TlsConnection connection, Span<byte> buffer, out int n)
    {
        lock (connection)
        {
            n = connection.ReadApplicationData(buffer);
            return n > 0 || buffer.Length == 0 || connection.IsPeerClosed;
        }
    }

    private static TlsException TruncatedByTransportClose() =>
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
        //# If a transport-level close
        //# is received prior to a "close_notify", the receiver cannot know that
        //# all the data that was sent has been received.
        TlsErrors.Closed("the transport closed without close_notify: the data may be truncated");

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct)
    {
        var connection = Connection;
        while (!buffer.IsEmpty)
        {
            buffer = buffer[QueueChunk(connection, buffer.Span)..];
            await FlushOutputAsync<AsyncIoAdapter>(ct).ConfigureAwait(false);
        }
    }

    /// <summary>The sync write: the same steps as <see cref="WriteCoreAsync"/>, from the caller's span without a copy.</summary>
    private void WriteCore(ReadOnlySpan<byte> buffer)
    {
        var connection = Connection;
        while (!buffer.IsEmpty)
        {
            buffer = buffer[QueueChunk(connection, buffer)..];
            Complete(FlushOutputAsync<SyncIoAdapter>(default));
        }
    }

    /// <summary>Seals the next part of <paramref name="buffer"/> into records; returns how many bytes it took.</summary>
    private static int QueueChunk(TlsConnection connection, ReadOnlySpan<byte> buffer)
    {
        // Bound the plaintext queued per step so a large write never buffers all of its ciphertext.
        int chunk = Math.Min(buffer.Length, 64 * 1024);
        lock (connection)
        {
            connection.WriteApplicationData(buffer[..chunk]);
        }

        return chunk;
    }

    /// <summary>
    /// Runs a step made with <see cref="SyncIoAdapter"/> to its end. Such a step has finished on return unless it
    /// waits out a blinding delay; only then is it waited for through a Task.
    /// </summary>
    private static T Complete<T>(ValueTask<T> step) => step.IsCompleted ? step.GetAwaiter().GetResult() : step.AsTask().GetAwaiter().GetResult();

    private static void Complete(ValueTask step)
    {
        if (step.IsCompleted)
        {
            step.GetAwaiter().GetResult();
        }
        else
        {
            step.AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Sends close_notify. Reading may continue until the peer closes too.</summary>
    public Task ShutdownAsync(CancellationToken cancellationToken = default) => ShutdownCoreAsync<AsyncIoAdapter>(cancellationToken).AsTask();

    /// <summary>Sends close_notify. Reading may continue until the peer closes too.</summary>
    public void Shutdown() => ShutdownCoreAsync<SyncIoAdapter>(default).AsTask().GetAwaiter().GetResult();

    private async ValueTask ShutdownCoreAsync<TIo>(CancellationToken ct)
        where TIo : struct, IIoAdapter
    {
        lock (Connection)
        {
            Connection.Close();
        }

        await FlushOutputAsync<TIo>(ct).ConfigureAwait(false);
    }

    /// <summary>Sends a KeyUpdate, optionally asking the peer to update its keys too.</summary>
    public async Task UpdateKeysAsync(bool requestPeerUpdate, CancellationToken cancellationToken = default)
    {
        lock (Connection)
        {
            Connection.UpdateKeys(requestPeerUpdate);
        }

        await FlushOutputAsync<AsyncIoAdapter>(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer) => ReadCore(buffer);

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadCoreAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadCoreAsync(buffer, cancellationToken);

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer) => WriteCore(buffer);

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteCoreAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(buffer, cancellationToken);

    /// <inheritdoc/>
    public override void Flush() => _inner.Flush();

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public override bool CanRead => !_disposed && _inner.CanRead;

    /// <inheritdoc/>
    public override bool CanWrite => !_disposed && _inner.CanWrite;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _connection?.Dispose();
            if (!_leaveInnerStreamOpen)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
