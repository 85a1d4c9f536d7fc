using Reference.Fuzz;
using Reference.S2n;
using Reference.Tls.Handshake.Messages;

namespace Reference.Tls.Tests.Differential;

/// <summary>
/// Differential (a): our ClientHello parser against s2n_client_hello_parse_message. Every verdict
/// difference must be one of the s2n deviations recorded in fuzz/divergences.md, each pinned below.
/// </summary>
public class ClientHelloDifferentialTests
{
    [Fact]
    public void TwentyThousandGeneratedClientHellosShowOnlyKnownS2nDeviations()
    {
        var seeds = Targets.CorpusFiles("ClientHello").Select(File.ReadAllBytes).ToList();
        var report = DifferentialRun.Run(20_000, seed: 8446, seeds);
        Assert.True(report.Unexplained.Count == 0, report.Describe());
        Assert.True(report.Counts.GetValueOrDefault(ClientHelloVerdict.BothAcceptSame) > 2_000, report.Describe());
        Assert.True(report.Counts.GetValueOrDefault(ClientHelloVerdict.BothReject) > 2_000, report.Describe());
    }

    [Fact]
    public void S2nsOwnClientHelloParsesTheSameInBoth()
    {
        var body = Targets.CorpusFiles("ClientHello").Select(File.ReadAllBytes).First();
        Assert.Equal((ClientHelloVerdict.BothAcceptSame, ""), ClientHelloDifferential.Compare(body));
        var theirs = S2nClientHello.Parse(ClientHelloDifferential.WithHeader(body))!;
        Assert.Equal("localhost", System.Text.Encoding.ASCII.GetString(theirs.ServerName!));
        Assert.Equal(33, theirs.LegacyVersion);
    }

    private static byte[] Hello(byte[]? compression = null, byte[]? extensionsBlock = null, byte[]? trailing = null)
    {
        byte[] ext = extensionsBlock ?? [];
        return
        [
            0x03, 0x03, .. new byte[32], 0x00, 0x00, 0x02, 0x13, 0x01,
            .. compression is null ? [0x01, 0x00] : (byte[])[(byte)compression.Length, .. compression],
            (byte)(ext.Length >> 8), (byte)ext.Length, .. ext, .. trailing ?? [],
        ];
    }

    private static void AssertS2nAcceptsAndWeReject(byte[] body, ClientHelloVerdict expected, AlertDescription alert)
    {
        Assert.NotNull(S2nClientHello.Parse(ClientHelloDifferential.WithHeader(body)));
        Assert.Equal(alert, Assert.Throws<TlsException>(() => ClientHello.Parse(body)).Alert);
        Assert.Equal(expected, ClientHelloDifferential.Compare(body).Verdict);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Peers which receive a message which
    //# cannot be parsed according to the syntax (e.g., have a length
    //# extending beyond the message boundary or contain an out-of-range
    //# length) MUST terminate the connection with a "decode_error" alert.
    [Fact]
    public void S2nAcceptsBytesAfterTheExtensionsBlockWeSendDecodeError()
    {
        AssertS2nAcceptsAndWeReject(Hello(trailing: [0xAB]), ClientHelloVerdict.S2nAcceptsTrailingBytes, AlertDescription.DecodeError);
        AssertS2nAcceptsAndWeReject(Hello(trailing: [0, 0, 0]), ClientHelloVerdict.S2nAcceptsTrailingBytes, AlertDescription.DecodeError);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# For every TLS 1.3 ClientHello, this vector
    //# MUST contain exactly one byte, set to zero, which corresponds to
    //# the "null" compression method in prior versions of TLS.
    [Fact]
    public void S2nAcceptsAnEmptyCompressionListWeSendDecodeError() =>
        AssertS2nAcceptsAndWeReject(Hello(compression: []), ClientHelloVerdict.S2nAcceptsEmptyCompression, AlertDescription.DecodeError);

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# There MUST NOT be more than one extension of the
    //# same type in a given extension block.
    [Fact]
    public void S2nAcceptsADuplicatedUnknownExtensionWeSendIllegalParameter()
    {
        AssertS2nAcceptsAndWeReject(Hello(extensionsBlock: [0x7A, 0x01, 0, 0, 0x7A, 0x01, 0, 0]),
            ClientHelloVerdict.S2nAcceptsDuplicateUnknownExtension, AlertDescription.IllegalParameter);
        // A duplicated extension that s2n implements is rejected by both.
        var known = Hello(extensionsBlock: [0x00, 0x2D, 0, 2, 1, 1, 0x00, 0x2D, 0, 2, 1, 1]);
        Assert.Equal(ClientHelloVerdict.BothReject, ClientHelloDifferential.Compare(known).Verdict);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# If an implementation receives an extension
    //# which it recognizes and which is not specified for the message in
    //# which it appears, it MUST abort the handshake with an
    //# "illegal_parameter" alert.
    [Fact]
    public void S2nAcceptsOidFiltersInAClientHelloWeSendIllegalParameter() =>
        AssertS2nAcceptsAndWeReject(Hello(extensionsBlock: [0x00, 0x30, 0, 2, 0, 0]),
            ClientHelloVerdict.S2nAcceptsMisplacedExtension, AlertDescription.IllegalParameter);
}
