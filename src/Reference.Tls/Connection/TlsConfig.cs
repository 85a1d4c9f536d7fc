namespace Reference.Tls;

/// <summary>How a server treats client certificates (s2n's S2N_CERT_AUTH_NONE / OPTIONAL / REQUIRED).</summary>
public enum ClientAuthMode
{
    /// <summary>The server does not ask for a client certificate.</summary>
    None,
    /// <summary>The server asks for one and verifies it if the client sends one.</summary>
    Optional,
    /// <summary>The server asks for one and fails the handshake without a valid one.</summary>
    Required,
}

/// <summary>
/// Immutable settings shared by many connections. Defaults are safe: TLS 1.3 only, s2n's default TLS 1.3
/// preference lists, certificate verification on.
/// </summary>
public sealed record TlsConfig
{
    /// <summary>
    /// A configuration with the preference lists of C s2n-tls's security policy <paramref name="policyName"/>
    /// (e.g. "default_tls13", "20190801"); our ClientHello then matches s2n's for that policy. Add a
    /// certificate or trust store with a <c>with</c> expression.
    /// </summary>
    public static TlsConfig FromPolicy(string policyName) => FromPolicy(SecurityPolicies.Get(policyName));

    /// <summary>Settings that take <paramref name="policy"/>'s suites, groups and signature schemes.</summary>
    public static TlsConfig FromPolicy(SecurityPolicy policy) => new()
    {
        Policy = policy,
        CipherSuites = policy.Tls13CipherSuites,
        Groups = policy.Groups,
        SignatureSchemes = policy.SignatureSchemes.Select(s => (SignatureScheme)s).ToList(),
    };

    /// <summary>The s2n policy this configuration follows, if any (shapes the ClientHello like s2n's).</summary>
    public SecurityPolicy? Policy { get; init; }

    /// <summary>
    /// Cipher suites in preference order (a server picks by its own order, as s2n does). With a
    /// <see cref="Policy"/>, a subset of the policy's TLS 1.3 suites (anything else is a usage error).
    /// </summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.1
    //# A TLS-compliant application MUST implement the TLS_AES_128_GCM_SHA256
    //# [GCM] cipher suite and SHOULD implement the TLS_AES_256_GCM_SHA384
    //# [GCM] and TLS_CHACHA20_POLY1305_SHA256 [RFC8439] cipher suites (see
    //# Appendix B.4).
    public IReadOnlyList<CipherSuite> CipherSuites { get; init; } =
        [CipherSuite.TlsAes128GcmSha256, CipherSuite.TlsAes256GcmSha384, CipherSuite.TlsChacha20Poly1305Sha256];

    /// <summary>Key exchange groups in preference order; a client sends a key share for the first.</summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.1
    //# A
    //# TLS-compliant application MUST support key exchange with secp256r1
    //# (NIST P-256) and SHOULD support key exchange with X25519 [RFC7748].
    public IReadOnlyList<NamedGroup> Groups { get; init; } =
        [NamedGroup.X25519, NamedGroup.Secp256r1, NamedGroup.Secp384r1];

    /// <summary>
    /// Signature schemes accepted from the peer and offered, in preference order. The RSASSA-PKCS1-v1_5 schemes
    /// are listed (last) as s2n's policies list them: they are what most CA-issued certificates are signed with,
    /// and the certificate signatures are checked against this list; they are never used or accepted in
    /// CertificateVerify (RFC 8446 §4.4.3).
    /// </summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.1
    //# A TLS-compliant application MUST support digital signatures with
    //# rsa_pkcs1_sha256 (for certificates), rsa_pss_rsae_sha256 (for
    //# CertificateVerify and certificates), and ecdsa_secp256r1_sha256.
    public IReadOnlyList<SignatureScheme> SignatureSchemes { get; init; } =
    [
        SignatureScheme.EcdsaSecp256r1Sha256, SignatureScheme.EcdsaSecp384r1Sha384,
        SignatureScheme.RsaPssRsaeSha256, SignatureScheme.RsaPssRsaeSha384, SignatureScheme.RsaPssRsaeSha512,
        SignatureScheme.Ed25519,
        SignatureScheme.RsaPkcs1Sha256, SignatureScheme.RsaPkcs1Sha384, SignatureScheme.RsaPkcs1Sha512,
    ];

    /// <summary>
    /// Our certificate chain and key: required for a server (unless <see cref="Certificates"/> is set), used by a
    /// client for mutual TLS. The one-chain shorthand of <see cref="Certificates"/>; set one or the other.
    /// </summary>
    public CertificateKeyPair? Certificate { get; init; }

    /// <summary>
    /// Several chains (e.g. an ECDSA and an RSA one, or one per host name), chosen per handshake. A server takes,
    /// among the chains whose leaf names the client's server_name (all chains when none does), the first in this
    /// order whose key can sign with a scheme the client offered, preferring one whose certificates are signed
    /// with schemes the client advertised and, if the client listed certificate_authorities, one issued by a listed
    /// CA (RFC 8446 §4.4.2.2, §4.2.4). A client answers a CertificateRequest the same way (§4.4.2.3).
    /// </summary>
    public IReadOnlyList<CertificateKeyPair> Certificates { get; init; } = [];

    /// <summary>The configured chains: <see cref="Certificates"/>, or <see cref="Certificate"/> alone.</summary>
    internal IReadOnlyList<CertificateKeyPair> OwnCertificates =>
        Certificates is { Count: > 0 } ? Certificates : Certificate is { } one ? [one] : [];

    /// <summary>Roots that the peer's chain must lead to. Required unless verification is disabled.</summary>
    public TrustStore? TrustStore { get; init; }

    /// <summary>
    /// Accept any peer certificate without checking chain or host name. For tests only: a connection made
    /// this way is not authenticated.
    /// </summary>
    public bool DangerousDisableCertificateVerification { get; init; }

    /// <summary>Server: whether to request a client certificate.</summary>
    public ClientAuthMode ClientAuth { get; init; } = ClientAuthMode.None;

    /// <summary>Server: list the trust store's root names in CertificateRequest.certificate_authorities.</summary>
    public bool SendCertificateAuthorities { get; init; }

    /// <summary>
    /// Server: include a cookie in HelloRetryRequest and require it back (RFC 8446 §4.2.2). C s2n-tls
    /// never sends one; off by default.
    /// </summary>
    public bool SendHelloRetryCookie { get; init; }

    /// <summary>ALPN protocol names in preference order.</summary>
    public IReadOnlyList<string> ApplicationProtocols { get; init; } = [];

    /// <summary>Send a 32-byte legacy_session_id and dummy change_cipher_spec records (RFC 8446 D.4), as s2n does.</summary>
    public bool MiddleboxCompatibility { get; init; } = true;

    /// <summary>
    /// Receives NSS key log lines (SSLKEYLOGFILE format) carrying traffic secrets. Anyone holding these
    /// lines can decrypt the connection: set only for debugging.
    /// </summary>
    public Action<string>? KeyLogCallback { get; init; }

    /// <summary>
    /// Server: the 32-byte AES-256-GCM key that seals session tickets. When set, the server issues
    /// <see cref="SessionTicketCount"/> tickets after each handshake and resumes sessions from them
    /// (RFC 8446 §4.6.1, §2.2). Keep it secret and rotate it: anyone holding it can decrypt resumed sessions.
    /// </summary>
    public byte[]? SessionTicketKey { get; init; }

    /// <summary>Server: how many NewSessionTicket messages to send after a handshake (s2n's initial ticket count).</summary>
    public int SessionTicketCount { get; init; } = 1;

    /// <summary>Server: how long a ticket may be used (at most 7 days, RFC 8446 §4.6.1).</summary>
    public TimeSpan SessionTicketLifetime { get; init; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Server: how long a session may be resumed in all, counted from the full handshake that established it
    /// (RFC 8446 §4.6.1): tickets issued on resumed connections expire no later, and a ticket of an older
    /// session is refused (a full handshake follows). s2n's server_keying_material_lifetime; 7 days by default.
    /// </summary>
    public TimeSpan SessionLifetimeLimit { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Server: the most 0-RTT (early data) bytes accepted on one connection, and the max_early_data_size
    /// advertised in NewSessionTicket (RFC 8446 §4.6.1). 0 (the default) never accepts early data. Early
    /// data can be replayed (RFC 8446 §8): read it with <see cref="TlsConnection.ReadEarlyData"/> only for
    /// requests that are safe to repeat.
    /// </summary>
    public uint MaxEarlyDataSize { get; init; }

    /// <summary>
    /// Client: offer 0-RTT (the early_data extension, then <see cref="TlsConnection.WriteEarlyData"/>) when the
    /// first PSK offered allows it. Off by default: early data can be replayed, so the application must ask for it.
    /// </summary>
    public bool OfferEarlyData { get; init; }

    /// <summary>
    /// Server: 0-RTT is rejected (the handshake falls back to 1-RTT) when the client's view of the ticket's
    /// age differs from ours by more than this (RFC 8446 §4.2.10, §8.3 freshness check).
    /// </summary>
    public TimeSpan EarlyDataTicketAgeTolerance { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Server: the anti-replay record of accepted 0-RTT ClientHellos (RFC 8446 §8.2), kept for twice
    /// <see cref="EarlyDataTicketAgeTolerance"/>. Each new configuration gets its own; give every server
    /// instance one shared filter. Null accepts 0-RTT replays within the freshness window: only for tests.
    /// </summary>
    public EarlyDataReplayFilter? EarlyDataReplayFilter { get; init; } = new();

    /// <summary>
    /// Externally established PSKs (<see cref="TlsSession.External"/>): a client offers them, a server
    /// accepts a ClientHello naming one of them.
    /// </summary>
    public IReadOnlyList<TlsSession> PreSharedKeys { get; init; } = [];

    /// <summary>
    /// Send a KeyUpdate before this many records have been protected under one key. Null (the default)
    /// uses the AEAD's limit as s2n does: 23,726,566 records for AES-GCM (RFC 8446 §5.5), none for
    /// ChaCha20-Poly1305. Lower it to exercise automatic key updates.
    /// </summary>
    public ulong? KeyUpdateRecordLimit { get; init; }

    /// <summary>
    /// Who waits out the blinding delay after a failure the peer caused (s2n's S2N_BUILT_IN_BLINDING /
    /// S2N_SELF_SERVICE_BLINDING). Built-in: <see cref="TlsStream"/> waits before it reports the error.
    /// </summary>
    public BlindingMode Blinding { get; init; } = BlindingMode.BuiltIn;

    /// <summary>The range a blinding delay is drawn from, uniformly (s2n: 10 to 30 seconds).</summary>
    public (TimeSpan Min, TimeSpan Max) BlindingDelayRange { get; init; } = (TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));

    /// <summary>
    /// Where C s2n-tls departs from RFC 8446, behave like s2n instead (each quirk is off by default: the
    /// engine follows the RFC). For differential testing against s2n.
    /// </summary>
    public S2nQuirks S2nQuirks { get; init; } = S2nQuirks.None;

    /// <summary>
    /// DANGEROUS, tests and test oracles only: take every random value (hello randoms, session ids,
    /// cookies, key shares, signature nonces and salts) from this seeded stream instead of the operating
    /// system, so that a handshake with the same seed, configuration and peer bytes is byte-identical on
    /// every run and machine, keys included. Anyone who knows the seed can decrypt the connection. Give
    /// each endpoint its own instance. Null (the default) uses the OS CSPRNG and .NET's crypto.
    /// </summary>
    public DeterministicRandom? DangerousDeterministicRandom { get; init; }

    /// <summary>
    /// DANGEROUS, tests only: the time certificates are validated at, instead of the system clock (with
    /// <see cref="DangerousDeterministicRandom"/>, keeps replays of committed certificates valid forever).
    /// </summary>
    public Func<DateTime>? DangerousClock { get; init; }

    /// <summary>
    /// Tests only: the server accepts early data whenever it accepts a PSK, whether or not the client offered
    /// it or the PSK was the first: lets tests drive the client's checks of a misbehaving server.
    /// </summary>
    internal bool DangerousTestAlwaysAcceptEarlyData { get; init; }

    /// <summary>
    /// Tests only: the client advertises exactly these psk_key_exchange_modes in every ClientHello, whether or
    /// not it offers a PSK: lets tests drive the server's ticket policy for each advertised mode.
    /// </summary>
    internal byte[]? DangerousTestPskKeyExchangeModes { get; init; }

    /// <summary>Observes every handshake transition taken (tests and tracing); never sees secrets.</summary>
    internal Action<StateMachine.Transition>? TransitionObserver { get; init; }

    /// <summary>Server: observes the inputs and outputs of every negotiation (<see cref="Negotiation.ServerNegotiation"/>); tests tie the engine to it.</summary>
    internal Action<Negotiation.NegotiationRecord>? NegotiationObserver { get; init; }

    /// <summary>Observes every handshake message sent or received, by type (diagnostics).</summary>
    public Action<HandshakeMessageEvent>? HandshakeObserver { get; init; }

    internal void Validate(TlsRole role)
    {
        if (CipherSuites.Count == 0 || Groups.Count == 0 || SignatureSchemes.Count == 0)
        {
            throw TlsErrors.Usage("cipher suites, groups and signature schemes must each list at least one entry");
        }

        // A group we cannot compute would be negotiated and then fail: refuse it up front, clearly.
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-B.3.1.4
        //# Values within "obsolete_RESERVED" ranges are used in previous
        //# versions of TLS and MUST NOT be offered or negotiated by TLS 1.3
        //# implementations.
        // Obsolete groups are not implemented, so they can be neither offered nor (by a server) negotiated;
        // a client refuses a ServerHello or HelloRetryRequest for a group it did not offer.
        foreach (var group in Groups)
        {
            if (!Crypto.KeyShare.IsSupported(group))
            {
                throw TlsErrors.Usage($"named group 0x{(ushort)group:x4} is not supported by this engine");
            }
        }

        ValidatePolicyNarrowing();
        ValidateCertificates(role);

        if (SessionTicketKey is { Length: not 32 })
        {
            throw TlsErrors.Usage("SessionTicketKey must be 32 bytes (AES-256-GCM)");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# Servers MUST NOT use any value greater than
        //# 604800 seconds (7 days).
        if (SessionTicketLifetime <= TimeSpan.Zero || SessionTicketLifetime > TimeSpan.FromDays(7) || SessionTicketCount < 0)
        {
            throw TlsErrors.Usage("SessionTicketLifetime must be in (0, 7 days] and SessionTicketCount >= 0");
        }

        if (SessionLifetimeLimit <= TimeSpan.Zero)
        {
            throw TlsErrors.Usage("SessionLifetimeLimit must be positive");
        }

        if (EarlyDataTicketAgeTolerance < TimeSpan.Zero)
        {
            throw TlsErrors.Usage("EarlyDataTicketAgeTolerance must not be negative");
        }

        if (BlindingDelayRange.Min < TimeSpan.Zero || BlindingDelayRange.Max < BlindingDelayRange.Min)
        {
            throw TlsErrors.Usage("BlindingDelayRange must satisfy 0 <= Min <= Max");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-C.5
        //# If no such mechanism is used, then the connection has no
        //# protection against active man-in-the-middle attack; applications
        //# MUST NOT use TLS in such a way absent explicit configuration or a
        //# specific application profile.
        // A client always authenticates the server (PSK or certificate): without a trust store it is refused
        // unless the application explicitly sets DangerousDisableCertificateVerification.
        bool verifies = role == TlsRole.Client || ClientAuth != ClientAuthMode.None;
        if (verifies && TrustStore is null && !DangerousDisableCertificateVerification)
        {
            throw TlsErrors.Usage("peer certificates must be verified: set TlsConfig.TrustStore (or, for tests only, DangerousDisableCertificateVerification)");
        }
    }

    /// <summary>
    /// With a policy, <see cref="CipherSuites"/> can only narrow (or reorder) the policy's TLS 1.3 suites: the
    /// ClientHello is the policy's wire list, so a suite outside it could never be offered and would be dropped
    /// without a word. Refuse it instead. (Groups and signature schemes are sent as configured, so an
    /// override of those takes effect as it is.)
    /// </summary>
    private void ValidatePolicyNarrowing()
    {
        if (Policy is null)
        {
            return;
        }

        var allowed = Policy.Tls13CipherSuites;
        foreach (var suite in CipherSuites)
        {
            if (!allowed.Contains(suite))
            {
                throw TlsErrors.Usage($"cipher suite {suite} is not in security policy '{Policy.Name}': with a policy, TlsConfig.CipherSuites can only narrow its list (set Policy = null to choose freely)");
            }
        }
    }

    private void ValidateCertificates(TlsRole role)
    {
        if (Certificates is null || Certificates.Any(c => c is null))
        {
            throw TlsErrors.Usage("TlsConfig.Certificates must not be null or hold a null entry");
        }

        // Two ways of naming the chains would leave it unclear which one is meant: refuse the mix.
        if (Certificate is not null && Certificates.Count > 0)
        {
            throw TlsErrors.Usage("set TlsConfig.Certificate (one chain) or TlsConfig.Certificates (several), not both");
        }

        if (role == TlsRole.Server && OwnCertificates.Count == 0)
        {
            throw TlsErrors.Usage("a server needs a certificate (TlsConfig.Certificate or TlsConfig.Certificates)");
        }
    }
}

/// <summary>
/// Blinding hides, from a peer probing with malformed input, how long the engine took to find the error
/// (timing side channels such as Lucky 13), by delaying the failure by a random amount.
/// </summary>
public enum BlindingMode
{
    /// <summary><see cref="TlsStream"/> waits <see cref="TlsConnection.BlindingDelay"/> before sending the alert and throwing.</summary>
    BuiltIn,

    /// <summary>The engine only reports <see cref="TlsConnection.BlindingDelay"/>; the caller must wait it out before closing.</summary>
    SelfService,
}

/// <summary>C s2n-tls behaviours that deviate from RFC 8446, each available as an explicit opt-in.</summary>
[Flags]
public enum S2nQuirks
{
    /// <summary>Follow RFC 8446 everywhere.</summary>
    None = 0,

    /// <summary>Accept a ClientHello with legacy_version 0x0300 or lower (RFC 8446 D.5 requires protocol_version).</summary>
    AcceptSsl3LegacyVersion = 1,

    /// <summary>Ignore bytes after request_update in KeyUpdate (the RFC's framing makes them a decode_error).</summary>
    AcceptKeyUpdateTrailingBytes = 2,

    /// <summary>
    /// Server: when the client offers no signature scheme our certificate can use, sign with our first
    /// usable one instead of failing the handshake.
    /// </summary>
    FallBackToOwnSignatureScheme = 4,

    /// <summary>On a failure, send a warning close_notify instead of the fatal alert the RFC names.</summary>
    CloseNotifyInsteadOfFatalAlert = 8,
}

/// <summary>Where 0-RTT stands on a connection (s2n's s2n_early_data_status_t), set as the handshake learns it.</summary>
public enum EarlyDataStatus
{
    /// <summary>The client did not offer early data.</summary>
    NotRequested,

    /// <summary>The client offered early data; the server's answer is not known yet.</summary>
    Requested,

    /// <summary>The server accepted early data.</summary>
    Accepted,

    /// <summary>The client offered early data and the server did not accept it (the handshake goes on in 1-RTT).</summary>
    Rejected,
}

/// <summary>Which end of the connection this is.</summary>
public enum TlsRole
{
    /// <summary>The end that sends the ClientHello.</summary>
    Client,
    /// <summary>The end that answers it.</summary>
    Server,
}

/// <summary>A handshake message seen on the connection (for diagnostics and the demo's trace).</summary>
public readonly record struct HandshakeMessageEvent(bool Sent, string Message, int Length);

/// <summary>What the handshake negotiated.</summary>
public sealed record ConnectionInfo
{
    /// <summary>The protocol version: always TLS 1.3.</summary>
    public string Version => "TLSv1.3";

    /// <summary>The negotiated cipher suite.</summary>
    public CipherSuite CipherSuite { get; init; }

    /// <summary>The key exchange group of the (EC)DHE or ML-KEM share.</summary>
    public NamedGroup Group { get; init; }

    /// <summary>The scheme the server signed with.</summary>
    public SignatureScheme ServerSignatureScheme { get; init; }

    /// <summary>The scheme the client signed with, when it authenticated.</summary>
    public SignatureScheme? ClientSignatureScheme { get; init; }

    /// <summary>The ALPN protocol both peers agreed on, or null.</summary>
    public string? ApplicationProtocol { get; init; }

    /// <summary>The host name the client sent in server_name, or null.</summary>
    public string? ServerName { get; init; }

    /// <summary>Whether the server asked for another key share (HelloRetryRequest).</summary>
    public bool HelloRetryRequest { get; init; }

    /// <summary>The handshake was authenticated by a pre-shared key (a resumed session or an external PSK).</summary>
    public bool PreSharedKeyAccepted { get; init; }

    /// <summary>The peer's certificate chain (DER, leaf first); empty if it sent none.</summary>
    public IReadOnlyList<byte[]> PeerCertificates { get; init; } = [];
}
