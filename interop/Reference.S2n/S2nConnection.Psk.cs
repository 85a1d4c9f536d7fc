namespace Reference.S2n;

/// <summary>Session resumption and external PSKs on an s2n_connection.</summary>
public sealed unsafe partial class S2nConnection
{
    /// <summary>
    /// Client: the serialized session of the most recent ticket received (s2n_connection_get_session),
    /// or null if no ticket has arrived yet. In TLS 1.3 tickets come after the handshake, so read
    /// application data first. The bytes hold the resumption secret: keep them like a key.
    /// </summary>
    public byte[]? GetSession()
    {
        int length = S2nNative.s2n_connection_get_session_length(Handle);
        if (length < 0)
            throw S2nException.FromLastError("s2n_connection_get_session_length", _conn);
        if (length == 0)
            return null;
        var session = new byte[length];
        fixed (byte* p = session)
        {
            int copied = S2nNative.s2n_connection_get_session(Handle, p, (nuint)session.Length);
            if (copied < 0)
                throw S2nException.FromLastError("s2n_connection_get_session", _conn);
            return copied == length ? session : session[..copied];
        }
    }

    /// <summary>Client, before <see cref="Negotiate"/>: offer a session saved by <see cref="GetSession"/> (s2n_connection_set_session).</summary>
    public void SetSession(ReadOnlySpan<byte> session)
    {
        fixed (byte* p = session)
            Check(S2nNative.s2n_connection_set_session(Handle, p, (nuint)session.Length), "s2n_connection_set_session");
    }

    /// <summary>s2n_connection_is_session_resumed: the handshake was abbreviated (a PSK was accepted).</summary>
    public bool IsSessionResumed => S2nNative.s2n_connection_is_session_resumed(Handle) == 1;

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
    /// </summary>
    public void AppendExternalPsk(ReadOnlySpan<byte> identity, ReadOnlySpan<byte> secret, S2nPskHmac hmac = S2nPskHmac.Sha256)
    {
        Check(S2nNative.s2n_connection_set_psk_mode(Handle, S2nNative.PskModeExternal), "s2n_connection_set_psk_mode");
        nint psk = S2nNative.s2n_external_psk_new();
        if (psk == 0)
            throw S2nException.FromLastError("s2n_external_psk_new");
        try
        {
            fixed (byte* id = identity)
                Check(S2nNative.s2n_psk_set_identity(psk, id, checked((ushort)identity.Length)), "s2n_psk_set_identity");
            fixed (byte* s = secret)
                Check(S2nNative.s2n_psk_set_secret(psk, s, checked((ushort)secret.Length)), "s2n_psk_set_secret");
            int alg = hmac == S2nPskHmac.Sha384 ? S2nNative.PskHmacSha384 : S2nNative.PskHmacSha256;
            Check(S2nNative.s2n_psk_set_hmac(psk, alg), "s2n_psk_set_hmac");
            Check(S2nNative.s2n_connection_append_psk(Handle, psk), "s2n_connection_append_psk");
        }
        finally
        {
            // s2n_psk_free wipes the secret it holds.
            S2nNative.s2n_psk_free(&psk);
        }
    }

    /// <summary>The identity of the PSK the server chose (s2n_connection_get_negotiated_psk_identity); null if none.</summary>
    public byte[]? NegotiatedPskIdentity
    {
        get
        {
            ushort length;
            Check(S2nNative.s2n_connection_get_negotiated_psk_identity_length(Handle, &length),
                "s2n_connection_get_negotiated_psk_identity_length");
            if (length == 0)
                return null;
            var identity = new byte[length];
            fixed (byte* p = identity)
                Check(S2nNative.s2n_connection_get_negotiated_psk_identity(Handle, p, length),
                    "s2n_connection_get_negotiated_psk_identity");
            return identity;
        }
    }
}
