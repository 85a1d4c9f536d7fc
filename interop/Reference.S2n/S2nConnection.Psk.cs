namespace Reference.S2n;

/// <summary>Session resumption and external PSKs on an s2n_connection.</summary>
public sealed unsafe partial class S2nConnection
{
    /// <summary>
    /// Client: the serialized session of the most recent ticket received (s2n_connection_get_session),
    /// or null if no ticket has arrived yet. In TLS 1.3 tickets come after the handshake, so read
    /// application data first. The bytes hold the resumption secret: keep them like a key.
    /// </summary>
    public byte[]? GetSession() => S2nPsk.GetSession(Handle);

    /// <summary>Client, before <see cref="Negotiate"/>: offer a session saved by <see cref="GetSession"/> (s2n_connection_set_session).</summary>
    public void SetSession(ReadOnlySpan<byte> session) => S2nPsk.SetSession(Handle, session);

    /// <summary>s2n_connection_is_session_resumed: the handshake was abbreviated (a PSK was accepted).</summary>
    public bool IsSessionResumed => S2nPsk.IsSessionResumed(Handle);

    /// <summary>Server: NewSessionTickets sent on this connection so far (s2n_connection_get_tickets_sent).</summary>
    public int TicketsSent
    {
        get
        {
            ushort count;
            Check(S2nNative.s2n_connection_get_tickets_sent(Handle, &count), "s2n_connection_get_tickets_sent");
            return count;
        }
    }

    /// <summary>
    /// Before <see cref="Negotiate"/>: switches this connection to external PSKs
    /// (s2n_connection_set_psk_mode) and appends one (s2n_external_psk_new, s2n_psk_set_identity,
    /// s2n_psk_set_secret, s2n_psk_set_hmac, s2n_connection_append_psk; s2n keeps a copy).
    /// <paramref name="earlyData"/> lets the PSK carry early data (s2n_psk_configure_early_data): a client
    /// may then send up to its size, a server accepts up to it (for external PSKs this limit replaces the
    /// server's own).
    /// </summary>
    public void AppendExternalPsk(ReadOnlySpan<byte> identity, ReadOnlySpan<byte> secret, S2nPskHmac hmac = S2nPskHmac.Sha256,
        S2nPskEarlyData? earlyData = null) =>
        S2nPsk.AppendExternal(Handle, identity, secret, hmac, earlyData);

    /// <summary>The identity of the PSK the server chose (s2n_connection_get_negotiated_psk_identity); null if none.</summary>
    public byte[]? NegotiatedPskIdentity => S2nPsk.NegotiatedIdentity(Handle);
}
