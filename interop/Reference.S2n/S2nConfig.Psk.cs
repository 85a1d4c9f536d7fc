namespace Reference.S2n;

/// <summary>Which hash an external PSK's key schedule and binder use (s2n_psk_hmac).</summary>
public enum S2nPskHmac
{
    Sha256,
    Sha384,
}

/// <summary>Session tickets and PSK mode on an s2n_config.</summary>
public sealed unsafe partial class S2nConfig
{
    /// <summary>
    /// s2n_config_set_session_tickets_onoff: a server issues and accepts tickets (it also needs a
    /// ticket key); a client keeps the NewSessionTickets it receives and can resume from them.
    /// </summary>
    public void EnableSessionTickets(bool enabled = true) =>
        Check(S2nNative.s2n_config_set_session_tickets_onoff(Handle, enabled ? (byte)1 : (byte)0),
            "s2n_config_set_session_tickets_onoff");

    /// <summary>
    /// Server: adds a ticket encryption key (s2n_config_add_ticket_crypto_key). <paramref name="name"/>
    /// (at most 16 bytes) identifies the key inside each ticket; <paramref name="introduced"/> null means now.
    /// </summary>
    public void AddTicketKey(ReadOnlySpan<byte> name, ReadOnlySpan<byte> key, DateTimeOffset? introduced = null)
    {
        // s2n only reads the key, but its prototype takes a mutable pointer: hand it a copy.
        byte[] keyCopy = key.ToArray();
        try
        {
            ulong intro = introduced is { } t ? (ulong)t.ToUnixTimeSeconds() : 0;
            fixed (byte* n = name)
            fixed (byte* k = keyCopy)
                Check(S2nNative.s2n_config_add_ticket_crypto_key(Handle, n, (uint)name.Length, k, (uint)keyCopy.Length, intro),
                    "s2n_config_add_ticket_crypto_key");
        }
        finally
        {
            Array.Clear(keyCopy);
        }
    }

    /// <summary>Server: how many NewSessionTickets each TLS 1.3 handshake sends (s2n_config_set_initial_ticket_count).</summary>
    public void SetInitialTicketCount(byte count) =>
        Check(S2nNative.s2n_config_set_initial_ticket_count(Handle, count), "s2n_config_set_initial_ticket_count");

    /// <summary>
    /// s2n_config_set_psk_mode: external (PSKs appended with <see cref="S2nConnection.AppendExternalPsk"/>)
    /// or resumption (session tickets, the default).
    /// </summary>
    public void SetPskModeExternal(bool external = true) =>
        Check(S2nNative.s2n_config_set_psk_mode(Handle, external ? S2nNative.PskModeExternal : S2nNative.PskModeResumption),
            "s2n_config_set_psk_mode");
}
