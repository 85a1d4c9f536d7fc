using Reference.Tls.Certificates;
using Reference.Tls.Handshake;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Tests.Malformed;
using Reference.Tls.Wire;

namespace Reference.Tls.Tests.Handshake;

/// <summary>parse(write(x)) == x and write(parse(b)) == b for the messages of a real handshake.</summary>
public class MessageCodecTests
{
    /// <summary>Every handshake message of one real handshake (mutual authentication), in order, headers included.</summary>
    private static readonly Lazy<List<byte[]>> RealMessages = new(() =>
    {
        var pki = InMemoryPair.Pki(KeyKind.EcdsaP256);
        using var s = new Scenario(ClientAuthMode.Required, client: c => new TlsConfig
        {
            TrustStore = c.TrustStore, CipherSuites = c.CipherSuites, KeyLogCallback = c.KeyLogCallback,
            Certificate = CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem),
        });
        var hello = s.ClientHelloRecord();
        s.Server.Feed(hello);
        var serverFlight = Scenario.Take(s.Server);
        s.Client.Feed(serverFlight);
        var clientFlight = Scenario.Take(s.Client);
        var messages = Bytes.SplitHandshake(Bytes.SplitRecords(hello)[0].Payload);
        messages.AddRange(Decrypted(serverFlight, s.ServerKeys["SERVER_HANDSHAKE_TRAFFIC_SECRET"]));
        messages.AddRange(Decrypted(clientFlight, s.ClientKeys["CLIENT_HANDSHAKE_TRAFFIC_SECRET"]));
        return messages;
    });

    private static List<byte[]> Decrypted(byte[] flight, byte[] secret)
    {
        var messages = new List<byte[]>();
        Bytes.RewriteProtectedHandshake(flight, Scenario.Suite, secret, m =>
        {
            messages.AddRange(m);
            return m;
        });
        var plain = Bytes.SplitRecords(flight).Where(r => r.Type == ContentType.Handshake).SelectMany(r => r.Payload).ToArray();
        return [.. Bytes.SplitHandshake(plain), .. messages];
    }

    private static byte[] Real(HandshakeType type) => RealMessages.Value.First(m => m[0] == (byte)type);

    [Fact]
    public void The_real_handshake_has_every_message_kind()
    {
        var types = RealMessages.Value.Select(m => (HandshakeType)m[0]).ToList();
        Assert.Equal(
            [HandshakeType.ClientHello, HandshakeType.ServerHello, HandshakeType.EncryptedExtensions, HandshakeType.CertificateRequest,
             HandshakeType.Certificate, HandshakeType.CertificateVerify, HandshakeType.Finished,
             HandshakeType.Certificate, HandshakeType.CertificateVerify, HandshakeType.Finished],
            types);
    }

    [Fact]
    public void ClientHello_write_of_parse_is_identity()
    {
        var message = Real(HandshakeType.ClientHello);
        var hello = ClientHello.Parse(message.AsSpan(4));
        Assert.Equal(message[4..], Bytes.Write(hello.Write));
        var again = ClientHello.Parse(Bytes.Write(hello.Write));
        Assert.Equal(hello.Random, again.Random);
        Assert.Equal(hello.LegacySessionId, again.LegacySessionId);
        Assert.Equal(hello.CipherSuites, again.CipherSuites);
        Assert.Equal(hello.Extensions.Select(e => (e.Type, Convert.ToHexString(e.Data))), again.Extensions.Select(e => (e.Type, Convert.ToHexString(e.Data))));
    }

    [Fact]
    public void ServerHello_write_of_parse_is_identity()
    {
        var message = Real(HandshakeType.ServerHello);
        var hello = ServerHello.Parse(message.AsSpan(4));
        Assert.False(hello.IsHelloRetryRequest);
        Assert.Equal(message[4..], Bytes.Write(hello.Write));
    }

    [Fact]
    public void HelloRetryRequest_is_recognised_by_its_random()
    {
        var retry = new ServerHello
        {
            Random = ServerHello.HelloRetryRequestRandom, LegacySessionIdEcho = [1, 2], CipherSuite = 0x1301,
            Extensions = [new(ExtensionType.SupportedVersions, [3, 4])],
        };
        var parsed = ServerHello.Parse(Bytes.Write(retry.Write));
        Assert.True(parsed.IsHelloRetryRequest);
        Assert.Equal(Bytes.Write(retry.Write), Bytes.Write(parsed.Write));
    }

    [Fact]
    public void Server_flight_messages_write_of_parse_is_identity()
    {
        var ee = Real(HandshakeType.EncryptedExtensions);
        Assert.Equal(ee[4..], Bytes.Write(EncryptedExtensions.Parse(ee.AsSpan(4)).Write));
        var request = Real(HandshakeType.CertificateRequest);
        Assert.Equal(request[4..], Bytes.Write(CertificateRequest.Parse(request.AsSpan(4)).Write));
        foreach (var message in RealMessages.Value.Where(m => m[0] == (byte)HandshakeType.Certificate))
        {
            var certificate = CertificateMessage.Parse(message.AsSpan(4));
            Assert.NotEmpty(certificate.Entries);
            Assert.Equal(message[4..], Bytes.Write(certificate.Write));
        }

        foreach (var message in RealMessages.Value.Where(m => m[0] == (byte)HandshakeType.CertificateVerify))
        {
            Assert.Equal(message[4..], Bytes.Write(CertificateVerifyMessage.Parse(message.AsSpan(4)).Write));
        }
    }

    [Fact]
    public void Certificate_parse_of_write_keeps_entries_and_extensions()
    {
        var original = new CertificateMessage
        {
            Context = [9],
            Entries = [new([1, 2, 3], []), new([4], [new(ExtensionType.StatusRequest, [0])])],
        };
        var parsed = CertificateMessage.Parse(Bytes.Write(original.Write));
        Assert.Equal(original.Context, parsed.Context);
        Assert.Equal(original.Entries.Select(e => Convert.ToHexString(e.Data)), parsed.Entries.Select(e => Convert.ToHexString(e.Data)));
        Assert.Equal(ExtensionType.StatusRequest, Assert.Single(parsed.Entries[1].Extensions).Type);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0 })]   // entry with empty cert_data (minimum 1)
    [InlineData(new byte[] { 0, 0, 0, 5, 0, 0, 1, 7 })]   // entry overruns the list
    [InlineData(new byte[] { 0, 0, 0, 0, 9 })]            // trailing byte
    [InlineData(new byte[] { 1 })]                        // context overruns the message
    public void Malformed_Certificate_is_decode_error(byte[] body)
    {
        var e = Assert.Throws<TlsException>(() => CertificateMessage.Parse(body));
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
    }

    [Theory]
    [InlineData(new byte[] { 4, 3, 0, 0 })]       // empty signature
    [InlineData(new byte[] { 4, 3, 0, 2, 1 })]    // signature overruns
    [InlineData(new byte[] { 4, 3, 0, 1, 1, 0 })] // trailing byte
    public void Malformed_CertificateVerify_is_decode_error(byte[] body)
    {
        var e = Assert.Throws<TlsException>(() => CertificateVerifyMessage.Parse(body));
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
    }

    [Fact]
    public void NewSessionTicket_parses_and_rejects_an_empty_ticket()
    {
        var w = new TlsWriter();
        w.WriteU32(7200);
        w.WriteU32(1);
        w.WriteVector8([0]);
        w.WriteVector16([1, 2, 3]);
        w.WriteVector16([]);
        var ticket = NewSessionTicketMessage.Parse(w.Written);
        Assert.Equal(7200u, ticket.Lifetime);
        Assert.Equal(new byte[] { 1, 2, 3 }, ticket.Ticket);
        var e = Assert.Throws<TlsException>(() => NewSessionTicketMessage.Parse([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]));
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //= type=test
    //# If an implementation
    //# receives any other value, it MUST terminate the connection with an
    //# "illegal_parameter" alert.
    [Fact]
    public void KeyUpdate_accepts_0_and_1_only()
    {
        Assert.Equal(KeyUpdateRequest.UpdateNotRequested, KeyUpdateMessage.Parse([0]));
        Assert.Equal(KeyUpdateRequest.UpdateRequested, KeyUpdateMessage.Parse([1]));
        Assert.Equal(AlertDescription.IllegalParameter, Assert.Throws<TlsException>(() => KeyUpdateMessage.Parse([2])).Alert);
        Assert.Equal(AlertDescription.DecodeError, Assert.Throws<TlsException>(() => KeyUpdateMessage.Parse([0, 0])).Alert);
    }

    [Fact]
    public void Finished_must_be_exactly_the_hash_length()
    {
        Assert.Equal(32, FinishedMessage.Parse(new byte[32], 32).Length);
        Assert.Equal(AlertDescription.DecodeError, Assert.Throws<TlsException>(() => FinishedMessage.Parse(new byte[48], 32)).Alert);
    }
}

public class HandshakeDeframerTests
{
    [Fact]
    public void Joins_fragments_and_splits_coalesced_messages()
    {
        var deframer = new HandshakeDeframer();
        byte[] first = [20, 0, 0, 3, 1, 2, 3];
        byte[] second = [24, 0, 0, 1, 0];
        var all = Bytes.Concat(first, second);
        deframer.Append(all.AsSpan(0, 2));
        Assert.Null(deframer.TryTakeMessage());
        Assert.True(deframer.HasPartialMessage);
        deframer.Append(all.AsSpan(2));
        Assert.Equal(first, deframer.TryTakeMessage());
        Assert.Equal(second, deframer.TryTakeMessage());
        Assert.Null(deframer.TryTakeMessage());
        Assert.False(deframer.HasPartialMessage);
        deframer.EnsureAlignedForKeyChange("Finished");
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Implementations
    //# MUST verify that all messages immediately preceding a key change
    //# align with a record boundary; if not, then they MUST terminate the
    //# connection with an "unexpected_message" alert.
    [Fact]
    public void Leftover_bytes_at_a_key_change_are_unexpected_message()
    {
        var deframer = new HandshakeDeframer();
        deframer.Append([20, 0, 0, 1, 9, 24]);
        Assert.NotNull(deframer.TryTakeMessage());
        var e = Assert.Throws<TlsException>(() => deframer.EnsureAlignedForKeyChange("Finished"));
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void Empty_fragment_is_unexpected_message_and_oversized_message_is_decode_error()
    {
        Assert.Equal(AlertDescription.UnexpectedMessage, Assert.Throws<TlsException>(() => new HandshakeDeframer().Append([])).Alert);
        var deframer = new HandshakeDeframer();
        deframer.Append([11, 0x02, 0x00, 0x01]); // 2^17 + 1 bytes announced
        Assert.Equal(AlertDescription.DecodeError, Assert.Throws<TlsException>(() => deframer.TryTakeMessage()).Alert);
    }
}
