using Reference.Tls.Certificates;
using Reference.Tls.Crypto;
using Reference.Tls.Record;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Tests.Malformed;

namespace Reference.Tls.Tests.Compliance;

/// <summary>Which messages each side sends, in which order and under which keys (RFC 8446 §4, §4.3-§4.6, §5).</summary>
public class FlightComplianceTests
{
    private static readonly ContentType[] DefinedTypes = [ContentType.ChangeCipherSpec, ContentType.Alert, ContentType.Handshake, ContentType.ApplicationData];

    /// <summary>Runs a whole handshake and returns the names of the messages each side sent, in order.</summary>
    private static (List<string> Client, List<string> Server, List<WireRecord> ServerRecords, List<WireRecord> ClientRecords) Run(
        ClientAuthMode auth = ClientAuthMode.None, bool clientCertificate = false)
    {
        var sentByClient = new List<string>();
        var sentByServer = new List<string>();
        var pki = InMemoryPair.Pki(KeyKind.EcdsaP256);
        var (c, s) = InMemoryPair.Configs(
            client: x => x with
            {
                HandshakeObserver = e => { if (e.Sent) { sentByClient.Add(e.Message); } },
                Certificate = clientCertificate ? CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem) : null,
            },
            server: x => x with { ClientAuth = auth, HandshakeObserver = e => { if (e.Sent) { sentByServer.Add(e.Message); } } });
        using var pair = new InMemoryPair(c, s);
        var clientFirst = Scenario.Take(pair.Client);
        pair.Server.Feed(clientFirst);
        var serverFlight = Scenario.Take(pair.Server);
        pair.Client.Feed(serverFlight);
        var clientSecond = Scenario.Take(pair.Client);
        pair.Server.Feed(clientSecond);
        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.True(pair.Client.IsHandshakeComplete);
        return (sentByClient, sentByServer, Bytes.SplitRecords(serverFlight), Bytes.SplitRecords(Bytes.Concat(clientFirst, clientSecond)));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4
    //= type=test
    //# Protocol messages MUST be sent in the order defined in Section 4.4.1 and
    //# shown in the diagrams in Section 2.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.1
    //= type=test
    //# In all handshakes, the server MUST send the EncryptedExtensions message
    //# immediately after the ServerHello message.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# The server MUST send a Certificate message whenever the agreed-upon key
    //# exchange method uses certificates for authentication (this includes all
    //# key exchange methods defined in this document except PSK).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# Servers MUST send this message when authenticating via a certificate.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# When sent, this message MUST appear immediately after the Certificate
    //# message and immediately prior to the Finished message.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# The client MUST send a Certificate message if and only if the server has
    //# requested client authentication via a CertificateRequest message
    //# (Section 4.3.2).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5
    //= type=test
    //# Implementations MUST NOT send record types not defined in this document
    //# unless negotiated by some extension.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Because the ClientHello, EndOfEarlyData, ServerHello, Finished, and
    //# KeyUpdate messages can immediately precede a key change, implementations
    //# MUST send these messages in alignment with a record boundary.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# -  Handshake messages MUST NOT span key changes.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4
    //= type=test
    //# change_cipher_spec at any time during the handshake, as they must be
    //# ignored by the peer, but if the client sends a non-empty session ID, the
    //# server MUST send the change_cipher_spec as described in this appendix.
    [Fact]
    public void Full_handshake_messages_come_in_the_rfc_order()
    {
        var (client, server, serverRecords, clientRecords) = Run();
        Assert.Equal(["ServerHello", "EncryptedExtensions", "Certificate", "CertificateVerify", "Finished"], server);
        Assert.Equal(["ClientHello", "Finished"], client);
        Assert.All(serverRecords.Concat(clientRecords), r => Assert.Contains(r.Type, DefinedTypes));
        // ServerHello precedes a key change: it sits alone in the first record, followed by the dummy change_cipher_spec.
        var serverHelloRecord = Bytes.SplitHandshake(serverRecords[0].Payload);
        Assert.Single(serverHelloRecord);
        Assert.Equal((byte)HandshakeType.ServerHello, serverHelloRecord[0][0]);
        Assert.Equal(ContentType.ChangeCipherSpec, serverRecords[1].Type);
        Assert.Equal(ContentType.ApplicationData, serverRecords[2].Type);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
    //= type=test
    //# A server which is authenticating with a certificate MAY optionally
    //# request a certificate from the client.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
    //= type=test
    //# This message, if sent, MUST follow EncryptedExtensions.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
    //= type=test
    //# Clients MUST send this message whenever authenticating via a certificate
    //# (i.e., when the Certificate message is non-empty).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# The client MUST send a Certificate message if and only if the server has
    //# requested client authentication via a CertificateRequest message
    //# (Section 4.3.2).
    [Fact]
    public void Client_authentication_messages_come_in_the_rfc_order()
    {
        var (client, server, _, _) = Run(ClientAuthMode.Required, clientCertificate: true);
        Assert.Equal(["ServerHello", "EncryptedExtensions", "CertificateRequest", "Certificate", "CertificateVerify", "Finished"], server);
        Assert.Equal(["ClientHello", "Certificate", "CertificateVerify", "Finished"], client);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# If the server requests client authentication but no suitable certificate
    //# is available, the client MUST send a Certificate message containing no
    //# certificates (i.e., with the "certificate_list" field having length 0).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# A Finished message MUST be sent regardless of whether the Certificate
    //# message is empty.
    [Fact]
    public void A_client_without_a_certificate_answers_a_request_with_an_empty_Certificate_and_Finished()
    {
        var (client, _, _, _) = Run(ClientAuthMode.Optional, clientCertificate: false);
        Assert.Equal(["ClientHello", "Certificate (empty)", "Finished"], client);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
    //= type=test
    //# Any records following a Finished message MUST be encrypted under the
    //# appropriate application traffic key as described in Section 7.2.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Note that Application Data records MUST NOT be written to the wire
    //# unprotected (see Section 2 for details).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.3
    //= type=test
    //# Each sequence number is set to zero at the beginning of a connection and
    //# whenever the key is changed; the first record transmitted under a
    //# particular traffic key MUST use sequence number 0.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //= type=test
    //# Both sender and receiver MUST encrypt their KeyUpdate messages with the
    //# old keys.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-2
    //= type=test
    //# Application Data MUST NOT be sent prior to sending the Finished
    //# message, except as specified in Section 2.3.
    [Fact]
    public void Application_data_and_KeyUpdate_are_protected_under_the_right_key_from_sequence_number_0()
    {
        using var s = new Scenario();
        var early = Fatal.CatchTls(() => s.Client.WriteApplicationData([1]));
        Assert.Equal(TlsErrorType.Usage, early.ErrorType);
        s.Complete();
        var spec = CipherSuiteSpec.Get(Scenario.Suite);
        var key0 = s.ClientKeys["CLIENT_TRAFFIC_SECRET_0"];
        s.Client.WriteApplicationData([1, 2, 3]);
        s.Client.UpdateKeys(requestPeerUpdate: false);
        s.Client.WriteApplicationData([4]);
        var records = Bytes.SplitRecords(Scenario.Take(s.Client));
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal(ContentType.ApplicationData, r.Type));
        using var reader = RecordProtector.Create(spec, key0);
        var (t0, c0) = Bytes.Open(reader, records[0]);
        Assert.Equal(ContentType.ApplicationData, t0);
        Assert.Equal(new byte[] { 1, 2, 3 }, c0);
        var (t1, c1) = Bytes.Open(reader, records[1]);
        Assert.Equal(ContentType.Handshake, t1);
        Assert.Equal((byte)HandshakeType.KeyUpdate, c1[0]);
        var next = Reference.Tls.KeySchedule.TlsKeySchedule.NextTrafficSecret(spec, key0);
        using var nextReader = RecordProtector.Create(spec, next);
        Assert.Equal(new byte[] { 4 }, Bytes.Open(nextReader, records[2]).Content);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //= type=test
    //# Implementations that receive a KeyUpdate message prior to receiving a
    //# Finished message MUST terminate the connection with an
    //# "unexpected_message" alert.
    [Fact]
    public void KeyUpdate_before_the_handshake_completes_is_unexpected_message()
    {
        using var fresh = new Scenario();
        Fatal.OnFeed(fresh.Server, AlertDescription.UnexpectedMessage, Bytes.HandshakeRecord(HandshakeType.KeyUpdate, [0]));
        using var waiting = new Scenario();
        waiting.ClientHelloRecord();
        Fatal.OnFeed(waiting.Client, AlertDescription.UnexpectedMessage, Bytes.HandshakeRecord(HandshakeType.KeyUpdate, [0]));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
    //= type=test
    //# Servers MUST NOT send this message, and clients receiving it MUST
    //# terminate the connection with an "unexpected_message" alert.
    [Fact]
    public void EndOfEarlyData_received_by_a_client_is_unexpected_message()
    {
        using var s = new Scenario();
        s.ClientHelloRecord();
        Fatal.OnFeed(s.Client, AlertDescription.UnexpectedMessage, Bytes.HandshakeRecord(HandshakeType.EndOfEarlyData, []));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.2
    //= type=test
    //# A client that receives a CertificateRequest message without having sent
    //# the "post_handshake_auth" extension MUST send an "unexpected_message"
    //# fatal alert.
    [Fact]
    public void Post_handshake_CertificateRequest_is_unexpected_message()
    {
        using var s = new Scenario();
        s.Complete();
        var request = Bytes.Handshake(HandshakeType.CertificateRequest, [0, 0, 8, 0, 13, 0, 4, 0, 2, 4, 3]);
        using var writer = RecordProtector.Create(CipherSuiteSpec.Get(Scenario.Suite), s.ServerKeys["SERVER_TRAFFIC_SECRET_0"]);
        Fatal.OnFeed(s.Client, AlertDescription.UnexpectedMessage, Bytes.Seal(writer, ContentType.Handshake, request), s.ClientKeys);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Alert messages (Section 6) MUST NOT be fragmented across records, and
    //# multiple alert messages MUST NOT be coalesced into a single TLSPlaintext
    //# record.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
    //= type=test
    //# Upon transmission or receipt of a fatal alert message, both parties MUST
    //# immediately close the connection.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
    //= type=test
    //# Whenever an implementation encounters a fatal error condition, it SHOULD
    //# send an appropriate fatal alert and MUST close the connection without
    //# sending or receiving any additional data.
    [Fact]
    public void A_fatal_alert_is_one_two_byte_record_and_the_connection_is_closed()
    {
        using var s = new Scenario();
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, Bytes.HandshakeRecord(HandshakeType.Finished, new byte[32]));
        var records = Bytes.SplitRecords(s.Server.PendingOutput);
        var alert = Assert.Single(records);
        Assert.Equal(ContentType.Alert, alert.Type);
        Assert.Equal(new byte[] { 2, (byte)AlertDescription.UnexpectedMessage }, alert.Payload);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Upon receiving such an alert, the TLS implementation SHOULD indicate
    //# end-of-data to the application.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
    //= type=test
    //# If the application protocol using TLS provides that any data may be
    //# carried over the underlying transport after the TLS connection is
    //# closed, the TLS implementation MUST receive a "close_notify" alert
    //# before indicating end-of-data to the application layer.
    [Fact]
    public void End_of_data_is_reported_only_after_close_notify()
    {
        using var s = new Scenario();
        s.Complete();
        s.Client.WriteApplicationData([7]);
        s.Server.Feed(Scenario.Take(s.Client));
        Assert.False(s.Server.IsPeerClosed);
        s.Client.Close();
        s.Server.Feed(Scenario.Take(s.Client));
        Assert.True(s.Server.IsPeerClosed);
        Assert.Equal(1, s.Server.AvailableApplicationData);
    }
}
