using System.Security.Cryptography;
using Sodium = Geralt;

namespace Reference.Tls.Crypto;

/// <summary>
/// X25519 (RFC 7748) key share, computed by libsodium (through Geralt): constant-time, and about twice as
/// fast as BouncyCastle's managed code here. The private key always comes from <see cref="TlsRandom"/>, so a
/// <see cref="DeterministicRandom"/> still reproduces every key.
/// </summary>
internal sealed class X25519KeyShare : KeyShare
{
    private const int KeyLength = Sodium.X25519.PrivateKeySize;

    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey;
    private bool _disposed;

    private X25519KeyShare(byte[] privateKey)
        : base(NamedGroup.X25519)
    {
        _privateKey = privateKey;
        _publicKey = new byte[KeyLength];

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.4.2
        //# -  The public key to put into the KeyShareEntry.key_exchange
        //# structure is the result of applying the ECDH scalar multiplication
        //# function to the secret key of appropriate length (into scalar
        //# input) and the standard public basepoint (into u-coordinate point
        //# input).
        // crypto_scalarmult_base clamps the scalar as RFC 7748 §5 says and cannot fail for 32 bytes.
        try
        {
            Sodium.X25519.ComputePublicKey(_publicKey, _privateKey);
        }
        catch (Exception e) when (IsLibraryFailure(e) || e is CryptographicException)
        {
            CryptographicOperations.ZeroMemory(_privateKey);
            throw TlsErrors.Internal("x25519 public key could not be computed (libsodium)", e);
        }
    }

    public override byte[] PublicKey => (byte[])_publicKey.Clone();

    public static X25519KeyShare CreateRandom(DeterministicRandom? random = null)
    {
        // Any 32 random bytes are a valid X25519 secret: the scalar is clamped when it is used (RFC 7748 §5).
        var privateKey = new byte[KeyLength];
        TlsRandom.Fill(random, privateKey);
        return new X25519KeyShare(privateKey);
    }

    public static X25519KeyShare FromPrivate(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeyLength)
        {
            throw TlsErrors.Internal("x25519 private key must be 32 bytes");
        }

        return new X25519KeyShare(privateKey.ToArray());
    }

    public override byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        if (_disposed)
        {
            throw TlsErrors.Internal("key share used after Dispose");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.2
        //# For X25519 and X448, the contents of the public value are the byte
        //# string inputs and outputs of the corresponding functions defined in
        //# [RFC7748]: 32 bytes for X25519 and 56 bytes for X448.
        if (peerPublicKey.Length != KeyLength)
        {
            throw TlsErrors.IllegalParameter("x25519 key_exchange must be 32 bytes");
        }

        var shared = new byte[KeyLength];

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.4.2
        //# For these curves, implementations SHOULD use the approach
        //# specified in [RFC7748] to calculate the Diffie-Hellman shared secret.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.4.2
        //# Implementations MUST check whether the computed Diffie-Hellman shared
        //# secret is the all-zero value and abort if so, as described in
        //# Section 6 of [RFC7748].
        // libsodium refuses the low-order points (exactly the inputs whose result is all zero) and an all-zero
        // result with an exception; the constant-time check after it enforces the rule without relying on that.
        bool accepted = TryScalarMult(shared, peerPublicKey) && !IsAllZero(shared);
        if (!accepted)
        {
            CryptographicOperations.ZeroMemory(shared);
            throw TlsErrors.IllegalParameter("x25519 shared secret is all zero (low-order peer key)");
        }

        return shared;
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_privateKey);
    }

    private bool TryScalarMult(Span<byte> shared, ReadOnlySpan<byte> peerPublicKey)
    {
        try
        {
            Sodium.X25519.ComputeSharedSecret(shared, _privateKey, peerPublicKey);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (Exception e) when (IsLibraryFailure(e))
        {
            throw TlsErrors.Internal("x25519 could not be computed (libsodium)", e);
        }
    }

    /// <summary>The native library is missing or failed to initialise: an environment fault, reported as internal.</summary>
    private static bool IsLibraryFailure(Exception e) =>
        e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or BadImageFormatException or InvalidOperationException;

    private static bool IsAllZero(ReadOnlySpan<byte> value)
    {
        // OR of every byte, no early exit: the time does not depend on where a non-zero byte is.
        int accumulator = 0;
        foreach (byte b in value)
        {
            accumulator |= b;
        }

        return accumulator == 0;
    }
}
