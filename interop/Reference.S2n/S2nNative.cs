using System.Runtime.InteropServices;

namespace Reference.S2n;

/// <summary>
/// Raw entry points of the C s2n-tls API (api/s2n.h and api/unstable/*.h), bound by the
/// source-generated marshaller. The library name "s2n" is resolved by
/// <see cref="S2nLibrary"/> to the libs2n.so it loaded, so nothing here can bind to a
/// different copy that happens to be on the loader path.
/// </summary>
internal static unsafe partial class S2nNative
{
    internal const string Lib = "s2n";
    internal const int Success = 0;
    internal const int Failure = -1;

    // s2n_mode
    internal const int ModeServer = 0;
    internal const int ModeClient = 1;

    // s2n_blinding
    internal const int SelfServiceBlinding = 1;

    // s2n_peer_key_update
    internal const int KeyUpdateNotRequested = 0;

    // s2n_cert_auth_type
    internal const int CertAuthNone = 0;
    internal const int CertAuthRequired = 1;
    internal const int CertAuthOptional = 2;

    // --- library and errors ---
    [LibraryImport(Lib)] internal static partial int s2n_init();
    [LibraryImport(Lib)] internal static partial int* s2n_errno_location();
    [LibraryImport(Lib)] internal static partial int s2n_error_get_type(int error);
    [LibraryImport(Lib)] internal static partial int s2n_error_get_alert(int error, byte* alert);
    [LibraryImport(Lib)] internal static partial byte* s2n_strerror(int error, byte* lang);
    [LibraryImport(Lib)] internal static partial byte* s2n_strerror_debug(int error, byte* lang);
    [LibraryImport(Lib)] internal static partial byte* s2n_strerror_name(int error);
    [LibraryImport(Lib)] internal static partial ulong s2n_get_openssl_version();

    // --- config ---
    [LibraryImport(Lib)] internal static partial nint s2n_config_new();
    [LibraryImport(Lib)] internal static partial int s2n_config_free(nint config);
    [LibraryImport(Lib)] internal static partial int s2n_config_set_cipher_preferences(nint config, byte* version);
    [LibraryImport(Lib)] internal static partial int s2n_config_add_cert_chain_and_key(nint config, byte* chainPem, byte* keyPem);
    [LibraryImport(Lib)] internal static partial int s2n_config_add_pem_to_trust_store(nint config, byte* pem);
    [LibraryImport(Lib)] internal static partial int s2n_config_wipe_trust_store(nint config);
    [LibraryImport(Lib)] internal static partial int s2n_config_disable_x509_verification(nint config);
    [LibraryImport(Lib)] internal static partial int s2n_config_set_client_auth_type(nint config, int type);
    [LibraryImport(Lib)] internal static partial int s2n_config_append_protocol_preference(nint config, byte* protocol, byte length);
    [LibraryImport(Lib)] internal static partial int s2n_config_set_key_log_cb(
        nint config, delegate* unmanaged<nint, nint, byte*, nuint, int> callback, nint ctx);
    [LibraryImport(Lib)] internal static partial int s2n_config_set_verify_host_callback(
        nint config, delegate* unmanaged<byte*, nuint, nint, byte> callback, nint ctx);

    // --- connection ---
    [LibraryImport(Lib)] internal static partial nint s2n_connection_new(int mode);
    [LibraryImport(Lib)] internal static partial int s2n_connection_free(nint conn);
    [LibraryImport(Lib)] internal static partial int s2n_connection_set_config(nint conn, nint config);
    [LibraryImport(Lib)] internal static partial int s2n_connection_set_blinding(nint conn, int blinding);
    [LibraryImport(Lib)] internal static partial int s2n_set_server_name(nint conn, byte* name);
    [LibraryImport(Lib)] internal static partial int s2n_connection_set_fd(nint conn, int fd);
    [LibraryImport(Lib)] internal static partial int s2n_connection_set_recv_ctx(nint conn, nint ctx);
    [LibraryImport(Lib)] internal static partial int s2n_connection_set_send_ctx(nint conn, nint ctx);
    [LibraryImport(Lib)] internal static partial int s2n_connection_set_recv_cb(nint conn, delegate* unmanaged<nint, byte*, uint, int> recv);
    [LibraryImport(Lib)] internal static partial int s2n_connection_set_send_cb(nint conn, delegate* unmanaged<nint, byte*, uint, int> send);
    [LibraryImport(Lib)] internal static partial int s2n_negotiate(nint conn, int* blocked);
    [LibraryImport(Lib)] internal static partial nint s2n_send(nint conn, byte* buf, nint size, int* blocked);
    [LibraryImport(Lib)] internal static partial nint s2n_recv(nint conn, byte* buf, nint size, int* blocked);
    [LibraryImport(Lib)] internal static partial int s2n_shutdown(nint conn, int* blocked);
    [LibraryImport(Lib)] internal static partial int s2n_shutdown_send(nint conn, int* blocked);
    [LibraryImport(Lib)] internal static partial int s2n_connection_request_key_update(nint conn, int peerRequest);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_key_update_counts(nint conn, byte* sent, byte* received);

    // --- negotiated parameters ---
    [LibraryImport(Lib)] internal static partial byte* s2n_connection_get_cipher(nint conn);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_cipher_iana_value(nint conn, byte* first, byte* second);
    [LibraryImport(Lib)] internal static partial byte* s2n_connection_get_curve(nint conn);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_key_exchange_group(nint conn, byte** name);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_actual_protocol_version(nint conn);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_signature_scheme(nint conn, byte** name);
    [LibraryImport(Lib)] internal static partial byte* s2n_get_application_protocol(nint conn);
    [LibraryImport(Lib)] internal static partial byte* s2n_get_server_name(nint conn);
    [LibraryImport(Lib)] internal static partial byte* s2n_connection_get_handshake_type_name(nint conn);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_alert(nint conn);
    [LibraryImport(Lib)] internal static partial int s2n_connection_client_cert_used(nint conn);

    internal static int LastError => *s2n_errno_location();

    internal static string? Utf8(byte* text) =>
        text == null ? null : Marshal.PtrToStringUTF8((nint)text);
}

/// <summary>libc entry points: the environment s2n reads at init, and errno for I/O callbacks.</summary>
internal static unsafe partial class LibC
{
    internal const int EIO = 5;
    internal const int EPIPE = 32;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc")]
    internal static partial int* __errno_location();

    internal static void SetErrno(int value) => *__errno_location() = value;
}
