using Reference.Tls.Extensions;
using Reference.Tls.Handshake;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Wire;
using Xunit;

namespace Reference.Tls.Tests.Mutation;

/// <summary>
/// Handshake codecs and the deframer at the edges Stryker showed no other test pinned: defaults, exact bytes
/// written, vector bounds, the HelloRetryRequest context switch and the diagnostics of each failure.
/// </summary>
public class HandshakeMutationTests
{
    private static byte[] Written(Action<TlsWriter> write)
    {
        var w = new TlsWriter();
        write(w);
        return w.ToArray();
    }

    private static TlsException Fails(AlertDescription alert, Action act)
    {
        var e = Assert.Throws<TlsException>(act);
        Assert.Equal(TlsErrorType.Protocol, e.ErrorType);
        Assert.Equal(alert, e.Alert);
        return e;
    }

    /// <summary>ClientHello body: version, 32-byte random, session id, suites vector, compression vector, then <paramref name="tail"/>.</summary>
    private static byte[] ClientHelloBody(byte[] sessionId, byte[] suites, byte[] compression, byte[] tail) =>
        [3, 3, .. new byte[32], (byte)sessionId.Length, .. sessionId, (byte)(suites.Length >> 8), (byte)suites.Length, .. suites,
         (byte)compression.Length, .. compression, .. tail];

    [Fact]
    public void ANewClientHelloWritesTls12AndTheNullCompressionMethod()
    {
        var hello = new ClientHello { Random = new byte[32], LegacySessionId = [7], CipherSuites = [0x1301, 0x1302], Extensions = [] };

        Assert.Equal(
            ClientHelloBody([7], [0x13, 0x01, 0x13, 0x02], [0], [0, 0]),
            Written(hello.Write));
    }

    [Fact]
    public void ClientHelloVectorsHaveTheirRfcBounds()
    {
        var longest = ClientHello.Parse(ClientHelloBody(new byte[32], [0x13, 0x01], [0], []));
        Assert.Equal(32, longest.LegacySessionId.Length);
        Assert.Empty(longest.Extensions);
        Assert.Equal(new byte[] { 0 }, longest.LegacyCompressionMethods);
        Assert.Equal(ProtocolVersion.Tls12, longest.LegacyVersion);

        Fails(AlertDescription.DecodeError, () => ClientHello.Parse(ClientHelloBody(new byte[33], [0x13, 0x01], [0], [])));
        Fails(AlertDescription.DecodeError, () => ClientHello.Parse(ClientHelloBody([], [], [0], [])));
        Fails(AlertDescription.DecodeError, () => ClientHello.Parse(ClientHelloBody([], [0x13], [0], [])));
        Fails(AlertDescription.DecodeError, () => ClientHello.Parse(ClientHelloBody([], [0x13, 0x01], [], [])));
        var odd = Fails(AlertDescription.DecodeError, () => ClientHello.Parse(ClientHelloBody([], [0x13, 0x01, 0x13], [0], [])));
        Assert.Equal("1 trailing byte(s) after cipher_suites", odd.Message);
        var trailing = Fails(AlertDescription.DecodeError, () => ClientHello.Parse(ClientHelloBody([], [0x13, 0x01], [0], [0, 0, 9])));
        Assert.Equal("1 trailing byte(s) after ClientHello", trailing.Message);
    }

    [Fact]
    public void ClientHelloKeepsEveryCipherSuiteInOrder()
    {
        var hello = ClientHello.Parse(ClientHelloBody([], [0x13, 0x03, 0x13, 0x01, 0xC0, 0x2F], [1, 0], [0, 0]));
        Assert.Equal(new ushort[] { 0x1303, 0x1301, 0xC02F }, hello.CipherSuites);
        Assert.Equal(new byte[] { 1, 0 }, hello.LegacyCompressionMethods);
    }

    [Fact]
    public void ANewServerHelloWritesTls12AndCompressionZero()
    {
        var hello = new ServerHello { Random = new byte[32], LegacySessionIdEcho = [1, 2], CipherSuite = 0x1303, Extensions = [] };

        Assert.Equal([3, 3, .. new byte[32], 2, 1, 2, 0x13, 0x03, 0, 0, 0], Written(hello.Write));
        Assert.False(hello.IsHelloRetryRequest);
    }

    [Fact]
    public void ACookieIsAllowedInAHelloRetryRequestOnly()
    {
        byte[] cookie = [0x00, 0x2C, 0x00, 0x03, 0x00, 0x01, 0x05];
        byte[] Body(byte[] random) => [3, 3, .. random, 0, 0x13, 0x01, 0, 0, (byte)cookie.Length, .. cookie];

        var hrr = ServerHello.Parse(Body(ServerHello.HelloRetryRequestRandom));
        Assert.True(hrr.IsHelloRetryRequest);
        Assert.Equal(ExtensionType.Cookie, Assert.Single(hrr.Extensions).Type);
        Assert.Equal(0x1301, hrr.CipherSuite);

        var e = Fails(AlertDescription.IllegalParameter, () => ServerHello.Parse(Body(new byte[32])));
        Assert.Equal("extension Cookie is not allowed in ServerHello", e.Message);
        var trailing = Fails(AlertDescription.DecodeError, () => ServerHello.Parse([.. Body(ServerHello.HelloRetryRequestRandom), 0]));
        Assert.Equal("1 trailing byte(s) after ServerHello", trailing.Message);
        Fails(AlertDescription.DecodeError, () => ServerHello.Parse([3, 3, .. new byte[32], 33, .. new byte[33], 0x13, 0x01, 0, 0, 0]));
    }

    [Fact]
    public void ServerFlightMessagesWriteExactBytesAndDefaultToEmptyContexts()
    {
        var request = new CertificateRequest { Extensions = [] };
        Assert.Equal(new byte[] { 0, 0, 0 }, Written(request.Write));

        var certificate = new CertificateMessage { Entries = [new CertificateEntry([9], [])] };
        Assert.Equal(new byte[] { 0, 0, 0, 6, 0, 0, 1, 9, 0, 0 }, Written(certificate.Write));

        var verify = new CertificateVerifyMessage(SignatureScheme.EcdsaSecp256r1Sha256, [1, 2]);
        Assert.Equal(new byte[] { 4, 3, 0, 2, 1, 2 }, Written(verify.Write));

        Assert.Equal(new byte[] { 0, 0 }, Written(new EncryptedExtensions { Extensions = [] }.Write));
    }

    [Fact]
    public void ServerFlightParsersNameTheirMessageOnTrailingBytes()
    {
        Assert.Equal("1 trailing byte(s) after EncryptedExtensions", Fails(AlertDescription.DecodeError, () => EncryptedExtensions.Parse([0, 0, 1])).Message);
        Assert.Equal("1 trailing byte(s) after CertificateRequest", Fails(AlertDescription.DecodeError, () => CertificateRequest.Parse([0, 0, 0, 1])).Message);
        Assert.Equal("1 trailing byte(s) after Certificate", Fails(AlertDescription.DecodeError, () => CertificateMessage.Parse([0, 0, 0, 0, 1])).Message);
        Assert.Equal("1 trailing byte(s) after CertificateVerify", Fails(AlertDescription.DecodeError, () => CertificateVerifyMessage.Parse([4, 3, 0, 1, 1, 0])).Message);
        Assert.Equal("1 trailing byte(s) after KeyUpdate", Fails(AlertDescription.DecodeError, () => KeyUpdateMessage.Parse([0, 0])).Message);
        byte[] ticket = [0, 0, 0, 1, 0, 0, 0, 2, 1, 7, 0, 1, 5, 0, 0];
        Assert.Equal("1 trailing byte(s) after NewSessionTicket", Fails(AlertDescription.DecodeError, () => NewSessionTicketMessage.Parse([.. ticket, 0])).Message);
    }

    [Fact]
    public void CertificateRequestAndCertificateKeepTheirContexts()
    {
        var request = CertificateRequest.Parse([2, 8, 9, 0, 0]);
        Assert.Equal(new byte[] { 8, 9 }, request.Context);

        var certificate = CertificateMessage.Parse([1, 4, 0, 0, 13, 0, 0, 1, 9, 0, 0, 0, 0, 2, 7, 7, 0, 0]);
        Assert.Equal(new byte[] { 4 }, certificate.Context);
        Assert.Equal([new byte[] { 9 }, new byte[] { 7, 7 }], certificate.Entries.Select(e => e.Data));
    }

    [Fact]
    public void NewSessionTicketKeepsEveryField()
    {
        var ticket = NewSessionTicketMessage.Parse([0, 0, 0, 1, 0, 0, 0, 2, 1, 7, 0, 1, 5, 0, 4, 0x00, 0x2A, 0x00, 0x00]);

        Assert.Equal(1u, ticket.Lifetime);
        Assert.Equal(2u, ticket.AgeAdd);
        Assert.Equal(new byte[] { 7 }, ticket.Nonce);
        Assert.Equal(new byte[] { 5 }, ticket.Ticket);
        Assert.Equal(ExtensionType.EarlyData, Assert.Single(ticket.Extensions).Type);
    }

    [Fact]
    public void KeyUpdateMayIgnoreTrailingBytesButNeverAnOtherValue()
    {
        Assert.Equal(KeyUpdateRequest.UpdateRequested, KeyUpdateMessage.Parse([1, 5], acceptTrailingBytes: true));
        Assert.Equal("KeyUpdate request_update 2", Fails(AlertDescription.IllegalParameter, () => KeyUpdateMessage.Parse([2])).Message);
        Fails(AlertDescription.IllegalParameter, () => KeyUpdateMessage.Parse([255, 0], acceptTrailingBytes: true));
    }

    [Fact]
    public void FinishedOfTheWrongLengthSaysBothLengths()
    {
        Assert.Equal("Finished is 31 bytes, expected 32", Fails(AlertDescription.DecodeError, () => FinishedMessage.Parse(new byte[31], 32)).Message);
    }

    [Fact]
    public void DeframerTakesAnEmptyMessageAndReadsAllThreeLengthBytes()
    {
        var deframer = new HandshakeDeframer();
        deframer.Append([20, 0, 0, 0]);
        Assert.Equal(new byte[] { 20, 0, 0, 0 }, deframer.TryTakeMessage());
        Assert.False(deframer.HasPartialMessage);

        byte[] big = [11, 0x01, 0x01, 0x01, .. new byte[0x010101]];
        deframer.Append(big.AsSpan(0, 0x010101));
        Assert.Null(deframer.TryTakeMessage());
        deframer.Append(big.AsSpan(0x010101));
        Assert.Equal(big.Length, deframer.TryTakeMessage()!.Length);
    }

    [Fact]
    public void DeframerAcceptsExactlyItsLimit()
    {
        var atLimit = new HandshakeDeframer();
        atLimit.Append([11, 0x02, 0x00, 0x00]);
        Assert.Null(atLimit.TryTakeMessage());
        Assert.True(atLimit.HasPartialMessage);

        var over = new HandshakeDeframer();
        over.Append([11, 0x02, 0x00, 0x01]);
        var e = Fails(AlertDescription.DecodeError, () => over.TryTakeMessage());
        Assert.Equal("handshake message of 131073 bytes exceeds the 131072-byte limit", e.Message);
    }

    [Fact]
    public void DeframerFailuresAreNamed()
    {
        Assert.Equal("zero-length handshake record", Fails(AlertDescription.UnexpectedMessage, () => new HandshakeDeframer().Append([])).Message);
        var deframer = new HandshakeDeframer();
        deframer.Append([20]);
        var e = Fails(AlertDescription.UnexpectedMessage, () => deframer.EnsureAlignedForKeyChange("ServerHello"));
        Assert.Equal("ServerHello does not end at a record boundary before a key change", e.Message);
    }
}
