using System.Text;
using Reference.Tls.Certificates;
using Xunit;

namespace Reference.Tls.Tests.Certificates;

public class CertificateVerifyContentTests
{
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# For example, if the transcript hash was 32 bytes of 01 (this length
    //# would make sense for SHA-256), the content covered by the digital
    //# signature for a server CertificateVerify would be:
    [Fact]
    public void ServerContentMatchesTheRfcExample()
    {
        byte[] hash = Enumerable.Repeat((byte)0x01, 32).ToArray();
        string expected =
            "2020202020202020202020202020202020202020202020202020202020202020" +
            "2020202020202020202020202020202020202020202020202020202020202020" +
            "544c5320312e332c207365727665722043657274696669636174655665726966" +
            "79" +
            "00" +
            "0101010101010101010101010101010101010101010101010101010101010101";

        Assert.Equal(expected, Convert.ToHexStringLower(CertificateVerifyContent.Build(server: true, hash)));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# The context string for a server signature is
    //# "TLS 1.3, server CertificateVerify".  The context string for a
    //# client signature is "TLS 1.3, client CertificateVerify".
    [Theory]
    [InlineData(true, "TLS 1.3, server CertificateVerify")]
    [InlineData(false, "TLS 1.3, client CertificateVerify")]
    public void ContentIsPadContextZeroHash(bool server, string context)
    {
        byte[] hash = Enumerable.Range(0, 48).Select(i => (byte)(0xA0 + i)).ToArray();

        byte[] content = CertificateVerifyContent.Build(server, hash);

        Assert.Equal(64 + context.Length + 1 + 48, content.Length);
        Assert.All(content[..64], b => Assert.Equal(0x20, b));
        Assert.Equal(context, Encoding.ASCII.GetString(content, 64, context.Length));
        Assert.Equal(0x00, content[64 + context.Length]);
        Assert.Equal(hash, content[(64 + context.Length + 1)..]);
    }

    [Fact]
    public void ServerAndClientContentsDiffer()
    {
        byte[] hash = new byte[32];
        Assert.NotEqual(CertificateVerifyContent.Build(true, hash), CertificateVerifyContent.Build(false, hash));
    }
}
