namespace Reference.S2n;

/// <summary>s2n_early_data_status_t: where a connection's early data (0-RTT) stands.</summary>
public enum S2nEarlyDataStatus
{
    /// <summary>Requested and not yet accepted or rejected, or accepted and still being sent or received.</summary>
    InProgress = 0,

    /// <summary>The client did not request early data.</summary>
    NotRequested = 1,

    /// <summary>The client requested early data and the server rejected it (none was received).</summary>
    Rejected = 2,

    /// <summary>All early data was sent and received (the EndOfEarlyData message has passed).</summary>
    End = 3,
}

/// <summary>
/// The early data a client may send with an external PSK (s2n_psk_configure_early_data and
/// s2n_psk_set_application_protocol). s2n only accepts it when the handshake negotiates exactly
/// <paramref name="CipherSuite"/> (whose hash must be the PSK's) and <paramref name="ApplicationProtocol"/>.
/// </summary>
public sealed record S2nPskEarlyData(uint MaxSize, ushort CipherSuite, string? ApplicationProtocol = null);

/// <summary>The early data getters shared by <see cref="S2nConnection"/> and <see cref="S2nMemoryConnection"/>.</summary>
internal static unsafe class S2nEarlyData
{
    internal static S2nEarlyDataStatus Status(nint conn)
    {
        int status;
        S2nConfig.Check(S2nNative.s2n_connection_get_early_data_status(conn, &status), "s2n_connection_get_early_data_status", conn);
        return (S2nEarlyDataStatus)status;
    }

    internal static uint Remaining(nint conn)
    {
        uint size;
        S2nConfig.Check(S2nNative.s2n_connection_get_remaining_early_data_size(conn, &size),
            "s2n_connection_get_remaining_early_data_size", conn);
        return size;
    }

    internal static uint Max(nint conn)
    {
        uint size;
        S2nConfig.Check(S2nNative.s2n_connection_get_max_early_data_size(conn, &size), "s2n_connection_get_max_early_data_size", conn);
        return size;
    }

    internal static void SetServerMax(nint conn, uint size) =>
        S2nConfig.Check(S2nNative.s2n_connection_set_server_max_early_data_size(conn, size),
            "s2n_connection_set_server_max_early_data_size", conn);

    internal static void SetServerContext(nint conn, ReadOnlySpan<byte> context)
    {
        fixed (byte* p = context)
            S2nConfig.Check(S2nNative.s2n_connection_set_server_early_data_context(conn, p, checked((ushort)context.Length)),
                "s2n_connection_set_server_early_data_context", conn);
    }

    /// <summary>Applies <paramref name="earlyData"/> to a PSK made by s2n_external_psk_new.</summary>
    internal static void Configure(nint psk, S2nPskEarlyData earlyData)
    {
        S2nConfig.Check(S2nNative.s2n_psk_configure_early_data(psk, earlyData.MaxSize,
            (byte)(earlyData.CipherSuite >> 8), (byte)earlyData.CipherSuite), "s2n_psk_configure_early_data");
        if (earlyData.ApplicationProtocol is not { } protocol)
            return;
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(protocol);
        fixed (byte* p = bytes)
            S2nConfig.Check(S2nNative.s2n_psk_set_application_protocol(psk, p, checked((byte)bytes.Length)),
                "s2n_psk_set_application_protocol");
    }
}
