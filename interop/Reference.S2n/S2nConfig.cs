using System.Runtime.InteropServices;
using System.Text;

namespace Reference.S2n;

/// <summary>Who must present a certificate to the server.</summary>
public enum S2nClientAuth
{
    None,
    Optional,
    Required,
}

/// <summary>
/// An s2n_config: security policy, certificates, trust store and callbacks shared by
/// connections. Must outlive every <see cref="S2nConnection"/> built from it (each
/// connection keeps a reference, so only an explicit early Dispose can break this).
/// </summary>
public sealed unsafe partial class S2nConfig : IDisposable
{
    private nint _config;
    private GCHandle _self;
    private Action<string>? _keyLog;
    private Func<string, bool>? _verifyHost;

    public S2nConfig()
    {
        S2nLibrary.EnsureInitialized();
        _config = S2nNative.s2n_config_new();
        if (_config == 0)
            throw S2nException.FromLastError("s2n_config_new");
        // Callbacks receive this handle as their context and find the config through it.
        _self = GCHandle.Alloc(this);
    }

    internal nint Handle => _config != 0 ? _config : throw new ObjectDisposedException(nameof(S2nConfig));

    /// <summary>s2n_config_set_cipher_preferences, e.g. "default_tls13", "20190801".</summary>
    public void SetSecurityPolicy(string name) =>
        WithUtf8(name, p => S2nNative.s2n_config_set_cipher_preferences(Handle, p), "s2n_config_set_cipher_preferences");

    /// <summary>Adds a certificate chain (leaf first) and its private key, both PEM.</summary>
    public void AddCertChainAndKey(string chainPem, string keyPem)
    {
        byte[] chain = NulTerminated(chainPem);
        byte[] key = NulTerminated(keyPem);
        try
        {
            fixed (byte* c = chain)
            fixed (byte* k = key)
                Check(S2nNative.s2n_config_add_cert_chain_and_key(Handle, c, k), "s2n_config_add_cert_chain_and_key");
        }
        finally
        {
            Array.Clear(key); // private key material
        }
    }

    /// <summary>Adds PEM certificate(s) to the trust store used to verify the peer.</summary>
    public void AddTrustedPem(string caPem) =>
        WithUtf8(caPem, p => S2nNative.s2n_config_add_pem_to_trust_store(Handle, p), "s2n_config_add_pem_to_trust_store");

    /// <summary>Drops every trusted certificate, including the system defaults s2n loads.</summary>
    public void WipeTrustStore() =>
        Check(S2nNative.s2n_config_wipe_trust_store(Handle), "s2n_config_wipe_trust_store");

    /// <summary>Accepts any peer certificate (tests only).</summary>
    public void DisableX509Verification() =>
        Check(S2nNative.s2n_config_disable_x509_verification(Handle), "s2n_config_disable_x509_verification");

    /// <summary>Server: whether to request a client certificate. Client: whether to answer one.</summary>
    public void SetClientAuth(S2nClientAuth mode)
    {
        int type = mode switch
        {
            S2nClientAuth.None => S2nNative.CertAuthNone,
            S2nClientAuth.Optional => S2nNative.CertAuthOptional,
            S2nClientAuth.Required => S2nNative.CertAuthRequired,
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
        Check(S2nNative.s2n_config_set_client_auth_type(Handle, type), "s2n_config_set_client_auth_type");
    }

    /// <summary>ALPN protocols in preference order.</summary>
    public void SetAlpn(params string[] protocols)
    {
        foreach (string protocol in protocols)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(protocol);
            if (bytes.Length is 0 or > 255)
                throw new ArgumentException("ALPN protocol must be 1..255 bytes", nameof(protocols));
            fixed (byte* p = bytes)
                Check(S2nNative.s2n_config_append_protocol_preference(Handle, p, (byte)bytes.Length),
                    "s2n_config_append_protocol_preference");
        }
    }

    /// <summary>
    /// Receives NSS key log lines (e.g. "CLIENT_HANDSHAKE_TRAFFIC_SECRET ..."). Debugging
    /// and differential testing only: the lines are secrets.
    /// </summary>
    public void SetKeyLogCallback(Action<string> onLine)
    {
        _keyLog = onLine ?? throw new ArgumentNullException(nameof(onLine));
        Check(S2nNative.s2n_config_set_key_log_cb(Handle, &OnKeyLog, GCHandle.ToIntPtr(_self)),
            "s2n_config_set_key_log_cb");
    }

    /// <summary>
    /// Decides whether a name in the peer's certificate is acceptable. Without it s2n
    /// matches the SNI name, which on a server (checking client certificates) is the
    /// name the client asked for, rarely what a client certificate carries.
    /// </summary>
    public void SetVerifyHost(Func<string, bool> accept)
    {
        _verifyHost = accept ?? throw new ArgumentNullException(nameof(accept));
        Check(S2nNative.s2n_config_set_verify_host_callback(Handle, &OnVerifyHost, GCHandle.ToIntPtr(_self)),
            "s2n_config_set_verify_host_callback");
    }

    public void Dispose()
    {
        if (_config != 0)
        {
            S2nNative.s2n_config_free(_config);
            _config = 0;
        }
        if (_self.IsAllocated)
            _self.Free();
    }

    [UnmanagedCallersOnly]
    private static int OnKeyLog(nint ctx, nint conn, byte* line, nuint length)
    {
        try
        {
            var config = (S2nConfig)GCHandle.FromIntPtr(ctx).Target!;
            config._keyLog?.Invoke(Encoding.ASCII.GetString(line, checked((int)length)).TrimEnd('\n'));
            return S2nNative.Success;
        }
        catch (Exception)
        {
            // An exception must not unwind into C; s2n fails the handshake instead.
            return S2nNative.Failure;
        }
    }

    [UnmanagedCallersOnly]
    private static byte OnVerifyHost(byte* name, nuint length, nint ctx)
    {
        try
        {
            var config = (S2nConfig)GCHandle.FromIntPtr(ctx).Target!;
            string host = Encoding.UTF8.GetString(name, checked((int)length));
            return config._verifyHost?.Invoke(host) == true ? (byte)1 : (byte)0;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    internal static void Check(int result, string operation, nint conn = 0)
    {
        if (result != S2nNative.Success)
            throw S2nException.FromLastError(operation, conn);
    }

    internal static byte[] NulTerminated(string text)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    private delegate int Utf8Call(byte* text);

    private static void WithUtf8(string text, Utf8Call call, string operation)
    {
        fixed (byte* p = NulTerminated(text))
            Check(call(p), operation);
    }
}
