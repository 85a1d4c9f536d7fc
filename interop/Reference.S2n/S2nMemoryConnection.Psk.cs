namespace Reference.S2n;

/// <summary>Session tickets, external PSKs and single reads on an in-memory s2n connection.</summary>
public sealed unsafe partial class S2nMemoryConnection
{
    /// <summary>Client: the serialized session of the latest ticket received, or null (see <see cref="S2nConnection.GetSession"/>).</summary>
    public byte[]? GetSession() => S2nPsk.GetSession(Handle);

    /// <summary>Client, before the handshake: offer a saved session (s2n_connection_set_session).</summary>
    public void SetSession(ReadOnlySpan<byte> session) => S2nPsk.SetSession(Handle, session);

    /// <summary>s2n_connection_is_session_resumed.</summary>
    public bool IsSessionResumed => S2nPsk.IsSessionResumed(Handle);

    /// <summary>Before the handshake: use one external PSK (see <see cref="S2nConnection.AppendExternalPsk"/>).</summary>
    public void AppendExternalPsk(ReadOnlySpan<byte> identity, ReadOnlySpan<byte> secret, S2nPskHmac hmac = S2nPskHmac.Sha256,
        S2nPskEarlyData? earlyData = null) =>
        S2nPsk.AppendExternal(Handle, identity, secret, hmac, earlyData);

    /// <summary>The identity of the PSK the server chose, or null.</summary>
    public byte[]? NegotiatedPskIdentity => S2nPsk.NegotiatedIdentity(Handle);

    /// <summary>
    /// One s2n_recv into <paramref name="buffer"/>: the bytes read, 0 when no complete record has been fed
    /// (or after close_notify). Post-handshake messages (NewSessionTicket, KeyUpdate) are processed on the way.
    /// </summary>
    public int Receive(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            int blocked;
            nint read = S2nNative.s2n_recv(Handle, p, buffer.Length, &blocked);
            if (read >= 0)
                return (int)read;
            ThrowUnlessBlocked("s2n_recv");
            return 0;
        }
    }
}
