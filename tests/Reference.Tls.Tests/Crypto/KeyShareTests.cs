using Reference.Tls.Crypto;
using Xunit;

namespace Reference.Tls.Tests.Crypto;

public class KeyShareTests
{
    public static TheoryData<NamedGroup, int> Groups() => new()
    {
        { NamedGroup.X25519, 32 },
        { NamedGroup.Secp256r1, 65 },
        { NamedGroup.Secp384r1, 97 },
    };

    public static TheoryData<NamedGroup> EcdheGroups() => new(NamedGroup.Secp256r1, NamedGroup.Secp384r1);

    private static void AssertIllegalParameter(KeyShare share, byte[] peer)
    {
        var e = Assert.Throws<TlsException>(() => share.DeriveSharedSecret(peer));
        Assert.Equal(TlsErrorType.Protocol, e.ErrorType);
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void TwoSharesAgreeOnTheSharedSecret(NamedGroup group, int publicKeyLength)
    {
        using var a = KeyShare.Generate(group);
        using var b = KeyShare.Generate(group);

        Assert.Equal(group, a.Group);
        Assert.Equal(publicKeyLength, a.PublicKey.Length);
        Assert.NotEqual(a.PublicKey, b.PublicKey);
        var ab = a.DeriveSharedSecret(b.PublicKey);
        var ba = b.DeriveSharedSecret(a.PublicKey);
        Assert.Equal(ab, ba);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.4.2
        //= type=test
        //# Note that this octet string ("Z" in IEEE 1363 terminology) as output
        //# by FE2OSP (the Field Element to Octet String Conversion Primitive)
        //# has constant length for any given field; leading zeros found in this
        //# octet string MUST NOT be truncated.
        Assert.Equal(publicKeyLength == 97 ? 48 : 32, ab.Length);
    }

    [Theory]
    [MemberData(nameof(EcdheGroups))]
    public void EcdhePublicKeysAreUncompressedPoints(NamedGroup group)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.2
        //= type=test
        //# struct {
        //#     uint8 legacy_form = 4;
        //#     opaque X[coordinate_length];
        //#     opaque Y[coordinate_length];
        //# } UncompressedPointRepresentation;
        for (int i = 0; i < 20; i++)
        {
            using var share = KeyShare.Generate(group);
            Assert.Equal(0x04, share.PublicKey[0]);
        }
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void PeerKeysOfTheWrongLengthAreIllegalParameter(NamedGroup group, int publicKeyLength)
    {
        using var share = KeyShare.Generate(group);
        using var peer = KeyShare.Generate(group);
        var valid = peer.PublicKey;

        AssertIllegalParameter(share, []);
        AssertIllegalParameter(share, valid[..(publicKeyLength - 1)]);
        AssertIllegalParameter(share, [.. valid, 0]);
    }

    [Theory]
    [MemberData(nameof(EcdheGroups))]
    public void CompressedOrHybridPointsAreIllegalParameter(NamedGroup group)
    {
        using var share = KeyShare.Generate(group);
        using var peer = KeyShare.Generate(group);
        var valid = peer.PublicKey;
        int coordinate = (valid.Length - 1) / 2;

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.2
        //= type=test
        //# Note: Versions of TLS prior to 1.3 permitted point format
        //# negotiation; TLS 1.3 removes this feature in favor of a single point
        //# format for each curve.
        byte[] compressed = [(byte)(0x02 | (valid[^1] & 1)), .. valid[1..(1 + coordinate)]];
        AssertIllegalParameter(share, compressed);

        foreach (byte form in new byte[] { 0x00, 0x02, 0x03, 0x06, 0x07 })
        {
            var wrongForm = (byte[])valid.Clone();
            wrongForm[0] = form;
            AssertIllegalParameter(share, wrongForm);
        }
    }

    [Theory]
    [MemberData(nameof(EcdheGroups))]
    public void PointsOffTheCurveAreIllegalParameter(NamedGroup group)
    {
        using var share = KeyShare.Generate(group);
        using var peer = KeyShare.Generate(group);
        var valid = peer.PublicKey;

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.2
        //= type=test
        //# For the curves secp256r1, secp384r1, and secp521r1, peers MUST
        //# validate each other's public value Q by ensuring that the point is a
        //# valid point on the elliptic curve.
        var offCurve = (byte[])valid.Clone();
        offCurve[^1] ^= 0x01;
        AssertIllegalParameter(share, offCurve);

        var zeroPoint = new byte[valid.Length];
        zeroPoint[0] = 0x04;
        AssertIllegalParameter(share, zeroPoint);

        // Coordinates >= p: all-ones X and Y are out of range for both curves.
        var outOfRange = Enumerable.Repeat((byte)0xff, valid.Length).ToArray();
        outOfRange[0] = 0x04;
        AssertIllegalParameter(share, outOfRange);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")]
    [InlineData("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    public void X25519LowOrderPeerKeysGivingAnAllZeroSecretAreIllegalParameter(string lowOrderPoint)
    {
        using var share = KeyShare.Generate(NamedGroup.X25519);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.4.2
        //= type=test
        //# Implementations MUST check whether the computed Diffie-Hellman shared
        //# secret is the all-zero value and abort if so, as described in
        //# Section 6 of [RFC7748].
        AssertIllegalParameter(share, Convert.FromHexString(lowOrderPoint));
    }

    [Fact]
    public void X25519TheNistCurvesAndTheMlKemGroupsAreSupported()
    {
        Assert.True(KeyShare.IsSupported(NamedGroup.X25519));
        Assert.True(KeyShare.IsSupported(NamedGroup.Secp256r1));
        Assert.True(KeyShare.IsSupported(NamedGroup.Secp384r1));
        Assert.True(KeyShare.IsSupported(NamedGroup.Secp521r1));
        Assert.True(KeyShare.IsSupported(NamedGroup.X25519MlKem768));
        Assert.True(KeyShare.IsSupported(NamedGroup.SecP256r1MlKem768));
        Assert.True(KeyShare.IsSupported(NamedGroup.SecP384r1MlKem1024));
        Assert.True(KeyShare.IsSupported(NamedGroup.MlKem1024));
        Assert.False(KeyShare.IsSupported(NamedGroup.X448));
        Assert.False(KeyShare.IsSupported((NamedGroup)0x0100));

        var e = Assert.Throws<TlsException>(() => KeyShare.Generate(NamedGroup.X448));
        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void ADisposedShareRefusesToDerive(NamedGroup group, int publicKeyLength)
    {
        var share = KeyShare.Generate(group);
        using var peer = KeyShare.Generate(group);
        share.Dispose();

        var e = Assert.Throws<TlsException>(() => share.DeriveSharedSecret(peer.PublicKey));
        Assert.Equal(TlsErrorType.Internal, e.ErrorType);
        Assert.Equal(publicKeyLength, share.PublicKey.Length);
    }

    [Fact]
    public void PublicKeyIsACopy()
    {
        using var share = KeyShare.Generate(NamedGroup.X25519);
        var first = share.PublicKey;
        first[0] ^= 0xff;

        Assert.NotEqual(first, share.PublicKey);
    }

    [Theory]
    [InlineData(NamedGroup.X25519MlKem768, 1216, 1120)]
    [InlineData(NamedGroup.SecP256r1MlKem768, 1249, 1153)]
    [InlineData(NamedGroup.SecP384r1MlKem1024, 1665, 1665)]
    [InlineData(NamedGroup.MlKem1024, 1568, 1568)]
    [InlineData(NamedGroup.Secp521r1, 133, 133)]
    public void Key_exchange_agrees_through_respond(NamedGroup group, int clientShareLength, int serverShareLength)
    {
        using var client = KeyShare.Generate(group);
        Assert.Equal(clientShareLength, client.PublicKey.Length);
        var (serverShare, serverSecret) = KeyShare.Respond(group, client.PublicKey);
        Assert.Equal(serverShareLength, serverShare.Length);
        Assert.Equal(serverSecret, client.DeriveSharedSecret(serverShare));
    }

    [Theory]
    [InlineData(NamedGroup.X25519MlKem768)]
    [InlineData(NamedGroup.MlKem1024)]
    public void A_truncated_ml_kem_share_is_an_illegal_parameter(NamedGroup group)
    {
        using var client = KeyShare.Generate(group);
        var e = Assert.Throws<TlsException>(() => KeyShare.Respond(group, client.PublicKey.AsSpan(1)));
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }
}
