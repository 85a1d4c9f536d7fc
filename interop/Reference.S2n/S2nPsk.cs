namespace Reference.S2n;

/// <summary>Session ticket and external PSK calls shared by <see cref="S2nConnection"/> and <see cref="S2nMemoryConnection"/>.</summary>
internal static unsafe class S2nPsk
{
    internal static byte[]? GetSession(nint conn)
    {
        int length = S2nNative.s2n_connection_get_session_length(conn);
        if (length < 0)
            throw S2nException.FromLastError("s2n_connection_get_session_length", conn);
        if (length == 0)
            return null;
        var session = new byte[length];
        fixed (byte* p = session)
        {
            int copied = S2nNative.s2n_connection_get_session(conn, p, (nuint)session.Length);
            if (copied < 0)
                throw S2nException.FromLastError("s2n_connection_get_session", conn);
            return copied == length ? session : session[..copied];
        }
    }

    internal static void SetSession(nint conn, ReadOnlySpan<byte> session)
    {
        fixed (byte* p = session)
            S2nConfig.Check(S2nNative.s2n_connection_set_session(conn, p, (nuint)session.Length), "s2n_connection_set_session", conn);
    }

    internal static bool IsSessionResumed(nint conn) => S2nNative.s2n_connection_is_session_resumed(conn) == 1;

    internal static void AppendExternal(nint conn, ReadOnlySpan<byte> identity, ReadOnlySpan<byte> secret, S2nPskHmac hmac,
        S2nPskEarlyData? earlyData)
    {
        S2nConfig.Check(S2nNative.s2n_connection_set_psk_mode(conn, S2nNative.PskModeExternal), "s2n_connection_set_psk_mode", conn);
        nint psk = S2nNative.s2n_external_psk_new();
        if (psk == 0)
            throw S2nException.FromLastError("s2n_external_psk_new");
        try
        {
            fixed (byte* id = identity)
                S2nConfig.Check(S2nNative.s2n_psk_set_identity(psk, id, checked((ushort)identity.Length)), "s2n_psk_set_identity");
            fixed (byte* s = secret)
                S2nConfig.Check(S2nNative.s2n_psk_set_secret(psk, s, checked((ushort)secret.Length)), "s2n_psk_set_secret");
            int alg = hmac == S2nPskHmac.Sha384 ? S2nNative.PskHmacSha384 : S2nNative.PskHmacSha256;
            S2nConfig.Check(S2nNative.s2n_psk_set_hmac(psk, alg), "s2n_psk_set_hmac");
            if (earlyData is not null)
                S2nEarlyData.Configure(psk, earlyData);
            S2nConfig.Check(S2nNative.s2n_connection_append_psk(conn, psk), "s2n_connection_append_psk", conn);
        }
        finally
        {
            // s2n_psk_free wipes the secret it holds.
            S2nNative.s2n_psk_free(&psk);
        }
    }

    internal static byte[]? NegotiatedIdentity(nint conn)
    {
        ushort length;
        S2nConfig.Check(S2nNative.s2n_connection_get_negotiated_psk_identity_length(conn, &length),
            "s2n_connection_get_negotiated_psk_identity_length", conn);
        if (length == 0)
            return null;
        var identity = new byte[length];
        fixed (byte* p = identity)
            S2nConfig.Check(S2nNative.s2n_connection_get_negotiated_psk_identity(conn, p, length),
                "s2n_connection_get_negotiated_psk_identity", conn);
        return identity;
    }
}
