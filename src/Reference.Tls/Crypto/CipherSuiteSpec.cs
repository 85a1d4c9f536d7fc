using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Reference.Tls.Crypto;

/// <summary>The AEAD behind a TLS 1.3 cipher suite.</summary>
internal enum AeadAlgorithm
{
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,
}

/// <summary>
/// The parameters of one TLS 1.3 cipher suite (RFC 8446 §B.4): its AEAD, key length and HKDF hash.
/// A closed set of three immutable instances, so suites compare by reference.
/// </summary>
internal sealed class CipherSuiteSpec
{
    /// <summary>Every TLS 1.3 suite uses a 12-byte per-record nonce (RFC 8446 §5.3, iv_length).</summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.3
    //# An AEAD algorithm where N_MAX is less than 8 bytes
    //# MUST NOT be used with TLS.
    public const int IvLength = 12;

    public static readonly CipherSuiteSpec Aes128GcmSha256 =
        new(CipherSuite.TlsAes128GcmSha256, AeadAlgorithm.Aes128Gcm, HashAlgorithmName.SHA256, 32, 16);

    public static readonly CipherSuiteSpec Aes256GcmSha384 =
        new(CipherSuite.TlsAes256GcmSha384, AeadAlgorithm.Aes256Gcm, HashAlgorithmName.SHA384, 48, 32);

    public static readonly CipherSuiteSpec ChaCha20Poly1305Sha256 =
        new(CipherSuite.TlsChacha20Poly1305Sha256, AeadAlgorithm.ChaCha20Poly1305, HashAlgorithmName.SHA256, 32, 32);

    // The only AEADs the engine can use: AES-GCM and ChaCha20-Poly1305 add a 16-byte tag and nothing else.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
    //# An AEAD algorithm used in TLS 1.3 MUST NOT produce an expansion
    //# greater than 255 octets.
    private static readonly CipherSuiteSpec[] Suites = [Aes128GcmSha256, Aes256GcmSha384, ChaCha20Poly1305Sha256];

    private CipherSuiteSpec(CipherSuite id, AeadAlgorithm aead, HashAlgorithmName hash, int hashLength, int keyLength)
    {
        Id = id;
        Aead = aead;
        Hash = hash;
        HashLength = hashLength;
        KeyLength = keyLength;
    }

    public CipherSuite Id { get; }

    public AeadAlgorithm Aead { get; }

    public HashAlgorithmName Hash { get; }

    public int HashLength { get; }

    public int KeyLength { get; }

    public static IReadOnlyList<CipherSuiteSpec> All => Suites;

    /// <summary>The spec of a known suite; an unknown value is a caller bug (configuration is validated earlier).</summary>
    public static CipherSuiteSpec Get(CipherSuite id) =>
        TryGet((ushort)id, out var spec) ? spec : throw TlsErrors.Usage($"cipher suite 0x{(ushort)id:x4} is not a TLS 1.3 suite");

    /// <summary>Looks up a suite by its wire value; false for anything that is not one of the three TLS 1.3 suites.</summary>
    // Only these three suites can ever be negotiated: no RC4, NULL, EXPORT, DES or 3DES suite has a spec.
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //# Implementations MUST NOT offer or
    //# negotiate RC4 cipher suites for any version of TLS for any reason.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //# Ciphers with a strength less than 112 bits MUST NOT be offered or
    //# negotiated for any version of TLS for any reason.
    public static bool TryGet(ushort wireValue, [NotNullWhen(true)] out CipherSuiteSpec? spec)
    {
        foreach (var s in Suites)
        {
            if ((ushort)s.Id == wireValue)
            {
                spec = s;
                return true;
            }
        }

        spec = null;
        return false;
    }

    public override string ToString() => Id.ToString();
}
