using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;

namespace Reference.Tls.Crypto;

/// <summary>
/// An ECDHE key pair whose private scalar comes from the injected <see cref="DeterministicRandom"/>:
/// the scalar is drawn by rejection sampling into [1, n-1] (FIPS 186-4 B.4.2 style) and imported with
/// its public point into .NET's <see cref="ECDiffieHellman"/>, which then does the exchange as usual.
/// </summary>
internal static class DeterministicEcdh
{
    public static ECDiffieHellman Create(ECCurve curve, int coordinateLength, DeterministicRandom random)
    {
        var parameters = ECNamedCurveTable.GetByOid(new Org.BouncyCastle.Asn1.DerObjectIdentifier(curve.Oid.Value!));
        var n = parameters.N;
        var candidate = new byte[coordinateLength];
        int excessBits = (coordinateLength * 8) - n.BitLength;
        Org.BouncyCastle.Math.BigInteger d;
        do
        {
            random.Fill(candidate);
            candidate[0] &= (byte)(0xFF >> excessBits);
            d = new Org.BouncyCastle.Math.BigInteger(1, candidate);
        }
        while (d.SignValue == 0 || d.CompareTo(n) >= 0);

        var q = parameters.G.Multiply(d).Normalize();
        var key = ECDiffieHellman.Create(new ECParameters
        {
            Curve = curve,
            D = d.ToByteArrayUnsigned().PadLeft(coordinateLength),
            Q = new ECPoint
            {
                X = q.AffineXCoord.ToBigInteger().ToByteArrayUnsigned().PadLeft(coordinateLength),
                Y = q.AffineYCoord.ToBigInteger().ToByteArrayUnsigned().PadLeft(coordinateLength),
            },
        });
        CryptographicOperations.ZeroMemory(candidate);
        return key;
    }

    private static byte[] PadLeft(this byte[] value, int length)
    {
        if (value.Length == length)
        {
            return value;
        }

        var padded = new byte[length];
        value.CopyTo(padded.AsSpan(length - value.Length));
        return padded;
    }
}
