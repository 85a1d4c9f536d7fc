using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Reference.Tls.Crypto;

/// <summary>X25519 (RFC 7748) key share, computed by BouncyCastle's constant-time implementation.</summary>
internal sealed class X25519KeyShare : KeyShare
{
    private const int KeyLength = X25519.PointSize;

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
        X25519.GeneratePublicKey(_privateKey, 0, _publicKey, 0);
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

        var peer = peerPublicKey.ToArray();
        var shared = new byte[KeyLength];

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.4.2
        //# Implementations MUST check whether the computed Diffie-Hellman shared
        //# secret is the all-zero value and abort if so, as described in
        //# Section 6 of [RFC7748].
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.4.2
        //# For these curves, implementations SHOULD use the approach
        //# specified in [RFC7748] to calculate the Diffie-Hellman shared secret.
        bool nonZero = X25519.CalculateAgreement(_privateKey, 0, peer, 0, shared, 0);
        if (!nonZero)
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
}
