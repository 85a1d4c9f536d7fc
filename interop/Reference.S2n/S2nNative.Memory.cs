using System.Runtime.InteropServices;

namespace Reference.S2n;

/// <summary>Entry points used only by <see cref="S2nMemoryConnection"/> (record size).</summary>
internal static unsafe partial class S2nNative
{
    [LibraryImport(Lib)] internal static partial int s2n_connection_prefer_throughput(nint conn);
}
