using System.Runtime.InteropServices;

namespace Reference.S2n;

/// <summary>The TLS 1.3 keying material exporter (api/s2n.h).</summary>
internal static unsafe partial class S2nNative
{
    [LibraryImport(Lib)] internal static partial int s2n_connection_tls_exporter(nint conn,
        byte* label, uint labelLength, byte* context, uint contextLength, byte* output, uint outputLength);
}
