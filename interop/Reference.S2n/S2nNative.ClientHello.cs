using System.Runtime.InteropServices;

namespace Reference.S2n;

/// <summary>
/// The ClientHello inspection entry points of api/s2n.h (s2n_client_hello_parse_message and the
/// s2n_client_hello_get_* getters), used by the differential tests against our parser.
/// </summary>
internal static unsafe partial class S2nNative
{
    [LibraryImport(Lib)] internal static partial nint s2n_client_hello_parse_message(byte* bytes, uint size);
    [LibraryImport(Lib)] internal static partial int s2n_client_hello_free(nint* ch);
    [LibraryImport(Lib)] internal static partial nint s2n_client_hello_get_cipher_suites_length(nint ch);
    [LibraryImport(Lib)] internal static partial nint s2n_client_hello_get_cipher_suites(nint ch, byte* output, uint maxLength);
    [LibraryImport(Lib)] internal static partial nint s2n_client_hello_get_extensions_length(nint ch);
    [LibraryImport(Lib)] internal static partial nint s2n_client_hello_get_extensions(nint ch, byte* output, uint maxLength);
    [LibraryImport(Lib)] internal static partial int s2n_client_hello_get_session_id_length(nint ch, uint* length);
    [LibraryImport(Lib)] internal static partial int s2n_client_hello_get_session_id(nint ch, byte* output, uint* outLength, uint maxLength);
    [LibraryImport(Lib)] internal static partial int s2n_client_hello_get_server_name_length(nint ch, ushort* length);
    [LibraryImport(Lib)] internal static partial int s2n_client_hello_get_server_name(nint ch, byte* output, ushort length, ushort* outLength);
    [LibraryImport(Lib)] internal static partial int s2n_client_hello_get_legacy_protocol_version(nint ch, byte* version);
    [LibraryImport(Lib)] internal static partial int s2n_client_hello_get_compression_methods_length(nint ch, uint* length);
}
