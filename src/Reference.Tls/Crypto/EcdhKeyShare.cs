using System.Numerics;
using System.Security.Cryptography;

namespace Reference.Tls.Crypto;

/// <summary>secp256r1 / secp384r1 ECDHE key share on .NET's <see cref="ECDiffieHellman"/>.</summary>
internal sealed class EcdhKeyShare : KeyShare
{
    private const byte UncompressedForm = 0x04;

    private readonly ECDiffieHellman _key;
    private readonly CurveInfo _curve;
    private readonly byte[] _publicKey;
    private bool _disposed;

    private EcdhKeyShare(NamedGroup group, CurveInfo curve, DeterministicRandom? random)
        : base(group)
    {
        _curve = curve;
        _key = random is null ? ECDiffieHellman.Create(curve.Curve) : DeterministicEcdh.Create(curve.Curve, curve.CoordinateLength, random);
        var q = _key.ExportParameters(includePrivateParameters: false).Q;
        _publicKey = Encode(q, curve.CoordinateLength);
    }

    public override byte[] PublicKey => (byte[])_publicKey.Clone();

    public static EcdhKeyShare Create(NamedGroup group, DeterministicRandom? random = null) => new(group, CurveInfo.For(group), random);

    public override byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        if (_disposed)
        {
            throw TlsErrors.Internal("key share used after Dispose");
        }

        var peerPoint = ParsePeerPoint(peerPublicKey);
        try
        {
            // Importing a SubjectPublicKeyInfo instead measured the same (bench --breakdown, "P-256 peer import + derive").
            using var peer = ECDiffieHellman.Create(new ECParameters { Curve = _curve.Curve, Q = peerPoint });

            // PublicKey duplicates the native key on every read: take it once and free it now, not in a finalizer.
            using var peerKey = peer.PublicKey;

            //= https://www.rfc-editor.org/rfc/rfc8446#section-7.4.2
            //# For secp256r1, secp384r1, and secp521r1, ECDH calculations (including
            //# parameter and key generation as well as the shared secret
            //# calculation) are performed according to [IEEE1363] using the
            //# ECKAS-DH1 scheme with the identity map as the key derivation function
            //# (KDF), so that the shared secret is the x-coordinate of the ECDH
            //# shared secret elliptic curve point represented as an octet string.
            var shared = _key.DeriveRawSecretAgreement(peerKey);

            //= https://www.rfc-editor.org/rfc/rfc8446#section-7.4.2
            //# Note that this octet string ("Z" in IEEE 1363 terminology) as output
            //# by FE2OSP (the Field Element to Octet String Conversion Primitive)
            //# has constant length for any given field; leading zeros found in this
            //# octet string MUST NOT be truncated.
            if (shared.Length != _curve.CoordinateLength)
            {
                CryptographicOperations.ZeroMemory(shared);
                throw TlsErrors.Internal("ECDH shared secret has the wrong length");
            }

            return shared;
        }
        catch (CryptographicException e)
        {
            // The explicit checks above make this unreachable for well-formed input; keep the alert right anyway.
            throw TlsErrors.IllegalParameter($"ECDH with the peer's {Group} key failed: {e.GetType().Name}");
        }
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        if (disposing)
        {
            // ECDiffieHellman (OpenSSL EVP_PKEY) frees and clears the private scalar itself.
            _key.Dispose();
        }
    }

    private ECPoint ParsePeerPoint(ReadOnlySpan<byte> peerPublicKey)
    {
        int n = _curve.CoordinateLength;

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.2
        //# For secp256r1, secp384r1, and secp521r1, the contents are the
        //# serialized value of the following struct:
        //#
        //# struct {
        //#     uint8 legacy_form = 4;
        //#     opaque X[coordinate_length];
        //#     opaque Y[coordinate_length];
        //# } UncompressedPointRepresentation;
        if (peerPublicKey.Length != 1 + (2 * n) || peerPublicKey[0] != UncompressedForm)
        {
            throw TlsErrors.IllegalParameter($"{Group} key_exchange is not an uncompressed point");
        }

        var x = peerPublicKey.Slice(1, n);
        var y = peerPublicKey.Slice(1 + n, n);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.2
        //# For the curves secp256r1, secp384r1, and secp521r1, peers MUST
        //# validate each other's public value Q by ensuring that the point is a
        //# valid point on the elliptic curve.
        if (!_curve.IsOnCurve(x, y))
        {
            throw TlsErrors.IllegalParameter($"{Group} key_exchange is not a point on the curve");
        }

        return new ECPoint { X = x.ToArray(), Y = y.ToArray() };
    }

    private static byte[] Encode(ECPoint q, int coordinateLength)
    {
        var encoded = new byte[1 + (2 * coordinateLength)];
        encoded[0] = UncompressedForm;
        q.X!.CopyTo(encoded.AsSpan(1 + coordinateLength - q.X!.Length));
        q.Y!.CopyTo(encoded.AsSpan(1 + (2 * coordinateLength) - q.Y!.Length));
        return encoded;
    }

    /// <summary>Short-Weierstrass parameters (a = -3) of the NIST curves, for an explicit on-curve check.</summary>
    private sealed class CurveInfo
    {
        private static readonly CurveInfo P256 = new(
            ECCurve.NamedCurves.nistP256,
            32,
            "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
            "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");

        private static readonly CurveInfo P384 = new(
            ECCurve.NamedCurves.nistP384,
            48,
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
            "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef");

        private static readonly CurveInfo P521 = new(
            ECCurve.NamedCurves.nistP521,
            66,
            "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00");

        private readonly BigInteger _p;
        private readonly BigInteger _b;

        private CurveInfo(ECCurve curve, int coordinateLength, string pHex, string bHex)
        {
            Curve = curve;
            CoordinateLength = coordinateLength;
            _p = FromBigEndian(Convert.FromHexString(pHex));
            _b = FromBigEndian(Convert.FromHexString(bHex));
        }

        public ECCurve Curve { get; }

        public int CoordinateLength { get; }

        public static CurveInfo For(NamedGroup group) => group switch
        {
            NamedGroup.Secp256r1 => P256,
            NamedGroup.Secp384r1 => P384,
            NamedGroup.Secp521r1 => P521,
            _ => throw TlsErrors.Internal($"no ECDH curve for {group}"),
        };

        /// <summary>
        /// The three steps of RFC 8446 §4.2.8.2: not the point at infinity (which has no uncompressed
        /// encoding, and (0,0) fails the equation since b != 0), both coordinates in [0, p), and
        /// y^2 = x^3 - 3x + b (mod p).
        /// </summary>
        public bool IsOnCurve(ReadOnlySpan<byte> xBytes, ReadOnlySpan<byte> yBytes)
        {
            var x = FromBigEndian(xBytes);
            var y = FromBigEndian(yBytes);
            if (x >= _p || y >= _p)
            {
                return false;
            }

            var lhs = BigInteger.ModPow(y, 2, _p);
            var rhs = ((BigInteger.ModPow(x, 3, _p) - (3 * x) + _b) % _p + _p) % _p;
            return lhs == rhs;
        }

        private static BigInteger FromBigEndian(ReadOnlySpan<byte> bytes) =>
            new(bytes, isUnsigned: true, isBigEndian: true);
    }
}
