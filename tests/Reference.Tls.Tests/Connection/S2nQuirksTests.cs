using Reference.Tls.Handshake.Messages;

namespace Reference.Tls.Tests.Connection;

/// <summary>
/// Each known C s2n-tls deviation from RFC 8446: the engine follows the RFC by default, and behaves like
/// s2n only when the matching <see cref="S2nQuirks"/> flag is set.
/// </summary>
public class S2nQuirksTests
{
    private static byte[] ClientHelloWithLegacyVersion(TlsConnection client, ushort version)
    {
        var record = client.PendingOutput.ToArray();
        record[9] = (byte)(version >> 8);
        record[10] = (byte)version;
        return record;
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //= type=test
    //# Any endpoint
    //# receiving a Hello message with ClientHello.legacy_version or
    //# ServerHello.legacy_version set to 0x0300 MUST abort the handshake
    //# with a "protocol_version" alert.
    [Theory]
    [InlineData(S2nQuirks.None, false)]
    [InlineData(S2nQuirks.AcceptSsl3LegacyVersion, true)]
    public void Ssl3_legacy_version_in_client_hello(S2nQuirks quirks, bool accepted)
    {
        var (c, s) = InMemoryPair.Configs(server: s => s with { S2nQuirks = quirks, Blinding = BlindingMode.SelfService });
        using var pair = new InMemoryPair(c, s);
        var hello = ClientHelloWithLegacyVersion(pair.Client, 0x0300);
        if (accepted)
        {
            pair.Server.Feed(hello);
            Assert.True(pair.Server.HasPendingOutput);
        }
        else
        {
            var e = Assert.Throws<TlsException>(() => pair.Server.Feed(hello));
            Assert.Equal(AlertDescription.ProtocolVersion, e.Alert);
        }
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //= type=test
    //# If an implementation receives any other value, it MUST terminate the
    //# connection with an "illegal_parameter" alert.
    [Fact]
    public void Key_update_with_trailing_bytes()
    {
        var e = Assert.Throws<TlsException>(() => KeyUpdateMessage.Parse([0, 0]));
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
        Assert.Equal(KeyUpdateRequest.UpdateRequested, KeyUpdateMessage.Parse([1, 7, 7], acceptTrailingBytes: true));
        Assert.Throws<TlsException>(() => KeyUpdateMessage.Parse([2], acceptTrailingBytes: true));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# If the CertificateVerify message is sent by a server, the signature
    //# algorithm MUST be one offered in the client's "signature_algorithms"
    //# extension unless no valid certificate chain can be produced without
    //# unsupported algorithms (see Section 4.2.3).
    [Theory]
    [InlineData(S2nQuirks.None, AlertDescription.HandshakeFailure)]
    [InlineData(S2nQuirks.FallBackToOwnSignatureScheme, AlertDescription.IllegalParameter)]
    public void No_common_signature_scheme(S2nQuirks quirks, AlertDescription alert)
    {
        var (c, s) = InMemoryPair.Configs(
            // Verification off: the ECDSA-signed chain is outside this client's list (RFC 8446 §4.2.3), which would
            // end the handshake at Certificate, before the CertificateVerify this test is about.
            client: c => c with { SignatureSchemes = [SignatureScheme.RsaPssRsaeSha256], DangerousDisableCertificateVerification = true },
            server: s => s with { S2nQuirks = quirks, Blinding = BlindingMode.SelfService });
        using var pair = new InMemoryPair(c, s);
        var e = Assert.Throws<TlsException>(() => pair.Pump());
        // Without the quirk the server refuses; with it the server signs anyway and our client, which
        // follows the RFC, refuses the scheme it did not offer.
        Assert.Equal(alert, e.Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
    //= type=test
    //# Whenever an implementation encounters a fatal error condition, it
    //# SHOULD send an appropriate fatal alert and MUST close the connection
    //# without sending or receiving any additional data.
    [Theory]
    [InlineData(S2nQuirks.None, 2, 50)]
    [InlineData(S2nQuirks.CloseNotifyInsteadOfFatalAlert, 1, 0)]
    public void Alert_sent_on_a_decode_error(S2nQuirks quirks, byte level, byte description)
    {
        var (c, s) = InMemoryPair.Configs(server: s => s with { S2nQuirks = quirks, Blinding = BlindingMode.SelfService });
        using var pair = new InMemoryPair(c, s);
        var hello = pair.Client.PendingOutput.ToArray();
        hello[^1] ^= 0xFF;
        Assert.Throws<TlsException>(() => pair.Server.Feed(hello));
        Assert.Equal(new byte[] { 21, 3, 3, 0, 2, level, description }, pair.Server.PendingOutput.ToArray());
    }
}
