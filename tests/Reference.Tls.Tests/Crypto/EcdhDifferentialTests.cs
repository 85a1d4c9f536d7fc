using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Reference.Tls.Crypto;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Reference.Tls.Tests.Crypto;

/// <summary>
/// The engine's secp256r1/secp384r1 key shares (.NET ECDiffieHellman over OpenSSL, with our own point
/// validation) against BouncyCastle's independent custom-curve code: same secrets both ways, and every peer
/// point BouncyCastle refuses to decode is refused by the engine too.
/// </summary>
public class EcdhDifferentialTests
{
    public static TheoryData<NamedGroup, string> Curves() => new()
    {
        { NamedGroup.Secp256r1, "P-256" },
        { NamedGroup.Secp384r1, "P-384" },
    };

    private static ECDomainParameters Domain(string curveName)
    {
        var curve = CustomNamedCurves.GetByName(curveName);
        return new ECDomainParameters(curve.Curve, curve.G, curve.N, curve.H);
    }

    private static byte[] FixedLength(BcBigInteger value, int length)
    {
        var bytes = value.ToByteArrayUnsigned();
        var padded = new byte[length];
        bytes.CopyTo(padded, length - bytes.Length);
        return padded;
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Random_keys_give_the_same_secret_in_both_implementations(NamedGroup group, string curveName)
    {
        var domain = Domain(curveName);
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(domain, new SecureRandom()));
        int coordinate = (domain.Curve.FieldSize + 7) / 8;
        for (int i = 0; i < 50; i++)
        {
            using var ours = KeyShare.Generate(group);
            var theirs = generator.GenerateKeyPair();
            byte[] theirPublic = ((ECPublicKeyParameters)theirs.Public).Q.GetEncoded(compressed: false);

            var agreement = new ECDHBasicAgreement();
            agreement.Init(theirs.Private);
            var ourPoint = domain.Curve.DecodePoint(ours.PublicKey);
            var expected = FixedLength(agreement.CalculateAgreement(new ECPublicKeyParameters(ourPoint, domain)), coordinate);

            Assert.Equal(expected, ours.DeriveSharedSecret(theirPublic));
        }
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Peer_points_that_BouncyCastle_refuses_are_illegal_parameter(NamedGroup group, string curveName)
    {
        var domain = Domain(curveName);
        using var share = KeyShare.Generate(group);
        using var peer = KeyShare.Generate(group);
        byte[] valid = peer.PublicKey;
        int n = (valid.Length - 1) / 2;
        byte[] p = FixedLength(domain.Curve.Field.Characteristic, n);
        var candidates = new List<byte[]>();
        for (int bit = 0; bit < 16; bit++)
        {
            var flipped = (byte[])valid.Clone();
            flipped[1 + (bit * 7 % (2 * n))] ^= (byte)(1 << (bit % 8));
            candidates.Add(flipped);
        }

        candidates.Add([0x04, .. new byte[2 * n]]);
        candidates.Add([0x04, .. p, .. valid[(1 + n)..]]);
        candidates.Add([0x04, .. valid[1..(1 + n)], .. p]);

        foreach (var candidate in candidates)
        {
            Assert.ThrowsAny<ArgumentException>(() => domain.Curve.DecodePoint(candidate));

            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.2
            //= type=test
            //# For the curves secp256r1, secp384r1, and secp521r1, peers MUST
            //# validate each other's public value Q by ensuring that the point is a
            //# valid point on the elliptic curve.
            var e = Assert.Throws<TlsException>(() => share.DeriveSharedSecret(candidate));
            Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
        }
    }
}
