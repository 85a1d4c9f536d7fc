using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Reference.Tls.Crypto;

/// <summary>
/// ML-KEM key shares, pure or hybrid with an (EC)DH group (draft-ietf-tls-ecdhe-mlkem, as C s2n-tls
/// speaks it): the client's share is an encapsulation key next to a classic public key, the server's
/// a ciphertext next to its classic public key, and the secret is both secrets concatenated in the
/// same order as the shares. ML-KEM comes from BouncyCastle (.NET on OpenSSL 3.0 has none).
/// </summary>
internal sealed class MlKemKeyShare : KeyShare
{
    private readonly Layout _layout;
    private readonly MLKemPrivateKeyParameters _kemPrivate;
    private readonly byte[] _kemPublic;
    private readonly KeyShare? _classic;

    private MlKemKeyShare(NamedGroup group, Layout layout, DeterministicRandom? random)
        : base(group)
    {
        _layout = layout;
        var generator = new MLKemKeyPairGenerator();
        generator.Init(new MLKemKeyGenerationParameters(TlsRandom.AsSecureRandom(random), layout.Kem));
        var pair = generator.GenerateKeyPair();
        _kemPrivate = (MLKemPrivateKeyParameters)pair.Private;
        _kemPublic = ((MLKemPublicKeyParameters)pair.Public).GetEncoded();
        _classic = layout.Classic is { } classic ? Generate(classic, random) : null;
    }

    public static new bool IsSupported(NamedGroup group) => Layout.For(group) is not null;

    public static MlKemKeyShare Create(NamedGroup group, DeterministicRandom? random = null) => new(group, Layout.For(group)!, random);

    public override byte[] PublicKey => _layout.Join(_kemPublic, _classic?.PublicKey ?? []);

    /// <summary>Client side: decapsulates the server's ciphertext and completes the classic exchange.</summary>
    public override byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        var (ciphertext, classicPeer) = _layout.Split(peerPublicKey, _layout.CiphertextLength);
        var decapsulator = new MLKemDecapsulator(_layout.Kem);
        decapsulator.Init(_kemPrivate);
        var kemSecret = new byte[decapsulator.SecretLength];
        decapsulator.Decapsulate(ciphertext, 0, ciphertext.Length, kemSecret, 0, kemSecret.Length);
        var classicSecret = _classic?.DeriveSharedSecret(classicPeer) ?? [];
        return JoinSecrets(_layout, kemSecret, classicSecret);
    }

    /// <summary>Server side: encapsulates to the client's key and answers its classic share.</summary>
    public static (byte[] ServerShare, byte[] Secret) Encapsulate(NamedGroup group, ReadOnlySpan<byte> clientShare, DeterministicRandom? random = null)
    {
        var layout = Layout.For(group) ?? throw TlsErrors.Internal($"{group} is not an ML-KEM group");
        var (encapsulationKey, classicPeer) = layout.Split(clientShare, layout.EncapsulationKeyLength);
        var encapsulator = new MLKemEncapsulator(layout.Kem);
        encapsulator.Init(new ParametersWithRandom(ParseEncapsulationKey(layout.Kem, encapsulationKey), TlsRandom.AsSecureRandom(random)));
        var ciphertext = new byte[encapsulator.EncapsulationLength];
        var kemSecret = new byte[encapsulator.SecretLength];
        encapsulator.Encapsulate(ciphertext, 0, ciphertext.Length, kemSecret, 0, kemSecret.Length);
        if (layout.Classic is not { } classic)
        {
            return (ciphertext, kemSecret);
        }

        using var ours = Generate(classic, random);
        var classicSecret = ours.DeriveSharedSecret(classicPeer);
        return (layout.Join(ciphertext, ours.PublicKey), JoinSecrets(layout, kemSecret, classicSecret));
    }

    private static MLKemPublicKeyParameters ParseEncapsulationKey(MLKemParameters kem, byte[] encoded)
    {
        try
        {
            return MLKemPublicKeyParameters.FromEncoding(kem, encoded);
        }
        catch (ArgumentException)
        {
            throw TlsErrors.IllegalParameter("ML-KEM encapsulation key is malformed");
        }
    }

    private static byte[] JoinSecrets(Layout layout, byte[] kemSecret, byte[] classicSecret)
    {
        var secret = layout.Join(kemSecret, classicSecret);
        CryptographicOperations.ZeroMemory(kemSecret);
        CryptographicOperations.ZeroMemory(classicSecret);
        return secret;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _classic?.Dispose();
        }
    }

    /// <summary>How one group lays out its shares and secret.</summary>
    private sealed record Layout(MLKemParameters Kem, NamedGroup? Classic, int ClassicLength, bool KemFirst, int EncapsulationKeyLength, int CiphertextLength)
    {
        private static readonly Layout MlKem1024 = new(MLKemParameters.ml_kem_1024, null, 0, true, 1568, 1568);
        private static readonly Layout X25519MlKem768 = new(MLKemParameters.ml_kem_768, NamedGroup.X25519, 32, true, 1184, 1088);
        private static readonly Layout P256MlKem768 = new(MLKemParameters.ml_kem_768, NamedGroup.Secp256r1, 65, false, 1184, 1088);
        private static readonly Layout P384MlKem1024 = new(MLKemParameters.ml_kem_1024, NamedGroup.Secp384r1, 97, false, 1568, 1568);

        public static Layout? For(NamedGroup group) => group switch
        {
            NamedGroup.MlKem1024 => MlKem1024,
            NamedGroup.X25519MlKem768 => X25519MlKem768,
            NamedGroup.SecP256r1MlKem768 => P256MlKem768,
            NamedGroup.SecP384r1MlKem1024 => P384MlKem1024,
            _ => null,
        };

        public byte[] Join(ReadOnlySpan<byte> kemPart, ReadOnlySpan<byte> classicPart) =>
            KemFirst ? [.. kemPart, .. classicPart] : [.. classicPart, .. kemPart];

        /// <summary>Splits a peer share into its ML-KEM and classic parts; a wrong length is illegal_parameter.</summary>
        public (byte[] Kem, byte[] Classic) Split(ReadOnlySpan<byte> share, int kemLength)
        {
            // The draft fixes each part's length, so any other total is a malformed share.
            if (share.Length != kemLength + ClassicLength)
            {
                throw TlsErrors.IllegalParameter($"ML-KEM key share of {share.Length} bytes, expected {kemLength + ClassicLength}");
            }

            return KemFirst
                ? (share[..kemLength].ToArray(), share[kemLength..].ToArray())
                : (share[ClassicLength..].ToArray(), share[..ClassicLength].ToArray());
        }
    }
}
