using System.Runtime.InteropServices;

namespace Reference.S2n;

/// <summary>Entry points for TLS 1.3 early data (0-RTT) (api/s2n.h, "Early Data").</summary>
internal static unsafe partial class S2nNative
{
    // s2n_blocked_status: the handshake stopped where early data may be sent or must be read.
    internal const int BlockedOnEarlyData = 4;

    [LibraryImport(Lib)] internal static partial int s2n_config_set_server_max_early_data_size(nint config, uint maxEarlyDataSize);
    [LibraryImport(Lib)] internal static partial int s2n_connection_set_server_max_early_data_size(nint conn, uint maxEarlyDataSize);
    [LibraryImport(Lib)] internal static partial int s2n_connection_set_server_early_data_context(nint conn, byte* context, ushort size);
    [LibraryImport(Lib)] internal static partial int s2n_psk_configure_early_data(nint psk, uint maxEarlyDataSize, byte suiteFirst, byte suiteSecond);
    [LibraryImport(Lib)] internal static partial int s2n_psk_set_application_protocol(nint psk, byte* protocol, byte size);
    [LibraryImport(Lib)] internal static partial int s2n_psk_set_early_data_context(nint psk, byte* context, ushort size);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_early_data_status(nint conn, int* status);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_remaining_early_data_size(nint conn, uint* size);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_max_early_data_size(nint conn, uint* size);
    [LibraryImport(Lib)] internal static partial int s2n_send_early_data(nint conn, byte* data, nint length, nint* sent, int* blocked);
    [LibraryImport(Lib)] internal static partial int s2n_recv_early_data(nint conn, byte* data, nint maxLength, nint* received, int* blocked);
    [LibraryImport(Lib)] internal static partial int s2n_config_set_early_data_cb(nint config, delegate* unmanaged<nint, nint, int> callback);
    [LibraryImport(Lib)] internal static partial int s2n_offered_early_data_get_context_length(nint offered, ushort* length);
    [LibraryImport(Lib)] internal static partial int s2n_offered_early_data_get_context(nint offered, byte* context, ushort maxLength);
    [LibraryImport(Lib)] internal static partial int s2n_offered_early_data_accept(nint offered);
    [LibraryImport(Lib)] internal static partial int s2n_offered_early_data_reject(nint offered);
    [LibraryImport(Lib)] internal static partial int s2n_connection_get_config(nint conn, nint* config);
    [LibraryImport(Lib)] internal static partial int s2n_config_set_ctx(nint config, nint ctx);
    [LibraryImport(Lib)] internal static partial int s2n_config_get_ctx(nint config, nint* ctx);
}
