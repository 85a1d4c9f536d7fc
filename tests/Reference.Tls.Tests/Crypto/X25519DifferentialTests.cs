using System.Security.Cryptography;
using Reference.Tls.Crypto;
using BcX25519 = Org.BouncyCastle.Math.EC.Rfc7748.X25519;

namespace Reference.Tls.Tests.Crypto;

/// <summary>
/// The engine's X25519 (libsodium through Geralt) against the RFC 7748 vectors and, differentially, against
/// BouncyCastle's independent managed implementation: same public keys, same secrets, same rejections.
/// </summary>
public class X25519DifferentialTests
{
    // RFC 7748 §5.2: the two single scalar multiplications (scalar, u-coordinate, result).
    public static TheoryData<string, string, string> Rfc7748Section52Vectors() => new()
    {
        {
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"
        },
        {
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"
        },
    };

    // Points of order 1, 2, 4 and 8 and their non-canonical encodings (u >= p, or the top bit set, which
    // RFC 7748 §5 masks): X25519 of any of them with any clamped scalar is all zero.
    public static TheoryData<string> LowOrderPoints() => new(
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0100000000000000000000000000000000000000000000000000000000000080",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");

    private static byte[] Ours(byte[] scalar, byte[] u)
    {
        using var share = KeyShare.X25519FromPrivate(scalar);
        return share.DeriveSharedSecret(u);
    }

    private static byte[] BouncyCastle(byte[] scalar, byte[] u)
    {
        var result = new byte[32];
        Assert.True(BcX25519.CalculateAgreement(scalar, 0, u, 0, result, 0));
        return result;
    }

    [Theory]
    [MemberData(nameof(Rfc7748Section52Vectors))]
    public void Both_implementations_reproduce_the_RFC7748_section_5_2_vectors(string scalar, string u, string expected)
    {
        byte[] k = Convert.FromHexString(scalar), point = Convert.FromHexString(u);

        Assert.Equal(expected, Convert.ToHexStringLower(Ours(k, point)));
        Assert.Equal(expected, Convert.ToHexStringLower(BouncyCastle(k, point)));
    }

    [Fact]
    public void The_RFC7748_section_5_2_iteration_reaches_its_1000th_value()
    {
        byte[] k = new byte[32], u = new byte[32];
        k[0] = u[0] = 9;
        for (int i = 1; i <= 1000; i++)
        {
            var next = Ours(k, u);
            u = k;
            k = next;
            if (i == 1)
            {
                Assert.Equal("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", Convert.ToHexStringLower(k));
            }
        }

        Assert.Equal("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", Convert.ToHexStringLower(k));
    }

    [Fact]
    public void Random_keys_give_the_same_public_keys_and_secrets_in_both_implementations()
    {
        for (int i = 0; i < 200; i++)
        {
            byte[] ourPrivate = RandomNumberGenerator.GetBytes(32), theirPrivate = RandomNumberGenerator.GetBytes(32);
            using var ours = KeyShare.X25519FromPrivate(ourPrivate);
            var theirPublic = new byte[32];
            BcX25519.GeneratePublicKey(theirPrivate, 0, theirPublic, 0);
            var ourPublicByBouncyCastle = new byte[32];
            BcX25519.GeneratePublicKey(ourPrivate, 0, ourPublicByBouncyCastle, 0);

            Assert.Equal(ourPublicByBouncyCastle, ours.PublicKey);
            var secret = ours.DeriveSharedSecret(theirPublic);
            Assert.Equal(BouncyCastle(theirPrivate, ours.PublicKey), secret);
            Assert.Equal(BouncyCastle(ourPrivate, theirPublic), secret);
        }
    }

    [Fact]
    public void Random_peer_u_coordinates_including_non_canonical_ones_give_the_same_secret()
    {
        for (int i = 0; i < 200; i++)
        {
            byte[] scalar = RandomNumberGenerator.GetBytes(32), u = RandomNumberGenerator.GetBytes(32);
            Assert.Equal(BouncyCastle(scalar, u), Ours(scalar, u));
        }
    }

    [Theory]
    [MemberData(nameof(LowOrderPoints))]
    public void Low_order_points_are_rejected_by_both_implementations(string point)
    {
        byte[] u = Convert.FromHexString(point), scalar = RandomNumberGenerator.GetBytes(32), result = new byte[32];

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.4.2
        //= type=test
        //# Implementations MUST check whether the computed Diffie-Hellman shared
        //# secret is the all-zero value and abort if so, as described in
        //# Section 6 of [RFC7748].
        Assert.False(BcX25519.CalculateAgreement(scalar, 0, u, 0, result, 0));
        using var share = KeyShare.X25519FromPrivate(scalar);
        var e = Assert.Throws<TlsException>(() => share.DeriveSharedSecret(u));
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    [Fact]
    public void A_deterministic_random_reproduces_the_same_key_and_draws_exactly_the_private_key()
    {
        var first = new DeterministicRandom(7);
        var second = new DeterministicRandom(7);
        using var a = KeyShare.Generate(NamedGroup.X25519, first);
        using var b = KeyShare.Generate(NamedGroup.X25519, second);

        Assert.Equal(a.PublicKey, b.PublicKey);
        Assert.Equal(32, first.BytesDrawn);
        var privateKey = new byte[32];
        new DeterministicRandom(7).Fill(privateKey);
        var expected = new byte[32];
        BcX25519.GeneratePublicKey(privateKey, 0, expected, 0);
        Assert.Equal(expected, a.PublicKey);
    }
}
