using System.Security.Cryptography;
using Reference.Tls.KeySchedule;
using Xunit;

namespace Reference.Tls.Tests.KeySchedule;

public class HkdfTests
{
    [Fact]
    public void ExtractMatchesRfc5869TestCase1()
    {
        // RFC 5869 Appendix A.1 (SHA-256).
        var ikm = Enumerable.Repeat((byte)0x0b, 22).ToArray();
        var salt = Convert.FromHexString("000102030405060708090a0b0c");
        var prk = Convert.FromHexString("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");

        Assert.Equal(prk, Hkdf.Extract(HashAlgorithmName.SHA256, salt, ikm));
    }

    [Fact]
    public void ExpandLabelEncodesTheHkdfLabelStructure()
    {
        var secret = RandomNumberGenerator.GetBytes(48);
        var context = RandomNumberGenerator.GetBytes(5);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
        //= type=test
        //# struct {
        //#     uint16 length = Length;
        //#     opaque label<7..255> = "tls13 " + Label;
        //#     opaque context<0..255> = Context;
        //# } HkdfLabel;
        byte[] info = [0x01, 0x00, 11, .. "tls13 hello"u8, 5, .. context];
        var expected = new byte[256];
        HKDF.Expand(HashAlgorithmName.SHA384, secret, expected, info);

        Assert.Equal(expected, Hkdf.ExpandLabel(HashAlgorithmName.SHA384, secret, "hello", context, 256));
    }

    [Fact]
    public void ExpandLabelRejectsLabelsAndContextsThatDoNotFit()
    {
        var secret = new byte[32];

        Assert.Throws<TlsException>(() => Hkdf.ExpandLabel(HashAlgorithmName.SHA256, secret, new string('a', 250), [], 32));
        Assert.Throws<TlsException>(() => Hkdf.ExpandLabel(HashAlgorithmName.SHA256, secret, "x", new byte[256], 32));
        Assert.Equal(32, Hkdf.ExpandLabel(HashAlgorithmName.SHA256, secret, new string('a', 249), new byte[255], 32).Length);
    }

    [Fact]
    public void DeriveSecretOutputsHashLength()
    {
        Assert.Equal(32, Hkdf.DeriveSecret(HashAlgorithmName.SHA256, new byte[32], "derived", new byte[32]).Length);
        Assert.Equal(48, Hkdf.DeriveSecret(HashAlgorithmName.SHA384, new byte[48], "derived", new byte[48]).Length);
        Assert.Throws<TlsException>(() => Hkdf.DeriveSecret(HashAlgorithmName.SHA512, new byte[64], "derived", new byte[64]));
    }
}
