using System.Net.Security;
using Reference.Tls.Certificates;

namespace Reference.Bench;

/// <summary>The three implementations measured side by side.</summary>
internal enum Engine
{
    Ours,
    S2n,
    SslStream,
}

/// <summary>
/// A handshake scenario: the server's certificate and the s2n security policy both sides follow
/// (our engine mirrors s2n's policies, so both send the same ClientHello and pick the same group).
/// </summary>
internal sealed record HandshakeCase(string Name, KeyKind Cert, string Policy, NamedGroup ExpectedGroup)
{
    public static readonly HandshakeCase EcdsaX25519 = new("ECDSA P-256 + X25519", KeyKind.EcdsaP256, "20190801", NamedGroup.X25519);
    public static readonly HandshakeCase EcdsaP256 = new("ECDSA P-256 + secp256r1", KeyKind.EcdsaP256, "default_tls13", NamedGroup.Secp256r1);
    public static readonly HandshakeCase RsaX25519 = new("RSA-2048 + X25519", KeyKind.Rsa2048, "20190801", NamedGroup.X25519);

    public static IReadOnlyList<HandshakeCase> All { get; } = [EcdsaX25519, EcdsaP256, RsaX25519];
}

/// <summary>A bulk-transfer scenario: one AEAD forced on both sides, ECDSA P-256 + X25519 handshake.</summary>
internal sealed record BulkCase(string Name, CipherSuite Suite, TlsCipherSuite DotNetSuite)
{
    public static readonly BulkCase Aes128 = new("AES-128-GCM", CipherSuite.TlsAes128GcmSha256, TlsCipherSuite.TLS_AES_128_GCM_SHA256);
    public static readonly BulkCase Aes256 = new("AES-256-GCM", CipherSuite.TlsAes256GcmSha384, TlsCipherSuite.TLS_AES_256_GCM_SHA384);
    public static readonly BulkCase ChaCha = new("ChaCha20-Poly1305", CipherSuite.TlsChacha20Poly1305Sha256, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256);

    public static IReadOnlyList<BulkCase> All { get; } = [Aes128, Aes256, ChaCha];

    /// <summary>The s2n policy of the s2n side: it offers all three TLS 1.3 suites.</summary>
    public const string S2nPolicy = "20190801";

    /// <summary>Plaintext bytes per write (one full record).</summary>
    public const int WriteSize = 16 * 1024;
}

/// <summary>Throwaway certificates, one PKI per key kind, generated once per process.</summary>
internal static class Pki
{
    private static readonly Dictionary<KeyKind, GeneratedPki> Cache = [];

    public static GeneratedPki Get(KeyKind kind)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(kind, out var pki))
            {
                pki = CertificateGenerator.Generate(kind, "localhost");
                Cache[kind] = pki;
            }
            return pki;
        }
    }
}
