namespace Reference.S2n;

/// <summary>TLS 1.3 early data (0-RTT) on a blocking s2n_connection.</summary>
public sealed unsafe partial class S2nConnection
{
    /// <summary>
    /// Client, before <see cref="Negotiate"/> (after <see cref="SetSession"/> or <see cref="AppendExternalPsk"/>):
    /// requests early data and sends as much of <paramref name="data"/> as s2n allows (s2n_send_early_data,
    /// repeated until it succeeds). Returns the bytes sent: fewer than asked when the session's limit is
    /// smaller, 0 when the session allows none or the server rejected early data.
    /// On a blocking transport s2n reads the server's flight before it writes the early data records
    /// (its first s2n_negotiate blocks on reading the ServerHello), so those records still travel under
    /// the early traffic key but after the server answered; <see cref="S2nMemoryConnection"/> sends them
    /// right behind the ClientHello.
    /// </summary>
    public int SendEarlyData(ReadOnlySpan<byte> data)
    {
        fixed (byte* start = data)
        {
            int total = 0;
            while (true)
            {
                nint sent;
                int blocked;
                int result = S2nNative.s2n_send_early_data(Handle, start + total, data.Length - total, &sent, &blocked);
                total += (int)sent;
                if (result == S2nNative.Success)
                    return total;
                ThrowUnlessRetryable("s2n_send_early_data", blocked);
            }
        }
    }

    /// <summary>
    /// Server, before <see cref="Negotiate"/>: accepts early data if the PSK and limits allow it and reads
    /// all of it into <paramref name="buffer"/> (s2n_recv_early_data, repeated until it succeeds); returns
    /// the byte count (0 when the client sent none or it was rejected). Throws if the client sent more than
    /// <paramref name="buffer"/> holds.
    /// </summary>
    public int ReceiveEarlyData(Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            int total = 0;
            while (true)
            {
                nint received;
                int blocked;
                int result = S2nNative.s2n_recv_early_data(Handle, start + total, buffer.Length - total, &received, &blocked);
                total += (int)received;
                if (result == S2nNative.Success)
                    return total;
                if (total == buffer.Length && blocked == S2nNative.BlockedOnEarlyData)
                    throw new InvalidOperationException($"the client sent more than {buffer.Length} bytes of early data");
                ThrowUnlessRetryable("s2n_recv_early_data", blocked);
            }
        }
    }

    /// <summary>s2n_connection_get_early_data_status.</summary>
    public S2nEarlyDataStatus EarlyDataStatus => S2nEarlyData.Status(Handle);

    /// <summary>Early data bytes still allowed (s2n_connection_get_remaining_early_data_size); 0 once rejected or ended.</summary>
    public uint RemainingEarlyDataSize => S2nEarlyData.Remaining(Handle);

    /// <summary>The most early data this connection could ever carry (s2n_connection_get_max_early_data_size).</summary>
    public uint MaxEarlyDataSize => S2nEarlyData.Max(Handle);

    /// <summary>
    /// Server: the early data limit for this connection, overriding the config's
    /// (s2n_connection_set_server_max_early_data_size). It is written into the tickets this connection
    /// issues, and caps what a resumed connection accepts (s2n takes the smaller of this and the ticket's).
    /// </summary>
    public void SetServerMaxEarlyDataSize(uint size) => S2nEarlyData.SetServerMax(Handle, size);

    /// <summary>Server: bytes stored in the tickets this connection issues, shown to the early data callback on resumption.</summary>
    public void SetServerEarlyDataContext(ReadOnlySpan<byte> context) => S2nEarlyData.SetServerContext(Handle, context);
}
