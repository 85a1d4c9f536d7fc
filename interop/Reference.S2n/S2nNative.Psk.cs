using System.Runtime.InteropServices;

namespace Reference.S2n;

/// <summary>Entry points for session tickets (resumption) and external PSKs (api/s2n.h).</summary>
internal static unsafe partial class S2nNative
{
    // s2n_psk_hmac
    internal const int PskHmacSha256 = 0;
    internal const int PskHmacSha384 = 1;

    // s2n_psk_mode
    internal const int PskModeResumption = 0;
    internal const int PskModeExternal = 1;

    // --- session tickets ---
    [LibraryImport(Lib)] internal static partial int s2n_config_set_session_tickets_onoff(nint config, byte enabled);
    [LibraryImport(Lib)] internal static partial int s2n_config_add_ticket_crypto_key(
        nint config, byte* name, uint nameLength, byte* key, uint keyLength, ulong introTimeSecondsFromEpoch);
    [LibraryImport(Lib)] internal static partial int s2n_config_set_initial_ticket_count(nint config, byte count);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_session_length(nint conn);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_session(nint conn, byte* session, nuint maxLength);
    [LibraryImport(Lib)] internal static partial int s2n_connection_set_session(nint conn, byte* session, nuint length);
    [LibraryImport(Lib)] internal static partial int s2n_connection_is_session_resumed(nint conn);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_tickets_sent(nint conn, ushort* count);

    // --- external PSKs ---
    [LibraryImport(Lib)] internal static partial nint s2n_external_psk_new();
    [LibraryImport(Lib)] internal static partial int s2n_psk_free(nint* psk);
    [LibraryImport(Lib)] internal static partial int s2n_psk_set_identity(nint psk, byte* identity, ushort length);
    [LibraryImport(Lib)] internal static partial int s2n_psk_set_secret(nint psk, byte* secret, ushort length);
    [LibraryImport(Lib)] internal static partial int s2n_psk_set_hmac(nint psk, int hmac);
    [LibraryImport(Lib)] internal static partial int s2n_connection_append_psk(nint conn, nint psk);
    [LibraryImport(Lib)] internal static partial int s2n_config_set_psk_mode(nint config, int mode);
    [LibraryImport(Lib)] internal static partial int s2n_connection_set_psk_mode(nint conn, int mode);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_negotiated_psk_identity_length(nint conn, ushort* length);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_negotiated_psk_identity(nint conn, byte* identity, ushort maxLength);
}
