using System.Text;

namespace Reference.Tls.Certificates;

/// <summary>The bytes a CertificateVerify signature covers (RFC 8446 §4.4.3).</summary>
internal static class CertificateVerifyContent
{
    private const int PadLength = 64;
    private const byte Pad = 0x20;

    private static readonly byte[] ServerContext = Encoding.ASCII.GetBytes("TLS 1.3, server CertificateVerify");
    private static readonly byte[] ClientContext = Encoding.ASCII.GetBytes("TLS 1.3, client CertificateVerify");

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //# The digital signature is then computed over the concatenation of:
    //#
    //# -  A string that consists of octet 32 (0x20) repeated 64 times
    //#
    //# -  The context string
    //#
    //# -  A single 0 byte which serves as the separator
    //#
    //# -  The content to be signed
    public static byte[] Build(bool server, ReadOnlySpan<byte> transcriptHash)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
        //# The context string for a server signature is
        //# "TLS 1.3, server CertificateVerify".  The context string for a
        //# client signature is "TLS 1.3, client CertificateVerify".
        byte[] context = server ? ServerContext : ClientContext;
        var content = new byte[PadLength + context.Length + 1 + transcriptHash.Length];
        content.AsSpan(0, PadLength).Fill(Pad);
        context.CopyTo(content.AsSpan(PadLength));
        content[PadLength + context.Length] = 0x00;
        transcriptHash.CopyTo(content.AsSpan(PadLength + context.Length + 1));
        return content;
    }
}
