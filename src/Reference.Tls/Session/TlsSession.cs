using System.Security.Cryptography;

namespace Reference.Tls;

/// <summary>
/// A pre-shared key a client can offer: a session ticket received from a server (resumption), or a key
/// agreed out of band (<see cref="External"/>). Holds secret material: keep it as you would a private key.
/// </summary>
public sealed partial class TlsSession
{
    private TlsSession(byte[] identity, byte[] secret, CipherSuite suite, bool resumption)
    {
        Identity = identity;
        Secret = secret;
        CipherSuite = suite;
        IsResumption = resumption;
    }

    /// <summary>The suite the PSK is bound to; only a suite with the same hash can use it.</summary>
    public CipherSuite CipherSuite { get; }

    /// <summary>The server name the ticket was issued for (resumption only).</summary>
    public string? ServerName { get; private init; }

    /// <summary>When the ticket was received (resumption only), by the connection's clock.</summary>
    public DateTime ReceivedAt { get; private init; }

    /// <summary>How long the server lets the ticket be used.</summary>
    public TimeSpan Lifetime { get; private init; } = TimeSpan.MaxValue;

    /// <summary>
    /// The most 0-RTT bytes this PSK may carry: the ticket's early_data max_early_data_size (RFC 8446
    /// §4.6.1), or what both peers configured for an external PSK; 0 means no early data.
    /// </summary>
    public uint MaxEarlyDataSize { get; private init; }

    /// <summary>Server: the ALPN protocol the ticket's session negotiated (0-RTT needs the same one).</summary>
    internal string? ApplicationProtocol { get; private init; }

    /// <summary>Server: when the ticket was issued, by the server's clock (ticket age check).</summary>
    internal DateTime IssuedAt { get; private init; }

    /// <summary>
    /// Server: when the session this ticket descends from was established by a full handshake (RFC 8446
    /// §4.6.1 total lifetime of the keying material); tickets issued on resumed connections keep it.
    /// </summary>
    internal DateTime AuthenticatedAt { get; private init; }

    internal byte[] Identity { get; }

    internal byte[] Secret { get; }

    internal bool IsResumption { get; }

    internal uint AgeAdd { get; private init; }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //# For externally established PSKs, the Hash algorithm MUST be set when
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
    //# When PSKs are provisioned out of band, the PSK identity and the KDF hash
    //# algorithm to be used with the PSK MUST also be provisioned.
    /// <summary>
    /// An externally established PSK (RFC 8446 §4.2.11): both peers configure the same identity and
    /// secret; its hash is the suite's (SHA-256 unless a SHA-384 suite is named).
    /// </summary>
    /// <param name="identity">The PSK identity both peers know it by (1 to 65535 bytes).</param>
    /// <param name="secret">The shared secret.</param>
    /// <param name="suite">The suite whose hash the PSK is bound to.</param>
    /// <param name="maxEarlyDataSize">
    /// The most 0-RTT bytes the PSK may carry (s2n's s2n_psk_configure_early_data); 0 for none. Early data
    /// with an external PSK uses exactly <paramref name="suite"/>, no ALPN, and both peers must allow it.
    /// </param>
    public static TlsSession External(ReadOnlySpan<byte> identity, ReadOnlySpan<byte> secret, CipherSuite suite = CipherSuite.TlsAes128GcmSha256, uint maxEarlyDataSize = 0)
    {
        if (identity.IsEmpty || identity.Length > ushort.MaxValue || secret.IsEmpty)
        {
            throw TlsErrors.Usage("an external PSK needs a non-empty identity (at most 65535 bytes) and secret");
        }

        Crypto.CipherSuiteSpec.Get(suite);
        return new TlsSession(identity.ToArray(), secret.ToArray(), suite, resumption: false) { MaxEarlyDataSize = maxEarlyDataSize };
    }

    internal static TlsSession FromTicket(byte[] ticket, byte[] psk, CipherSuite suite, uint ageAdd, TimeSpan lifetime, DateTime receivedAt, string? serverName, uint maxEarlyDataSize = 0) =>
        new(ticket, psk, suite, resumption: true) { AgeAdd = ageAdd, Lifetime = lifetime, ReceivedAt = receivedAt, ServerName = serverName, MaxEarlyDataSize = maxEarlyDataSize };

    /// <summary>Server: a session opened from one of our sealed tickets.</summary>
    internal static TlsSession FromSealedTicket(byte[] ticket, Session.TicketState state, CipherSuite suite) =>
        new(ticket, state.Psk, suite, resumption: true)
        {
            AgeAdd = state.AgeAdd,
            Lifetime = TimeSpan.FromSeconds(state.LifetimeSeconds),
            IssuedAt = DateTime.UnixEpoch.AddMilliseconds(state.IssuedAtMs),
            AuthenticatedAt = DateTime.UnixEpoch.AddMilliseconds(state.AuthenticatedAtMs),
            ReceivedAt = DateTime.UnixEpoch.AddMilliseconds(state.IssuedAtMs),
            MaxEarlyDataSize = state.MaxEarlyDataSize,
            ApplicationProtocol = state.ApplicationProtocol,
        };

    /// <summary>The obfuscated_ticket_age to send now (RFC 8446 §4.2.11.1); 0 for external PSKs.</summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //# For identities established externally, an obfuscated_ticket_age of 0
    //# SHOULD be used, and servers MUST ignore the value.
    internal uint ObfuscatedAge(DateTime now) =>
        IsResumption ? unchecked((uint)Math.Max(0, (now - ReceivedAt).TotalMilliseconds) + AgeAdd) : 0;

    internal bool IsExpired(DateTime now) => IsResumption && now - ReceivedAt > Lifetime;

    /// <summary>Overwrites the secret: the session can no longer be used.</summary>
    public void Forget() => CryptographicOperations.ZeroMemory(Secret);
}
