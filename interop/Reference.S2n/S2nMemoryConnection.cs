using System.Runtime.InteropServices;

namespace Reference.S2n;

/// <summary>
/// One C s2n-tls connection driven sans-IO, like the managed engine's TlsConnection: bytes from the
/// peer go in with <see cref="Feed"/>, bytes for the peer come out of <see cref="PendingOutput"/>.
/// The send/recv callbacks copy to and from managed buffers and never block (no input is EAGAIN,
/// which s2n reports as "blocked"), so two of these can be pumped on one thread with no syscalls
/// or thread hops. Built for benchmarks: once the buffers have grown nothing allocates per record.
/// </summary>
public sealed unsafe partial class S2nMemoryConnection : IDisposable
{
    private const int EAGAIN = 11;

    private readonly S2nConfig _config; // kept alive: the C connection points at it
    private readonly ByteQueue _input = new();
    private readonly ByteQueue _output = new();
    private GCHandle _self;
    private nint _conn;

    public S2nMemoryConnection(S2nMode mode, S2nConfig config, string? serverName = null)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _conn = S2nNative.s2n_connection_new(mode == S2nMode.Server ? S2nNative.ModeServer : S2nNative.ModeClient);
        if (_conn == 0)
            throw S2nException.FromLastError("s2n_connection_new");
        _self = GCHandle.Alloc(this);
        try
        {
            Configure(serverName);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>True once <see cref="TryNegotiate"/> has returned true.</summary>
    public bool IsHandshakeComplete { get; private set; }

    /// <summary>Bytes s2n has written for the peer.</summary>
    public ReadOnlySpan<byte> PendingOutput => _output.Active;

    public bool HasPendingOutput => _output.Count > 0;

    public void ConsumeOutput(int count) => _output.Discard(count);

    /// <summary>Queues bytes received from the peer for s2n to read.</summary>
    public void Feed(ReadOnlySpan<byte> data) => _input.Append(data);

    /// <summary>One s2n_negotiate call: true when the handshake is done, false when waiting for the peer.</summary>
    public bool TryNegotiate()
    {
        if (IsHandshakeComplete)
            return true;
        int blocked;
        if (S2nNative.s2n_negotiate(Handle, &blocked) == S2nNative.Success)
            return IsHandshakeComplete = true;
        ThrowUnlessBlocked("s2n_negotiate");
        return false;
    }

    /// <summary>Encrypts all of <paramref name="data"/> into the pending output.</summary>
    public void Send(ReadOnlySpan<byte> data)
    {
        fixed (byte* start = data)
        {
            int offset = 0;
            while (offset < data.Length)
            {
                int blocked;
                nint sent = S2nNative.s2n_send(Handle, start + offset, data.Length - offset, &blocked);
                if (sent < 0)
                {
                    ThrowUnlessBlocked("s2n_send");
                    throw new InvalidOperationException("s2n_send blocked on an unbounded in-memory buffer");
                }
                offset += (int)sent;
            }
        }
    }

    /// <summary>Decrypts everything fed so far, using <paramref name="scratch"/> as the target; returns the byte count.</summary>
    public long Drain(Span<byte> scratch)
    {
        long total = 0;
        fixed (byte* p = scratch)
        {
            while (true)
            {
                int blocked;
                nint read = S2nNative.s2n_recv(Handle, p, scratch.Length, &blocked);
                if (read > 0)
                {
                    total += read;
                    continue;
                }
                if (read < 0)
                    ThrowUnlessBlocked("s2n_recv");
                return total; // blocked for input, or close_notify
            }
        }
    }

    /// <summary>
    /// Sends full 16 KiB records (s2n_connection_prefer_throughput); by default s2n caps records at
    /// about 8 KB, so a 16 KiB write would become two records and a fragment.
    /// </summary>
    public void PreferThroughput() =>
        S2nConfig.Check(S2nNative.s2n_connection_prefer_throughput(Handle), "s2n_connection_prefer_throughput", _conn);

    /// <summary>Drops the empty managed transport buffers, so an idle connection holds only what s2n holds.</summary>
    public void TrimTransport()
    {
        _input.TrimIfEmpty();
        _output.TrimIfEmpty();
    }

    /// <summary>The negotiated suite's IANA value.</summary>
    public ushort CipherSuiteValue
    {
        get
        {
            byte first, second;
            S2nConfig.Check(S2nNative.s2n_connection_get_cipher_iana_value(Handle, &first, &second),
                "s2n_connection_get_cipher_iana_value", _conn);
            return (ushort)(first << 8 | second);
        }
    }

    /// <summary>The negotiated ECDHE curve as s2n names it (e.g. "x25519", "secp256r1").</summary>
    public string Curve => S2nNative.Utf8(S2nNative.s2n_connection_get_curve(Handle)) ?? "NONE";

    public void Dispose()
    {
        if (_conn != 0)
        {
            S2nNative.s2n_connection_free(_conn);
            _conn = 0;
        }
        if (_self.IsAllocated)
            _self.Free();
        GC.KeepAlive(_config);
    }

    private nint Handle => _conn != 0 ? _conn : throw new ObjectDisposedException(nameof(S2nMemoryConnection));

    private void Configure(string? serverName)
    {
        nint ctx = GCHandle.ToIntPtr(_self);
        S2nConfig.Check(S2nNative.s2n_connection_set_config(_conn, _config.Handle), "s2n_connection_set_config", _conn);
        // Built-in blinding sleeps 10-30 s after a failure; a benchmark wants the error now.
        S2nConfig.Check(S2nNative.s2n_connection_set_blinding(_conn, S2nNative.SelfServiceBlinding),
            "s2n_connection_set_blinding", _conn);
        S2nConfig.Check(S2nNative.s2n_connection_set_recv_cb(_conn, &Receive), "s2n_connection_set_recv_cb", _conn);
        S2nConfig.Check(S2nNative.s2n_connection_set_send_cb(_conn, &Send), "s2n_connection_set_send_cb", _conn);
        S2nConfig.Check(S2nNative.s2n_connection_set_recv_ctx(_conn, ctx), "s2n_connection_set_recv_ctx", _conn);
        S2nConfig.Check(S2nNative.s2n_connection_set_send_ctx(_conn, ctx), "s2n_connection_set_send_ctx", _conn);
        if (serverName is not null)
        {
            fixed (byte* p = S2nConfig.NulTerminated(serverName))
                S2nConfig.Check(S2nNative.s2n_set_server_name(_conn, p), "s2n_set_server_name", _conn);
        }
    }

    private void ThrowUnlessBlocked(string operation)
    {
        if (S2nNative.s2n_error_get_type(S2nNative.LastError) != (int)S2nErrorType.Blocked)
            throw S2nException.FromLastError(operation, _conn);
    }

    [UnmanagedCallersOnly]
    private static int Receive(nint ctx, byte* buffer, uint length)
    {
        var self = (S2nMemoryConnection)GCHandle.FromIntPtr(ctx).Target!;
        int n = self._input.Read(new Span<byte>(buffer, checked((int)length)));
        if (n > 0)
            return n;
        LibC.SetErrno(EAGAIN);
        return -1;
    }

    [UnmanagedCallersOnly]
    private static int Send(nint ctx, byte* buffer, uint length)
    {
        var self = (S2nMemoryConnection)GCHandle.FromIntPtr(ctx).Target!;
        try
        {
            self._output.Append(new ReadOnlySpan<byte>(buffer, checked((int)length)));
            return checked((int)length);
        }
        catch (Exception)
        {
            // Out of memory: must not unwind into C.
            LibC.SetErrno(LibC.EPIPE);
            return -1;
        }
    }

    /// <summary>A growable FIFO of bytes over one array, compacted instead of reallocated when it can be.</summary>
    private sealed class ByteQueue
    {
        private byte[] _buffer = [];
        private int _start;
        private int _end;

        internal int Count => _end - _start;

        internal ReadOnlySpan<byte> Active => _buffer.AsSpan(_start, _end - _start);

        internal int Read(Span<byte> destination)
        {
            int n = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination);
            Discard(n);
            return n;
        }

        internal void Discard(int count)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)Count, nameof(count));
            _start += count;
            if (_start == _end)
                _start = _end = 0;
        }

        internal void Append(ReadOnlySpan<byte> data)
        {
            if (_buffer.Length - _end < data.Length)
                MakeRoom(data.Length);
            data.CopyTo(_buffer.AsSpan(_end));
            _end += data.Length;
        }

        internal void TrimIfEmpty()
        {
            if (_start == _end)
                _buffer = [];
        }

        private void MakeRoom(int needed)
        {
            int live = _end - _start;
            byte[] target = live + needed <= _buffer.Length
                ? _buffer
                : new byte[Math.Max(live + needed, Math.Max(2 * _buffer.Length, 4096))];
            _buffer.AsSpan(_start, live).CopyTo(target);
            _buffer = target;
            _start = 0;
            _end = live;
        }
    }
}
