using Reference.Tls.Certificates;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Record;
using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.Malformed;

/// <summary>
/// Protected flights of a real handshake, opened with the logged traffic secrets, altered, and re-sealed
/// with the same keys: the record layer accepts them, so each rejection comes from the handshake checks.
/// </summary>
public class TamperedFlightTests
{
    private const string ServerHandshake = "SERVER_HANDSHAKE_TRAFFIC_SECRET";
    private const string ClientHandshake = "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    private const string ClientApplication = "CLIENT_TRAFFIC_SECRET_0";

    /// <summary>The server's flight with its protected messages edited, fed to the client.</summary>
    private static void ClientRejectsServerFlight(AlertDescription alert, Func<List<byte[]>, IEnumerable<byte[]>> edit)
    {
        using var s = new Scenario();
        var flight = s.ServerFlight();
        var altered = Bytes.RewriteProtectedHandshake(flight, Scenario.Suite, s.ServerKeys[ServerHandshake], edit);
        Fatal.OnFeed(s.Client, alert, altered, s.ClientKeys);
    }

    /// <summary>The client's final flight with its protected messages edited, fed to the server.</summary>
    private static void ServerRejectsClientFlight(AlertDescription alert, Func<List<byte[]>, IEnumerable<byte[]>> edit, ClientAuthMode auth = ClientAuthMode.None)
    {
        using var s = auth == ClientAuthMode.None ? new Scenario() : MutualScenario(auth);
        var flight = s.ClientFinalFlight();
        var altered = Bytes.RewriteProtectedHandshake(flight, Scenario.Suite, s.ClientKeys[ClientHandshake], edit);
        Fatal.OnFeed(s.Server, alert, altered, s.ServerKeys);
    }

    private static Scenario MutualScenario(ClientAuthMode auth)
    {
        var pki = InMemoryPair.Pki(KeyKind.EcdsaP256);
        return new Scenario(auth, client: c => new TlsConfig
        {
            TrustStore = c.TrustStore, CipherSuites = c.CipherSuites, KeyLogCallback = c.KeyLogCallback,
            Certificate = CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem),
        });
    }

    /// <summary>Seals one handshake message under the client's first application key, as if the client sent it.</summary>
    private static byte[] SealAsClientApplication(Scenario s, byte[] content, ContentType type = ContentType.Handshake)
    {
        using var writer = RecordProtector.Create(CipherSuiteSpec.Get(Scenario.Suite), s.ClientKeys[ClientApplication]);
        return Bytes.Seal(writer, type, content);
    }

    [Fact]
    public void Re_sealing_an_unaltered_server_flight_still_completes_the_handshake()
    {
        using var s = new Scenario();
        var flight = s.ServerFlight();
        s.Client.Feed(Bytes.RewriteProtectedHandshake(flight, Scenario.Suite, s.ServerKeys[ServerHandshake], m => m));
        Assert.True(s.Client.IsHandshakeComplete);
        var final = Scenario.Take(s.Client);
        s.Server.Feed(Bytes.RewriteProtectedHandshake(final, Scenario.Suite, s.ClientKeys[ClientHandshake], m => m));
        Assert.True(s.Server.IsHandshakeComplete);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
    //= type=test
    //# Recipients of Finished messages MUST verify that the contents are
    //# correct and if incorrect MUST terminate the connection with a
    //# "decrypt_error" alert.
    [Fact]
    public void Client_Finished_with_a_flipped_verify_data_bit_is_decrypt_error() =>
        ServerRejectsClientFlight(AlertDescription.DecryptError, m => Bytes.FlipLastByteOf(m, HandshakeType.Finished));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
    //= type=test
    //# Recipients of Finished messages MUST verify that the contents are
    //# correct and if incorrect MUST terminate the connection with a
    //# "decrypt_error" alert.
    [Fact]
    public void Server_Finished_with_a_flipped_verify_data_bit_is_decrypt_error() =>
        ClientRejectsServerFlight(AlertDescription.DecryptError, m => Bytes.FlipLastByteOf(m, HandshakeType.Finished));

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public void Finished_of_the_wrong_length_is_decode_error(int length) =>
        ClientRejectsServerFlight(AlertDescription.DecodeError,
            m => Bytes.Replace(m, HandshakeType.Finished, Bytes.Handshake(HandshakeType.Finished, new byte[length])));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# If the verification fails, the receiver MUST terminate the handshake
    //# with a "decrypt_error" alert.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# The receiver of a CertificateVerify message MUST verify the signature
    //# field.
    [Fact]
    public void Server_CertificateVerify_with_a_bad_signature_is_decrypt_error() =>
        ClientRejectsServerFlight(AlertDescription.DecryptError, m => m.Select(message =>
        {
            if (message[0] != (byte)HandshakeType.CertificateVerify)
            {
                return message;
            }

            var verify = CertificateVerifyMessage.Parse(message.AsSpan(4));
            var signature = verify.Signature.ToArray();
            signature[signature.Length / 2] ^= 0x10; // inside the signature value, keeping the DER frame intact
            return Bytes.Handshake(HandshakeType.CertificateVerify, Bytes.Write(new CertificateVerifyMessage(verify.Scheme, signature).Write));
        }));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# If the verification fails, the receiver MUST terminate the handshake
    //# with a "decrypt_error" alert.
    [Fact]
    public void Client_CertificateVerify_with_a_bad_signature_is_decrypt_error() =>
        ServerRejectsClientFlight(AlertDescription.DecryptError, m => m.Select(message =>
        {
            if (message[0] != (byte)HandshakeType.CertificateVerify)
            {
                return message;
            }

            var verify = CertificateVerifyMessage.Parse(message.AsSpan(4));
            var signature = verify.Signature.ToArray();
            signature[signature.Length / 2] ^= 0x10;
            return Bytes.Handshake(HandshakeType.CertificateVerify, Bytes.Write(new CertificateVerifyMessage(verify.Scheme, signature).Write));
        }), ClientAuthMode.Required);

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# If the CertificateVerify message is sent by a server, the signature
    //# algorithm MUST be one offered in the client's "signature_algorithms"
    //# extension unless no valid certificate chain can be produced without
    //# unsupported algorithms (see Section 4.2.3).
    [Fact]
    public void Server_CertificateVerify_with_a_scheme_the_client_did_not_offer_is_illegal_parameter() =>
        ClientRejectsServerFlight(AlertDescription.IllegalParameter, m => m.Select(message =>
            message[0] != (byte)HandshakeType.CertificateVerify ? message
                : Bytes.Handshake(HandshakeType.CertificateVerify, Bytes.Concat([0x04, 0x01], message.AsSpan(6).ToArray()))));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
    //= type=test
    //# If the server supplies an empty Certificate message, the client MUST
    //# abort the handshake with a "decode_error" alert.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# The server's certificate_list MUST always be non-empty.
    [Fact]
    public void Empty_server_Certificate_is_decode_error() =>
        ClientRejectsServerFlight(AlertDescription.DecodeError,
            m => Bytes.Replace(m, HandshakeType.Certificate, Bytes.Handshake(HandshakeType.Certificate, [0, 0, 0, 0])));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# Otherwise (in the case of server authentication), this field SHALL be
    //# zero length.
    [Fact]
    public void Server_Certificate_with_a_request_context_is_illegal_parameter() =>
        ClientRejectsServerFlight(AlertDescription.IllegalParameter, m => m.Select(message =>
        {
            if (message[0] != (byte)HandshakeType.Certificate)
            {
                return message;
            }

            var certificate = CertificateMessage.Parse(message.AsSpan(4));
            var withContext = new CertificateMessage { Context = [7], Entries = certificate.Entries };
            return Bytes.Handshake(HandshakeType.Certificate, Bytes.Write(withContext.Write));
        }));

    [Fact]
    public void Server_Certificate_whose_list_overruns_the_message_is_decode_error() =>
        ClientRejectsServerFlight(AlertDescription.DecodeError, m => m.Select(message =>
        {
            if (message[0] != (byte)HandshakeType.Certificate)
            {
                return message;
            }

            var copy = message.ToArray();
            copy[6] ^= 0x01; // low byte of the certificate_list length (after the empty context)
            return copy;
        }));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# If an implementation receives an extension
    //# which it recognizes and which is not specified for the message in
    //# which it appears, it MUST abort the handshake with an
    //# "illegal_parameter" alert.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.1
    //= type=test
    //# The client MUST check EncryptedExtensions for the presence of any
    //# forbidden extensions and if any are found MUST abort the handshake with
    //# an "illegal_parameter" alert.
    [Theory]
    [InlineData((ushort)ExtensionType.KeyShare)]
    [InlineData((ushort)ExtensionType.SupportedVersions)]
    [InlineData((ushort)ExtensionType.SignatureAlgorithms)]
    [InlineData((ushort)ExtensionType.Cookie)]
    public void Extension_not_allowed_in_EncryptedExtensions_is_illegal_parameter(ushort type) =>
        ClientRejectsServerFlight(AlertDescription.IllegalParameter, m => Bytes.Replace(m, HandshakeType.EncryptedExtensions,
            Bytes.Handshake(HandshakeType.EncryptedExtensions, Bytes.Write(new EncryptedExtensions { Extensions = [new((ExtensionType)type, [0, 0x1D])] }.Write))));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# Upon
    //# receiving such an extension, an endpoint MUST abort the handshake
    //# with an "unsupported_extension" alert.
    [Fact]
    public void Unsolicited_ALPN_in_EncryptedExtensions_is_unsupported_extension() =>
        ClientRejectsServerFlight(AlertDescription.UnsupportedExtension, m => Bytes.Replace(m, HandshakeType.EncryptedExtensions,
            Bytes.Handshake(HandshakeType.EncryptedExtensions, Bytes.Write(new EncryptedExtensions
            {
                Extensions = [new(ExtensionType.ApplicationLayerProtocolNegotiation, AlpnExtension.Encode(["h2"]))],
            }.Write))));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4
    //= type=test
    //# A peer which receives a
    //# handshake message in an unexpected order MUST abort the handshake
    //# with an "unexpected_message" alert.
    [Theory]
    [InlineData("without CertificateVerify")]
    [InlineData("without Certificate")]
    [InlineData("Certificate before EncryptedExtensions")]
    [InlineData("Finished twice")]
    [InlineData("KeyUpdate inside the flight")]
    [InlineData("second ServerHello")]
    public void Server_flight_out_of_order_is_unexpected_message(string defect) =>
        ClientRejectsServerFlight(AlertDescription.UnexpectedMessage, m =>
        {
            byte[] Of(HandshakeType t) => m.Single(x => x[0] == (byte)t);
            var ee = Of(HandshakeType.EncryptedExtensions);
            var cert = Of(HandshakeType.Certificate);
            var cv = Of(HandshakeType.CertificateVerify);
            var fin = Of(HandshakeType.Finished);
            return defect switch
            {
                "without CertificateVerify" => [ee, cert, fin],
                "without Certificate" => [ee, cv, fin],
                "Certificate before EncryptedExtensions" => [cert, ee, cv, fin],
                "Finished twice" => [ee, cert, cv, fin, fin],
                "KeyUpdate inside the flight" => [ee, Bytes.Handshake(HandshakeType.KeyUpdate, [0]), cert, cv, fin],
                "second ServerHello" => [Bytes.Handshake(HandshakeType.ServerHello, new byte[40]), ee, cert, cv, fin],
                _ => throw new ArgumentException(defect),
            };
        });

    [Theory]
    [InlineData("Certificate without a request")]
    [InlineData("KeyUpdate before Finished")]
    [InlineData("EncryptedExtensions from the client")]
    public void Client_flight_out_of_order_is_unexpected_message(string defect) =>
        ServerRejectsClientFlight(AlertDescription.UnexpectedMessage, m => defect switch
        {
            "Certificate without a request" => [Bytes.Handshake(HandshakeType.Certificate, [0, 0, 0, 0]), .. m],
            "KeyUpdate before Finished" => [Bytes.Handshake(HandshakeType.KeyUpdate, [0]), .. m],
            "EncryptedExtensions from the client" => [Bytes.Handshake(HandshakeType.EncryptedExtensions, [0, 0]), .. m],
            _ => throw new ArgumentException(defect),
        });

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# Because TLS 1.3 forbids renegotiation, if a server has negotiated
    //# TLS 1.3 and receives a ClientHello at any other time, it MUST
    //# terminate the connection with an "unexpected_message" alert.
    [Fact]
    public void ClientHello_after_the_handshake_is_unexpected_message()
    {
        using var s = new Scenario();
        var hello = Bytes.SplitRecords(s.ClientHelloRecord())[0].Payload;
        s.Server.Feed(Bytes.Record(ContentType.Handshake, hello));
        s.Client.Feed(Scenario.Take(s.Server));
        s.Server.Feed(Scenario.Take(s.Client));
        Assert.True(s.Server.IsHandshakeComplete);
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, SealAsClientApplication(s, hello), s.ServerKeys);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //= type=test
    //# If an implementation
    //# receives any other value, it MUST terminate the connection with an
    //# "illegal_parameter" alert.
    [Theory]
    [InlineData(2)]
    [InlineData(255)]
    public void KeyUpdate_with_an_undefined_request_value_is_illegal_parameter(byte value)
    {
        using var s = new Scenario();
        s.Complete();
        Fatal.OnFeed(s.Server, AlertDescription.IllegalParameter,
            SealAsClientApplication(s, Bytes.Handshake(HandshakeType.KeyUpdate, [value])), s.ServerKeys);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0, 0 })]
    public void KeyUpdate_of_the_wrong_length_is_decode_error(byte[] body)
    {
        using var s = new Scenario();
        s.Complete();
        Fatal.OnFeed(s.Server, AlertDescription.DecodeError,
            SealAsClientApplication(s, Bytes.Handshake(HandshakeType.KeyUpdate, body)), s.ServerKeys);
    }

    [Fact]
    public void KeyUpdate_not_at_a_record_boundary_is_unexpected_message()
    {
        using var s = new Scenario();
        s.Complete();
        var keyUpdateThenPartial = Bytes.Concat(Bytes.Handshake(HandshakeType.KeyUpdate, [0]), [(byte)HandshakeType.KeyUpdate, 0]);
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, SealAsClientApplication(s, keyUpdateThenPartial), s.ServerKeys);
    }

    [Fact]
    public void A_valid_KeyUpdate_sealed_by_hand_is_accepted()
    {
        using var s = new Scenario();
        s.Complete();
        s.Server.Feed(SealAsClientApplication(s, Bytes.Handshake(HandshakeType.KeyUpdate, [0])));
        Assert.Equal((1, 0), s.Server.KeyUpdateCounts);
    }

    [Fact]
    public void NewSessionTicket_from_the_client_is_unexpected_message()
    {
        using var s = new Scenario();
        s.Complete();
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage,
            SealAsClientApplication(s, Bytes.Handshake(HandshakeType.NewSessionTicket, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 9, 0, 0])), s.ServerKeys);
    }
}
