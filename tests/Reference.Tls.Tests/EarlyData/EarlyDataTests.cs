using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Record;
using Reference.Tls.StateMachine;
using Reference.Tls.Tests.Connection;
using static Reference.Tls.Tests.EarlyData.EarlyDataHarness;

namespace Reference.Tls.Tests.EarlyData;

/// <summary>0-RTT (RFC 8446 §2.3, §4.2.10, §4.5): accepted, rejected for each reason, and the failures.</summary>
public class EarlyDataTests
{
    private static readonly byte[] Request = "GET / HTTP/1.1\r\n\r\n"u8.ToArray();

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# max_early_data_size:  The maximum amount of 0-RTT data that the
    //# client is allowed to send when using this ticket, in bytes.
    [Fact]
    public void A_ticket_carries_the_servers_max_early_data_size()
    {
        var (c, s) = Configs();
        Assert.Equal(MaxEarly, Ticket(c, s).MaxEarlyDataSize);
        var (c0, s0) = Configs(server: s => s with { MaxEarlyDataSize = 0 });
        Assert.Equal(0u, Ticket(c0, s0).MaxEarlyDataSize);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.3
    //= type=test
    //# Figure 4: Message Flow for a 0-RTT Handshake
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# When a PSK is used and early data is allowed for that PSK, the client
    //# can send Application Data in its first flight of messages.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# The PSK used to encrypt the early data MUST be the first PSK listed in
    //# the client's "pre_shared_key" extension.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
    //= type=test
    //# If the server sent an "early_data" extension in EncryptedExtensions, the
    //# client MUST send an EndOfEarlyData message after receiving the server
    //# Finished.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# Return its own "early_data" extension in EncryptedExtensions,
    //# indicating that it intends to process the early data.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
    //= type=test
    //# This
    //# message is encrypted under keys derived from the
    //# client_early_traffic_secret.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
    //= type=test
    //# +-----> Derive-Secret(., "c e traffic", ClientHello)
    //# |                     = client_early_traffic_secret
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11.3
    //= type=test
    //# In order to avoid deadlocks, when accepting "early_data", servers MUST
    //# process the client's ClientHello and then immediately send their flight
    //# of messages, rather than waiting for the client's EndOfEarlyData message
    //# before sending its ServerHello.
    [Fact]
    public void Accepted_early_data_reaches_the_server_only_through_ReadEarlyData()
    {
        var (c, s) = Configs();
        using var r = Resume(c, s, Ticket(c, s), Request);
        Assert.Equal(EarlyDataStatus.Requested, r.Client.EarlyDataStatus);
        // The ClientHello, CCS and early data arrive together; the server answers with its whole flight at once.
        InMemoryPair.Move(r.Client, r.Server);
        Assert.Equal(EarlyDataStatus.Accepted, r.Server.EarlyDataStatus);
        Assert.True(r.Server.HasPendingOutput);
        Assert.Contains(r.ServerTransitions, t => t.Message == TableMessage.EncryptedExtensionsEarlyData);
        Assert.Equal(Request, ReadAllEarly(r.Server));
        r.Pump();
        Assert.True(r.Client.IsHandshakeComplete && r.Server.IsHandshakeComplete);
        Assert.Equal(EarlyDataStatus.Accepted, r.Client.EarlyDataStatus);
        Assert.True(r.SawEndOfEarlyData);
        Assert.True(r.Client.Info!.PreSharedKeyAccepted);
        Assert.Equal(0, r.Server.AvailableApplicationData);
        r.Client.WriteApplicationData([1, 2, 3]);
        r.Pump();
        Assert.Equal(new byte[] { 1, 2, 3 }, ReadAllApplication(r.Server));
        Assert.Equal(0, r.Server.AvailableEarlyData);
    }

    [Fact]
    public void Accepted_without_any_early_bytes_still_ends_with_EndOfEarlyData()
    {
        var (c, s) = Configs();
        using var r = Resume(c, s, Ticket(c, s), []);
        r.Pump();
        Assert.Equal(EarlyDataStatus.Accepted, r.Server.EarlyDataStatus);
        Assert.True(r.SawEndOfEarlyData);
        Assert.True(r.Server.IsHandshakeComplete);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# A server which receives an "early_data" extension MUST behave in one of
    //# three ways:
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
    //= type=test
    //# If the server does not send an "early_data" extension in
    //# EncryptedExtensions, then the client MUST NOT send an EndOfEarlyData
    //# message.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# Ignore the extension and return a regular 1-RTT response.  The
    //# server then skips past early data by attempting to deprotect
    //# received records using the handshake traffic key, discarding
    //# records which fail deprotection (up to the configured
    //# max_early_data_size).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# If the server rejects the "early_data" extension, the client application
    //# MAY opt to retransmit the Application Data previously sent in early data
    //# once the handshake has been completed.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# A TLS implementation SHOULD NOT automatically resend early data;
    //# applications are in a better position to decide when retransmission is
    //# appropriate.
    [Fact]
    public void A_server_that_allows_no_early_data_skips_it_and_the_application_may_resend_it()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        using var r = Resume(c, s with { MaxEarlyDataSize = 0 }, ticket, Request);
        r.Pump();
        AssertRejected(r);
        Assert.True(r.Server.Info!.PreSharedKeyAccepted);
        Assert.Equal(0, r.Server.AvailableApplicationData);
        r.Client.WriteApplicationData(Request);
        r.Pump();
        Assert.Equal(Request, ReadAllApplication(r.Server));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# In addition, it MUST verify that the following values are the same as
    //# those associated with the selected PSK:
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# -  The selected ALPN [RFC7301] protocol, if any
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# If any of these checks fail, the server MUST NOT respond with the
    //# extension and must discard all the first-flight data using one of the
    //# first two mechanisms listed above (thus falling back to 1-RTT or 2-RTT).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# A TLS implementation MUST NOT automatically resend early data unless the
    //# negotiated connection selects the same ALPN protocol.
    [Fact]
    public void Another_alpn_protocol_rejects_early_data()
    {
        var (c, s) = Configs(client: c => c with { ApplicationProtocols = ["h2"] }, server: s => s with { ApplicationProtocols = ["h2", "http/1.1"] });
        var ticket = Ticket(c, s);
        using var r = Resume(c with { ApplicationProtocols = ["http/1.1"] }, s, ticket, Request);
        r.Pump();
        AssertRejected(r);
        Assert.Equal("http/1.1", r.Client.Info!.ApplicationProtocol);
        Assert.Equal(0, r.Server.AvailableApplicationData);
    }

    [Fact]
    public void The_same_alpn_protocol_accepts_early_data()
    {
        var (c, s) = Configs(client: c => c with { ApplicationProtocols = ["h2"] }, server: s => s with { ApplicationProtocols = ["h2"] });
        using var r = Resume(c, s, Ticket(c, s), Request);
        r.Pump();
        Assert.Equal(EarlyDataStatus.Accepted, r.Client.EarlyDataStatus);
        Assert.Equal(Request, ReadAllEarly(r.Server));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# -  The selected cipher suite
    [Fact]
    public void Another_cipher_suite_of_the_same_hash_resumes_but_rejects_early_data()
    {
        var (c, s) = Configs(server: s => s with { CipherSuites = [CipherSuite.TlsAes128GcmSha256] });
        var ticket = Ticket(c, s);
        using var r = Resume(c, s with { CipherSuites = [CipherSuite.TlsChacha20Poly1305Sha256] }, ticket, Request);
        r.Pump();
        AssertRejected(r);
        Assert.True(r.Client.Info!.PreSharedKeyAccepted);
        Assert.Equal(CipherSuite.TlsChacha20Poly1305Sha256, r.Client.Info.CipherSuite);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# For PSKs provisioned via NewSessionTicket, a server MUST validate that
    //# the ticket age for the selected PSK identity (computed by subtracting
    //# ticket_age_add from PskIdentity.obfuscated_ticket_age modulo 2^32) is
    //# within a small tolerance of the time since the ticket was issued (see
    //# Section 8).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# If it is not, the server SHOULD proceed with the handshake but reject
    //# 0-RTT, and SHOULD NOT take any other action that assumes that this
    //# ClientHello is fresh.
    [Theory]
    [InlineData(30, false)]
    [InlineData(-30, false)]
    [InlineData(5, true)]
    public void A_ticket_age_outside_the_tolerance_rejects_early_data(int serverClockSkewSeconds, bool accepted)
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        var skewed = s with { DangerousClock = () => DateTime.UtcNow.AddSeconds(serverClockSkewSeconds) };
        using var r = Resume(c, skewed, ticket, Request);
        r.Pump();
        Assert.True(r.Server.IsHandshakeComplete);
        Assert.True(r.Server.Info!.PreSharedKeyAccepted);
        Assert.Equal(accepted ? EarlyDataStatus.Accepted : EarlyDataStatus.Rejected, r.Server.EarlyDataStatus);
        Assert.Equal(accepted ? Request.Length : 0, r.Server.AvailableEarlyData);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# A client MUST NOT include the "early_data" extension in its followup
    //# ClientHello.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# The server
    //# then ignores early data by skipping all records with an external
    //# content type of "application_data" (indicating that they are
    //# encrypted), up to the configured max_early_data_size.
    [Fact]
    public void A_hello_retry_request_rejects_early_data_and_the_server_skips_it()
    {
        var (c, s) = Configs(client: c => c with { Groups = [NamedGroup.X25519, NamedGroup.Secp256r1] });
        var ticket = Ticket(c, s);
        using var r = Resume(c, s with { Groups = [NamedGroup.Secp256r1] }, ticket, Request);
        r.Pump();
        Assert.True(r.Client.Info!.HelloRetryRequest);
        AssertRejected(r);
        Assert.True(r.Client.Info.PreSharedKeyAccepted);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# A server receiving more than max_early_data_size bytes of 0-RTT data
    //# SHOULD terminate the connection with an "unexpected_message" alert.
    [Fact]
    public void More_early_data_than_the_server_allows_is_an_unexpected_message()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        using var r = Resume(c, s with { MaxEarlyDataSize = 10 }, ticket, new byte[11]);
        var e = Assert.Throws<TlsException>(() => InMemoryPair.Move(r.Client, r.Server));
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void The_client_cannot_write_more_early_data_than_the_ticket_allows()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        using var client = TlsConnection.CreateClient(c, "localhost", ticket);
        client.WriteEarlyData(new byte[MaxEarly - 1]);
        var e = Assert.Throws<TlsException>(() => client.WriteEarlyData(new byte[2]));
        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
        client.WriteEarlyData(new byte[1]);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.1
    //= type=test
    //# Note that 0-RTT data is not compatible with older servers and SHOULD NOT
    //# be sent absent knowledge that the server supports TLS 1.3.
    [Fact]
    public void Early_data_needs_a_session_that_allows_it_and_ends_at_the_server_hello()
    {
        var (c, s) = Configs();
        using var fresh = TlsConnection.CreateClient(c, "localhost");
        Assert.Equal(EarlyDataStatus.NotRequested, fresh.EarlyDataStatus);
        Assert.Equal(TlsErrorType.Usage, Assert.Throws<TlsException>(() => fresh.WriteEarlyData([1])).ErrorType);
        var (c0, s0) = Configs(server: s => s with { MaxEarlyDataSize = 0 });
        using var noEarly = TlsConnection.CreateClient(c0, "localhost", Ticket(c0, s0));
        Assert.Equal(EarlyDataStatus.NotRequested, noEarly.EarlyDataStatus);
        Assert.Throws<TlsException>(() => noEarly.WriteEarlyData([1]));
        using var r = Resume(c, s, Ticket(c, s), Request);
        InMemoryPair.Move(r.Client, r.Server);
        InMemoryPair.Move(r.Server, r.Client);
        Assert.Equal(TlsErrorType.Usage, Assert.Throws<TlsException>(() => r.Client.WriteEarlyData([1])).ErrorType);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# If the server chooses to accept the "early_data" extension, then it MUST
    //# comply with the same error-handling requirements specified for all
    //# records when processing early data records.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# Specifically, if the server fails to decrypt a 0-RTT record following an
    //# accepted "early_data" extension, it MUST terminate the connection with a
    //# "bad_record_mac" alert as per Section 5.2.
    [Fact]
    public void A_tampered_accepted_early_record_is_a_bad_record_mac()
    {
        var (c, s) = Configs();
        using var r = Resume(c, s, Ticket(c, s), Request);
        var bytes = r.Client.PendingOutput.ToArray();
        r.Client.ConsumeOutput(bytes.Length);
        bytes[^1] ^= 0x01;
        var e = Assert.Throws<TlsException>(() => r.Server.Feed(bytes));
        Assert.Equal(AlertDescription.BadRecordMac, e.Alert);
        Assert.Equal(EarlyDataStatus.Accepted, r.Server.EarlyDataStatus);
    }

    [Fact]
    public void A_tampered_rejected_early_record_is_skipped()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        using var r = Resume(c, s with { MaxEarlyDataSize = 0 }, ticket, Request);
        var bytes = r.Client.PendingOutput.ToArray();
        r.Client.ConsumeOutput(bytes.Length);
        bytes[^1] ^= 0x01;
        r.Server.Feed(bytes);
        r.Pump();
        AssertRejected(r);
    }

    // Skipping a rejected 0-RTT record costs its length; an empty one would cost nothing, so a client could keep
    // the server skipping forever with 5-byte records (issue 17: records that make no progress).
    [Fact]
    public void Rejected_early_data_records_too_short_to_be_protected_are_a_bad_record_mac()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        using var r = Resume(c, s with { MaxEarlyDataSize = 0 }, ticket, Request);
        var bytes = r.Client.PendingOutput.ToArray();
        r.Client.ConsumeOutput(bytes.Length);
        int helloRecord = 5 + ((bytes[3] << 8) | bytes[4]);
        r.Server.Feed(bytes.AsSpan(0, helloRecord).ToArray());
        byte[] emptyRecords = Enumerable.Repeat(new byte[] { 23, 3, 3, 0, 0 }, 16_384 / 5).SelectMany(x => x).ToArray();
        var e = Assert.Throws<TlsException>(() =>
        {
            for (int i = 0; i < 32; i++)
            {
                r.Server.Feed(emptyRecords);
            }
        });
        Assert.Equal(AlertDescription.BadRecordMac, e.Alert);
    }

    [Fact]
    public void Rejected_early_data_beyond_the_skip_budget_fails()
    {
        var (c, s) = Configs(server: s => s with { MaxEarlyDataSize = 100_000 });
        var ticket = Ticket(c, s);
        // The ticket allows 100,000 bytes; a server that now allows none skips at most one record's worth.
        using var r = Resume(c, s with { MaxEarlyDataSize = 0 }, ticket, new byte[40_000]);
        var e = Assert.Throws<TlsException>(() => r.Pump());
        Assert.Equal(AlertDescription.BadRecordMac, e.Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# If the server supplies an "early_data" extension, the client MUST verify
    //# that the server's selected_identity is 0.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# If any other value is returned, the client MUST abort the handshake with
    //# an "illegal_parameter" alert.
    [Fact]
    public void Early_data_accepted_with_another_psk_than_the_first_is_an_illegal_parameter()
    {
        var unknown = TlsSession.External("unknown"u8, new byte[32], maxEarlyDataSize: 100);
        var known = TlsSession.External("known"u8, Enumerable.Repeat((byte)7, 32).ToArray(), maxEarlyDataSize: 100);
        var (c, s) = Configs(
            client: c => c with { PreSharedKeys = [unknown, known] },
            server: s => s with { PreSharedKeys = [known], DangerousTestAlwaysAcceptEarlyData = true });
        using var client = TlsConnection.CreateClient(c, "localhost");
        using var server = TlsConnection.CreateServer(s);
        Assert.Equal(EarlyDataStatus.Requested, client.EarlyDataStatus);
        var e = Assert.Throws<TlsException>(() => Pump(client, server));
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
        Assert.Equal(EarlyDataStatus.Accepted, server.EarlyDataStatus);
        Assert.Throws<TlsException>(() => client.WriteApplicationData([1]));
    }

    [Fact]
    public void Early_data_in_encrypted_extensions_that_was_not_offered_is_an_unsupported_extension()
    {
        var psk = TlsSession.External("psk"u8, Enumerable.Repeat((byte)7, 32).ToArray());
        var (c, s) = Configs(
            client: c => c with { PreSharedKeys = [psk] },
            server: s => s with { PreSharedKeys = [psk], DangerousTestAlwaysAcceptEarlyData = true });
        using var client = TlsConnection.CreateClient(c, "localhost");
        using var server = TlsConnection.CreateServer(s);
        Assert.Equal(EarlyDataStatus.NotRequested, client.EarlyDataStatus);
        var e = Assert.Throws<TlsException>(() => Pump(client, server));
        Assert.Equal(AlertDescription.UnsupportedExtension, e.Alert);
    }

    [Fact]
    public void An_external_psk_configured_for_early_data_on_both_sides_carries_it()
    {
        var secret = Enumerable.Repeat((byte)9, 32).ToArray();
        var clientPsk = TlsSession.External("ext"u8, secret, maxEarlyDataSize: 500);
        var serverPsk = TlsSession.External("ext"u8, secret, maxEarlyDataSize: 500);
        var (c, s) = Configs(client: c => c with { PreSharedKeys = [clientPsk] }, server: s => s with { PreSharedKeys = [serverPsk] });
        using var r = Resume(c, s, clientPsk, Request);
        r.Pump();
        Assert.Equal(EarlyDataStatus.Accepted, r.Client.EarlyDataStatus);
        Assert.Equal(Request, ReadAllEarly(r.Server));
        Assert.True(r.SawEndOfEarlyData);
    }

    [Fact]
    public void An_external_psk_the_server_does_not_allow_early_data_for_rejects_it()
    {
        var secret = Enumerable.Repeat((byte)9, 32).ToArray();
        var clientPsk = TlsSession.External("ext"u8, secret, maxEarlyDataSize: 500);
        var serverPsk = TlsSession.External("ext"u8, secret);
        var (c, s) = Configs(client: c => c with { PreSharedKeys = [clientPsk] }, server: s => s with { PreSharedKeys = [serverPsk] });
        using var r = Resume(c, s, clientPsk, Request);
        r.Pump();
        AssertRejected(r);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# If the client opts to do so, it MUST supply both the "pre_shared_key"
    //# and "early_data" extensions.
    [Fact]
    public void The_client_offers_early_data_only_for_a_capable_first_psk()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        using var r = Resume(c, s, ticket, []);
        Assert.Equal(EarlyDataStatus.Requested, r.Client.EarlyDataStatus);
        var record = r.Client.PendingOutput;
        var hello = ClientHello.Parse(record.Slice(9, (record[3] << 8 | record[4]) - 4));
        Assert.NotNull(ExtensionBlock.Find(hello.Extensions, ExtensionType.EarlyData));
        Assert.Equal(ExtensionType.PreSharedKey, hello.Extensions[^1].Type);
        using var r2 = Resume(c with { CipherSuites = [CipherSuite.TlsChacha20Poly1305Sha256] }, s, ticket, []);
        Assert.Equal(EarlyDataStatus.NotRequested, r2.Client.EarlyDataStatus);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.3
    //= type=test
    //# A client that attempts to send 0-RTT data MUST fail a connection if it
    //# receives a ServerHello with TLS 1.2 or older.
    [Fact]
    public void A_client_sending_early_data_fails_on_a_tls12_server_hello()
    {
        var (c, s) = Configs();
        using var r = Resume(c, s, Ticket(c, s), Request);
        var record = r.Client.PendingOutput;
        var clientHello = ClientHello.Parse(record.Slice(9, (record[3] << 8 | record[4]) - 4));
        var tls12 = new ServerHello { Random = new byte[32], LegacySessionIdEcho = clientHello.LegacySessionId, CipherSuite = 0x1301, Extensions = [] };
        var w = new Reference.Tls.Wire.TlsWriter();
        w.WriteU8(22);
        w.WriteU16(0x0303);
        var recordMark = w.BeginVector(2);
        w.WriteU8(2);
        var mark = w.BeginVector(3);
        tls12.Write(w);
        w.EndVector(mark);
        w.EndVector(recordMark);
        var e = Assert.Throws<TlsException>(() => r.Client.Feed(w.ToArray()));
        Assert.Equal(AlertDescription.ProtocolVersion, e.Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4
    //= type=test
    //# If offering early data, the record is placed
    //# immediately after the first ClientHello.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# Note that servers
    //# that reject early data due to lack of cryptographic material will
    //# be unable to differentiate padding from content, so clients
    //# SHOULD NOT depend on being able to send large quantities of
    //# padding in early data records.
    [Fact]
    public void The_client_writes_change_cipher_spec_then_unpadded_early_records_after_its_client_hello()
    {
        var (c, s) = Configs();
        using var r = Resume(c, s, Ticket(c, s), Request);
        var records = new List<(byte Type, int Length)>();
        var output = r.Client.PendingOutput;
        while (!output.IsEmpty)
        {
            int length = output[3] << 8 | output[4];
            records.Add((output[0], length));
            output = output[(5 + length)..];
        }

        Assert.Equal(3, records.Count);
        Assert.Equal(22, records[0].Type);
        Assert.Equal((20, 1), records[1]);
        // content, inner content type, AEAD tag: no padding.
        Assert.Equal((23, Request.Length + 1 + 16), records[2]);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
    //= type=test
    //# struct {} EndOfEarlyData;
    [Fact]
    public void A_non_empty_EndOfEarlyData_is_a_decode_error()
    {
        var keys = new Dictionary<string, byte[]>();
        var (c, s) = Configs(client: c => c with { KeyLogCallback = line => keys[line.Split(' ')[0]] = Convert.FromHexString(line.Split(' ')[2]) });
        using var r = Resume(c, s, Ticket(c, s), Request);
        InMemoryPair.Move(r.Client, r.Server);
        using var early = RecordProtector.Create(CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256), keys["CLIENT_EARLY_TRAFFIC_SECRET"]);
        early.SetSequenceNumberForTest(1);
        var endOfEarlyData = Malformed.Bytes.Seal(early, ContentType.Handshake, Malformed.Bytes.Handshake(HandshakeType.EndOfEarlyData, [0]));
        var e = Assert.Throws<TlsException>(() => r.Server.Feed(endOfEarlyData));
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
        Assert.Equal(Request, ReadAllEarly(r.Server));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# In order to accept early data, the server MUST have accepted a PSK
    //# cipher suite and selected the first key offered in the client's
    //# "pre_shared_key" extension.
    [Fact]
    public void A_psk_other_than_the_first_resumes_without_early_data()
    {
        var unknown = TlsSession.External("unknown"u8, new byte[32], maxEarlyDataSize: 100);
        var known = TlsSession.External("known"u8, Enumerable.Repeat((byte)7, 32).ToArray(), maxEarlyDataSize: 100);
        var (c, s) = Configs(client: c => c with { PreSharedKeys = [unknown, known] }, server: s => s with { PreSharedKeys = [known] });
        using var client = TlsConnection.CreateClient(c, "localhost");
        using var server = TlsConnection.CreateServer(s);
        client.WriteEarlyData(Request);
        Pump(client, server);
        Assert.True(server.Info!.PreSharedKeyAccepted);
        Assert.Equal(EarlyDataStatus.Rejected, server.EarlyDataStatus);
        Assert.Equal(EarlyDataStatus.Rejected, client.EarlyDataStatus);
        Assert.Equal(0, server.AvailableEarlyData);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# If the client opts to do so, it MUST supply both the "pre_shared_key"
    //# and "early_data" extensions.
    [Fact]
    public void A_server_refuses_early_data_offered_without_a_pre_shared_key()
    {
        var (c, s) = Configs();
        using var client = TlsConnection.CreateClient(c, "localhost");
        var hello = FirstClientHello(client);
        hello.Extensions.Add(new(ExtensionType.EarlyData, []));
        using var server = TlsConnection.CreateServer(s);
        var e = Assert.Throws<TlsException>(() => server.Feed(Malformed.Bytes.HandshakeRecord(HandshakeType.ClientHello, Malformed.Bytes.Write(hello.Write))));
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
        Assert.Contains("pre_shared_key", e.Message, StringComparison.Ordinal);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# A client MUST NOT include the "early_data" extension in its followup
    //# ClientHello.
    [Fact]
    public void A_server_refuses_early_data_in_the_second_client_hello()
    {
        var (c, s) = Configs(client: c => c with { Groups = [NamedGroup.X25519, NamedGroup.Secp256r1] }, server: s => s with { Groups = [NamedGroup.Secp256r1] });
        using var client = TlsConnection.CreateClient(c, "localhost");
        using var server = TlsConnection.CreateServer(s);
        InMemoryPair.Move(client, server);
        InMemoryPair.Move(server, client);
        var output = client.PendingOutput.ToArray();
        client.ConsumeOutput(output.Length);
        Assert.Equal(20, output[0]); // the client's dummy change_cipher_spec, then the second ClientHello
        output = output[6..];
        int length = output[3] << 8 | output[4];
        var second = ClientHello.Parse(output.AsSpan(9, length - 4));
        second.Extensions.Add(new(ExtensionType.EarlyData, []));
        var e = Assert.Throws<TlsException>(() => server.Feed(Malformed.Bytes.HandshakeRecord(HandshakeType.ClientHello, Malformed.Bytes.Write(second.Write))));
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
        Assert.Contains("HelloRetryRequest", e.Message, StringComparison.Ordinal);
    }

    private static ClientHello FirstClientHello(TlsConnection client)
    {
        var record = client.PendingOutput;
        return ClientHello.Parse(record.Slice(9, (record[3] << 8 | record[4]) - 4));
    }

    private static void AssertRejected(Resumed r)
    {
        Assert.True(r.Client.IsHandshakeComplete && r.Server.IsHandshakeComplete);
        Assert.Equal(EarlyDataStatus.Rejected, r.Client.EarlyDataStatus);
        Assert.Equal(EarlyDataStatus.Rejected, r.Server.EarlyDataStatus);
        Assert.Equal(0, r.Server.AvailableEarlyData);
        Assert.False(r.SawEndOfEarlyData);
    }
}
