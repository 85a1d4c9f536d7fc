using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Reference.S2n;

/// <summary>Which side of the handshake an <see cref="S2nConnection"/> plays.</summary>
public enum S2nMode
{
    Server,
    Client,
}

/// <summary>
/// One blocking s2n_connection. All calls on a connection must come from one thread at
/// a time (s2n_errno is thread-local and read right after each failed call).
/// </summary>
public sealed unsafe partial class S2nConnection : IDisposable
{
    private const int BlockedOnApplicationInput = 3;

    private nint _conn;
    private readonly S2nConfig _config; // kept alive: the C connection points at it
    private StreamIo? _io;
    private Socket? _socket;

    public S2nConnection(S2nMode mode, S2nConfig config)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _conn = S2nNative.s2n_connection_new(mode == S2nMode.Server ? S2nNative.ModeServer : S2nNative.ModeClient);
        if (_conn == 0)
            throw S2nException.FromLastError("s2n_connection_new");
        try
        {
            Check(S2nNative.s2n_connection_set_config(_conn, config.Handle), "s2n_connection_set_config");
            // Built-in blinding sleeps 10-30 s after a failure; a test wants the error now.
            Check(S2nNative.s2n_connection_set_blinding(_conn, S2nNative.SelfServiceBlinding),
                "s2n_connection_set_blinding");
        }
        catch
        {
            S2nNative.s2n_connection_free(_conn);
            _conn = 0;
            throw;
        }
        Mode = mode;
    }

    public S2nMode Mode { get; }

    private nint Handle => _conn != 0 ? _conn : throw new ObjectDisposedException(nameof(S2nConnection));

    /// <summary>Client: the SNI name to send and to match the server certificate against.</summary>
    public void SetServerName(string name)
    {
        fixed (byte* p = S2nConfig.NulTerminated(name))
            Check(S2nNative.s2n_set_server_name(Handle, p), "s2n_set_server_name");
    }

    /// <summary>Carries the TLS records over a blocking .NET stream (Read returning 0 = EOF).</summary>
    public void UseStream(Stream transport)
    {
        if (_io is not null || _socket is not null)
            throw new InvalidOperationException("transport already set");
        _io = new StreamIo(transport ?? throw new ArgumentNullException(nameof(transport)));
        nint ctx = _io.Context;
        Check(S2nNative.s2n_connection_set_recv_cb(Handle, &StreamIo.Receive), "s2n_connection_set_recv_cb");
        Check(S2nNative.s2n_connection_set_send_cb(Handle, &StreamIo.Send), "s2n_connection_set_send_cb");
        Check(S2nNative.s2n_connection_set_recv_ctx(Handle, ctx), "s2n_connection_set_recv_ctx");
        Check(S2nNative.s2n_connection_set_send_ctx(Handle, ctx), "s2n_connection_set_send_ctx");
    }

    /// <summary>Lets s2n read and write the socket's descriptor directly; the socket must be blocking.</summary>
    public void UseSocket(Socket socket)
    {
        if (_io is not null || _socket is not null)
            throw new InvalidOperationException("transport already set");
        ArgumentNullException.ThrowIfNull(socket);
        socket.Blocking = true;
        _socket = socket;
        Check(S2nNative.s2n_connection_set_fd(Handle, checked((int)socket.Handle)), "s2n_connection_set_fd");
    }

    /// <summary>Runs the handshake to completion; throws <see cref="S2nException"/> on failure.</summary>
    public void Negotiate()
    {
        int blocked;
        while (S2nNative.s2n_negotiate(Handle, &blocked) != S2nNative.Success)
            ThrowUnlessRetryable("s2n_negotiate", blocked);
    }

    /// <summary>Sends all of <paramref name="data"/> as application data.</summary>
    public void SendAll(ReadOnlySpan<byte> data)
    {
        fixed (byte* start = data)
        {
            int offset = 0;
            while (offset < data.Length)
            {
                int blocked;
                nint sent = S2nNative.s2n_send(Handle, start + offset, data.Length - offset, &blocked);
                if (sent < 0)
                    ThrowUnlessRetryable("s2n_send", blocked);
                else
                    offset += (int)sent;
            }
        }
    }

    /// <summary>Reads application data; returns 0 once the peer's close_notify arrived.</summary>
    public int Receive(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
            return 0;
        fixed (byte* p = buffer)
        {
            while (true)
            {
                int blocked;
                nint read = S2nNative.s2n_recv(Handle, p, buffer.Length, &blocked);
                if (read >= 0)
                    return (int)read;
                ThrowUnlessRetryable("s2n_recv", blocked);
            }
        }
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes or throws <see cref="EndOfStreamException"/>.</summary>
    public void ReceiveExactly(Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = Receive(buffer);
            if (n == 0)
                throw new EndOfStreamException($"peer closed with {buffer.Length} bytes still expected");
            buffer = buffer[n..];
        }
    }

    /// <summary>Full close: sends close_notify and waits for the peer's (s2n_shutdown).</summary>
    public void Shutdown()
    {
        int blocked;
        while (S2nNative.s2n_shutdown(Handle, &blocked) != S2nNative.Success)
            ThrowUnlessRetryable("s2n_shutdown", blocked);
    }

    /// <summary>Half close: sends close_notify only (s2n_shutdown_send); receiving still works.</summary>
    public void ShutdownSend()
    {
        int blocked;
        while (S2nNative.s2n_shutdown_send(Handle, &blocked) != S2nNative.Success)
            ThrowUnlessRetryable("s2n_shutdown_send", blocked);
    }

    /// <summary>Queues a KeyUpdate (update_not_requested); it goes out with the next send.</summary>
    public void RequestKeyUpdate() =>
        Check(S2nNative.s2n_connection_request_key_update(Handle, S2nNative.KeyUpdateNotRequested),
            "s2n_connection_request_key_update");

    /// <summary>How many times the sending and receiving keys were updated (TLS 1.3).</summary>
    public (int Sent, int Received) KeyUpdateCounts
    {
        get
        {
            byte sent, received;
            Check(S2nNative.s2n_connection_get_key_update_counts(Handle, &sent, &received),
                "s2n_connection_get_key_update_counts");
            return (sent, received);
        }
    }

    /// <summary>34 = TLS 1.3, 33 = TLS 1.2 (s2n's S2N_TLS13 / S2N_TLS12 constants).</summary>
    public int ActualProtocolVersion => S2nNative.s2n_connection_get_actual_protocol_version(Handle);

    /// <summary>The negotiated suite's two-byte IANA value.</summary>
    public ushort CipherSuiteValue
    {
        get
        {
            byte first, second;
            Check(S2nNative.s2n_connection_get_cipher_iana_value(Handle, &first, &second),
                "s2n_connection_get_cipher_iana_value");
            return (ushort)(first << 8 | second);
        }
    }

    /// <summary>IANA name of the negotiated suite, e.g. "TLS_AES_128_GCM_SHA256".</summary>
    public string CipherSuite =>
        S2nNames.CipherSuite(CipherSuiteValue) ?? S2nNative.Utf8(S2nNative.s2n_connection_get_cipher(Handle)) ?? "NONE";

    /// <summary>s2n's own name for the suite (OpenSSL-style for TLS 1.2).</summary>
    public string S2nCipherName => S2nNative.Utf8(S2nNative.s2n_connection_get_cipher(Handle)) ?? "NONE";

    /// <summary>The ECDHE curve, e.g. "x25519", "secp256r1"; "NONE" if none.</summary>
    public string Curve => S2nNative.Utf8(S2nNative.s2n_connection_get_curve(Handle)) ?? "NONE";

    /// <summary>The key exchange group name, including hybrid PQ groups.</summary>
    public string? KeyExchangeGroup
    {
        get
        {
            byte* name;
            return S2nNative.s2n_connection_get_key_exchange_group(Handle, &name) == S2nNative.Success
                ? S2nNative.Utf8(name) : null;
        }
    }

    /// <summary>The server's CertificateVerify scheme, IANA name (e.g. "ecdsa_secp256r1_sha256"); null if none.</summary>
    public string? SignatureScheme
    {
        get
        {
            byte* name;
            if (S2nNative.s2n_connection_get_signature_scheme(Handle, &name) != S2nNative.Success)
                return null;
            string? scheme = S2nNative.Utf8(name);
            return scheme is null or "none" ? null : scheme;
        }
    }

    /// <summary>The ALPN protocol agreed, if any.</summary>
    public string? ApplicationProtocol => S2nNative.Utf8(S2nNative.s2n_get_application_protocol(Handle));

    /// <summary>The SNI name (client: what it sent; server: what it received).</summary>
    public string? ServerName => S2nNative.Utf8(S2nNative.s2n_get_server_name(Handle));

    /// <summary>e.g. "NEGOTIATED|FULL_HANDSHAKE|MIDDLEBOX_COMPAT".</summary>
    public string HandshakeTypeName => S2nNative.Utf8(S2nNative.s2n_connection_get_handshake_type_name(Handle)) ?? "";

    /// <summary>True when the handshake went through a HelloRetryRequest.</summary>
    public bool IsHelloRetry => HandshakeTypeName.Contains("HELLO_RETRY_REQUEST", StringComparison.Ordinal);

    /// <summary>True when a client certificate was sent (client) or received (server).</summary>
    public bool ClientCertUsed => S2nNative.s2n_connection_client_cert_used(Handle) == 1;

    public void Dispose()
    {
        if (_conn != 0)
        {
            S2nNative.s2n_connection_free(_conn);
            _conn = 0;
        }
        _io?.Dispose();
        _io = null;
        _socket = null;
        GC.KeepAlive(_config);
    }

    private void ThrowUnlessRetryable(string operation, int blocked)
    {
        var error = S2nException.FromLastError(operation, _conn, _io?.TakeFailure());
        // Blocking transports never report BLOCKED on read or write; anything else that
        // is "blocked" waits on an application callback, which this binding never installs.
        if (error.ErrorType == S2nErrorType.Blocked && blocked != 0 && blocked != BlockedOnApplicationInput)
            return;
        throw error;
    }

    private static void Check(int result, string operation) => S2nConfig.Check(result, operation);
}
