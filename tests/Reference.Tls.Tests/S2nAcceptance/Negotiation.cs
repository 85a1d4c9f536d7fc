using Reference.S2n;

namespace Reference.Tls.Tests.S2nAcceptance;

/// <summary>What one handshake agreed, in C s2n-tls's names, so our view and s2n's compare as strings.</summary>
internal sealed record Negotiation(string Suite, string Group, string Scheme, bool HelloRetry)
{
    public override string ToString() => $"{Suite} {Group} {Scheme}{(HelloRetry ? " HRR" : "")}";

    /// <summary>s2n's view of its finished handshake (server signature scheme, key exchange group).</summary>
    internal static Negotiation FromS2n(S2nConnection c) =>
        new(c.CipherSuite, c.KeyExchangeGroup ?? c.Curve, c.SignatureScheme ?? "none", c.IsHelloRetry);

    /// <summary>Our view of the same handshake.</summary>
    internal static Negotiation FromOurs(ConnectionInfo info) =>
        new(SuiteName(info.CipherSuite), GroupName(info.Group), SchemeName((ushort)info.ServerSignatureScheme), info.HelloRetryRequest);

    internal static string SuiteName(CipherSuite suite) => suite switch
    {
        CipherSuite.TlsAes128GcmSha256 => "TLS_AES_128_GCM_SHA256",
        CipherSuite.TlsAes256GcmSha384 => "TLS_AES_256_GCM_SHA384",
        CipherSuite.TlsChacha20Poly1305Sha256 => "TLS_CHACHA20_POLY1305_SHA256",
        _ => $"0x{(ushort)suite:x4}",
    };

    /// <summary>s2n's names for groups (s2n_connection_get_key_exchange_group).</summary>
    internal static string GroupName(NamedGroup group) => group switch
    {
        NamedGroup.X25519 => "x25519",
        NamedGroup.Secp256r1 => "secp256r1",
        NamedGroup.Secp384r1 => "secp384r1",
        NamedGroup.Secp521r1 => "secp521r1",
        NamedGroup.X25519MlKem768 => "X25519MLKEM768",
        NamedGroup.SecP256r1MlKem768 => "SecP256r1MLKEM768",
        NamedGroup.SecP384r1MlKem1024 => "SecP384r1MLKEM1024",
        NamedGroup.MlKem1024 => "MLKEM1024",
        _ => $"0x{(ushort)group:x4}",
    };

    /// <summary>IANA names, as s2n_connection_get_signature_scheme reports them.</summary>
    internal static string SchemeName(ushort scheme) => scheme switch
    {
        0x0403 => "ecdsa_secp256r1_sha256",
        0x0503 => "ecdsa_secp384r1_sha384",
        0x0603 => "ecdsa_secp521r1_sha512",
        0x0804 => "rsa_pss_rsae_sha256",
        0x0805 => "rsa_pss_rsae_sha384",
        0x0806 => "rsa_pss_rsae_sha512",
        0x0809 => "rsa_pss_pss_sha256",
        0x080a => "rsa_pss_pss_sha384",
        0x080b => "rsa_pss_pss_sha512",
        0x0807 => "ed25519",
        0x0401 => "rsa_pkcs1_sha256",
        0x0501 => "rsa_pkcs1_sha384",
        0x0601 => "rsa_pkcs1_sha512",
        0x0904 => "mldsa44",
        0x0905 => "mldsa65",
        0x0906 => "mldsa87",
        _ => $"0x{scheme:x4}",
    };

    /// <summary>A failed side, briefly: which alert, and whether we sent or received it.</summary>
    internal static string DescribeFailure(Exception? e) => e switch
    {
        null => "ok",
        AggregateException { InnerException: { } inner } => DescribeFailure(inner),
        TlsException { Alert: { } alert } t => $"{(t.AlertFromPeer ? "received" : "sent")} {alert}",
        TlsException t => $"{t.ErrorType}",
        S2nException s => $"{s.ErrorName}{(s.PeerAlert is not null ? $" (peer alert {s.AlertName})" : "")}",
        _ => e.GetType().Name,
    };
}
