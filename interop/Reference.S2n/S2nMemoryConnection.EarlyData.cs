namespace Reference.S2n;

/// <summary>
/// TLS 1.3 early data (0-RTT) on an in-memory s2n connection. Its transport never blocks on writes and
/// reports "no input yet" as EAGAIN, so a client's early data records follow its ClientHello at once,
/// before any server byte arrived: 0-RTT as on a real non-blocking socket.
/// </summary>
public sealed unsafe partial class S2nMemoryConnection
{
    /// <summary>
    /// Client, before <see cref="TryNegotiate"/>: one s2n_send_early_data call (it first runs the handshake
    /// as far as it can). <paramref name="sent"/> is how much of <paramref name="data"/> went out. True when
    /// s2n is done with it (all sent, or no more allowed, or rejected); false when it waits for the peer:
    /// feed the peer's bytes and call again with the rest.
    /// </summary>
    public bool TrySendEarlyData(ReadOnlySpan<byte> data, out int sent)
    {
        fixed (byte* p = data)
        {
            nint count;
            int blocked;
            int result = S2nNative.s2n_send_early_data(Handle, p, data.Length, &count, &blocked);
            sent = (int)count;
            if (result == S2nNative.Success)
                return true;
            ThrowUnlessBlocked("s2n_send_early_data");
            return false;
        }
    }

    /// <summary>
    /// Server, before <see cref="TryNegotiate"/>: one s2n_recv_early_data call (it runs the handshake, sending
    /// the server's flight, and reads early data into <paramref name="buffer"/>). True once all early data
    /// has been read (or none will come); false when it waits for more input: feed the client's bytes and
    /// call again with the rest of the buffer. Once called, it must be called until it returns true.
    /// </summary>
    public bool TryReceiveEarlyData(Span<byte> buffer, out int received)
    {
        fixed (byte* p = buffer)
        {
            nint count;
            int blocked;
            int result = S2nNative.s2n_recv_early_data(Handle, p, buffer.Length, &count, &blocked);
            received = (int)count;
            if (result == S2nNative.Success)
                return true;
            ThrowUnlessBlocked("s2n_recv_early_data");
            return false;
        }
    }

    /// <summary>s2n_connection_get_early_data_status.</summary>
    public S2nEarlyDataStatus EarlyDataStatus => S2nEarlyData.Status(Handle);

    /// <summary>Early data bytes still allowed (s2n_connection_get_remaining_early_data_size).</summary>
    public uint RemainingEarlyDataSize => S2nEarlyData.Remaining(Handle);

    /// <summary>The most early data this connection could ever carry (s2n_connection_get_max_early_data_size).</summary>
    public uint MaxEarlyDataSize => S2nEarlyData.Max(Handle);

    /// <summary>Server: this connection's early data limit, overriding the config's (s2n_connection_set_server_max_early_data_size).</summary>
    public void SetServerMaxEarlyDataSize(uint size) => S2nEarlyData.SetServerMax(Handle, size);

    /// <summary>Server: bytes stored in the tickets this connection issues (s2n_connection_set_server_early_data_context).</summary>
    public void SetServerEarlyDataContext(ReadOnlySpan<byte> context) => S2nEarlyData.SetServerContext(Handle, context);
}
