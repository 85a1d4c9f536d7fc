namespace Reference.Tls.Crypto;

/// <summary>
/// One ephemeral (EC)DHE key pair for a key_share entry (RFC 8446 §4.2.8). X25519 comes from
/// libsodium through Geralt (.NET has none); P-256 and P-384 from .NET's <see cref="System.Security.Cryptography.ECDiffieHellman"/>.
/// Dispose zeroes the private key.
/// </summary>
internal abstract class KeyShare : IDisposable
{
    private protected KeyShare(NamedGroup group) => Group = group;

    public NamedGroup Group { get; }

    /// <summary>The key_exchange bytes: 32 for x25519, uncompressed 0x04||X||Y (65 / 97) for ECDHE.</summary>
    public abstract byte[] PublicKey { get; }

    public static bool IsSupported(NamedGroup group) =>
        group is NamedGroup.X25519 or NamedGroup.Secp256r1 or NamedGroup.Secp384r1 or NamedGroup.Secp521r1 || MlKemKeyShare.IsSupported(group);

    /// <summary>True for groups whose key exchange includes ML-KEM (s2n's "KEM groups", preferred over curves).</summary>
    public static bool IsKem(NamedGroup group) => MlKemKeyShare.IsSupported(group);

    /// <summary>
    /// Server side of a key exchange: our key_exchange answer to the client's share and the shared secret.
    /// For (EC)DHE that is a fresh key pair; for ML-KEM groups, a ciphertext encapsulated to the client's key.
    /// </summary>
    public static (byte[] ServerShare, byte[] Secret) Respond(NamedGroup group, ReadOnlySpan<byte> clientShare, DeterministicRandom? random = null)
    {
        if (IsKem(group))
        {
            return MlKemKeyShare.Encapsulate(group, clientShare, random);
        }

        using var share = Generate(group, random);
        var secret = share.DeriveSharedSecret(clientShare);
        return (share.PublicKey, secret);
    }

    /// <summary>A fresh key pair for <paramref name="group"/>; an unsupported group is a caller bug.</summary>
    public static KeyShare Generate(NamedGroup group, DeterministicRandom? random = null) => group switch
    {
        NamedGroup.X25519 => X25519KeyShare.CreateRandom(random),
        NamedGroup.Secp256r1 or NamedGroup.Secp384r1 or NamedGroup.Secp521r1 => EcdhKeyShare.Create(group, random),
        _ when MlKemKeyShare.IsSupported(group) => MlKemKeyShare.Create(group, random),
        _ => throw TlsErrors.Usage($"named group 0x{(ushort)group:x4} is not supported for key exchange"),
    };

    /// <summary>Test hook: an X25519 share with a fixed private key (RFC 8448 vectors).</summary>
    internal static KeyShare X25519FromPrivate(ReadOnlySpan<byte> privateKey) => X25519KeyShare.FromPrivate(privateKey);

    /// <summary>
    /// The (EC)DHE shared secret with the peer's key_exchange bytes. Malformed or invalid peer keys
    /// throw illegal_parameter, as does an all-zero x25519 result.
    /// </summary>
    public abstract byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
