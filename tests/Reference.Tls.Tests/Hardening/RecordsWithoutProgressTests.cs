using Reference.S2n;
using Reference.Tls.Certificates;
using Reference.Tls.Crypto;
using Reference.Tls.Record;
using Reference.Tls.Tests.Interop;
using Reference.Tls.Tests.Malformed;

namespace Reference.Tls.Tests.Hardening;

/// <summary>
/// Records that are each legal but move nothing forward (change_cipher_spec, empty application_data) are
/// bounded: <see cref="TlsConnection.MaxRecordsWithoutProgress"/> in a row are dropped, one more is
/// unexpected_message.
/// </summary>
/// <remarks>
/// Why 32: a conforming peer sends one change_cipher_spec in the whole handshake (RFC 8446 D.4) and empty
/// application_data fragments only as an occasional traffic-analysis countermeasure (§5.1); OpenSSL drops at
/// most 32 empty records in a row (MAX_EMPTY_RECORDS), so a peer that works with OpenSSL stays within the
/// bound, while a peer that sends records forever without progress is cut off after 32 × 6 bytes.
/// C s2n-tls (the libs2n the tests load) drops at least 200 change_cipher_spec records in a row, before and
/// after its server flight (the last test), so the bound is stricter than s2n but never hits a conforming peer.
/// </remarks>
public class RecordsWithoutProgressTests
{
    private const string ClientApplication = "CLIENT_TRAFFIC_SECRET_0";

    private static readonly byte[] ChangeCipherSpec = Bytes.Record(ContentType.ChangeCipherSpec, [0x01]);

    private static byte[] Repeat(byte[] record, int count) => Enumerable.Repeat(record, count).SelectMany(r => r).ToArray();

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5
    //= type=test
    //# An implementation may receive an unencrypted record of type
    //# change_cipher_spec consisting of the single byte value 0x01 at any
    //# time after the first ClientHello message has been sent or received
    //# and before the peer's Finished message has been received and MUST
    //# simply drop it without further processing.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4
    //= type=test
    //# Either side can send
    //# change_cipher_spec at any time during the handshake, as they must be
    //# ignored by the peer
    [Fact]
    public void Change_cipher_spec_records_up_to_the_bound_are_dropped_and_the_handshake_completes()
    {
        using var s = new Scenario();
        var final = s.ClientFinalFlight(); // starts with the client's own change_cipher_spec
        Assert.Equal((byte)ContentType.ChangeCipherSpec, final[0]);
        s.Server.Feed(Repeat(ChangeCipherSpec, TlsConnection.MaxRecordsWithoutProgress - 1));
        s.Server.Feed(final);
        Assert.True(s.Server.IsHandshakeComplete);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5
    //= type=test
    //# If a TLS
    //# implementation receives an unexpected record type, it MUST terminate
    //# the connection with an "unexpected_message" alert.
    [Fact]
    public void One_change_cipher_spec_past_the_bound_before_the_client_Finished_is_unexpected_message()
    {
        using var s = new Scenario();
        s.Client.Feed(s.ServerFlight());
        s.Server.Feed(Repeat(ChangeCipherSpec, TlsConnection.MaxRecordsWithoutProgress));
        Assert.False(s.Server.HasPendingOutput);
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, ChangeCipherSpec, s.ServerKeys);
    }

    [Fact]
    public void A_hundred_thousand_change_cipher_spec_records_after_the_ClientHello_end_past_the_bound()
    {
        using var s = new Scenario();
        s.ServerFlight();
        var flood = Repeat(ChangeCipherSpec, 100_000);
        // Fed as a socket adapter would, in 16 KiB reads: the first read already ends the connection.
        long allocated = HostileSizeTests.Allocated(() =>
            Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, flood.AsSpan(0, 16 * 1024).ToArray(), s.ServerKeys));
        Assert.True(allocated < 256 * 1024, $"{allocated} bytes allocated");
    }

    /// <summary>
    /// Ground truth for the comparison: C s2n-tls as a server, fed our client's ClientHello and then
    /// change_cipher_spec records one at a time, in two places. Returns how many it took before failing (-1: none).
    /// </summary>
    [Fact]
    public void C_s2n_tls_drops_repeated_change_cipher_spec_records()
    {
        int afterFlight = S2nChangeCipherSpecLimit(afterServerFlight: true);
        int withHello = S2nChangeCipherSpecLimit(afterServerFlight: false);
        Assert.Equal("-1/-1", $"{afterFlight}/{withHello}");
    }

    private static int S2nChangeCipherSpecLimit(bool afterServerFlight)
    {
        var pki = S2nInterop.Pki(KeyKind.EcdsaP256);
        using var config = S2nInterop.ServerConfig(pki);
        using var s2n = new S2nMemoryConnection(S2nMode.Server, config);
        using var client = TlsConnection.CreateClient(S2nInterop.OurClientConfig(pki), S2nInterop.ServerName);
        s2n.Feed(Scenario.Take(client));
        if (afterServerFlight)
        {
            Assert.False(s2n.TryNegotiate());
        }

        for (int i = 1; i <= 200; i++)
        {
            s2n.Feed(ChangeCipherSpec);
            try
            {
                Assert.False(s2n.TryNegotiate());
            }
            catch (S2nException e)
            {
                Assert.Equal((int)AlertDescription.UnexpectedMessage, e.Alert);
                return i;
            }
        }

        return -1;
    }

    /// <summary>user_canceled is ignored (the peer is expected to close next), so it counts as no progress too.</summary>
    [Fact]
    public void Ignored_user_canceled_alerts_count_toward_the_bound()
    {
        using var s = new Scenario();
        s.ServerFlight();
        var userCanceled = Bytes.Record(ContentType.Alert, [1, (byte)AlertDescription.UserCanceled]);
        s.Server.Feed(Repeat(userCanceled, TlsConnection.MaxRecordsWithoutProgress));
        Assert.False(s.Server.HasPendingOutput);
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, userCanceled, s.ServerKeys);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Zero-length
    //# fragments of Application Data MAY be sent, as they are potentially
    //# useful as a traffic analysis countermeasure.
    [Fact]
    public void Empty_application_data_records_up_to_the_bound_are_accepted_and_progress_resets_the_count()
    {
        using var s = new Scenario();
        s.Complete();
        using var writer = ClientWriter(s);
        var empty = EmptyRecords(writer, TlsConnection.MaxRecordsWithoutProgress);
        s.Server.Feed(empty);
        s.Server.Feed(Bytes.Seal(writer, ContentType.ApplicationData, "x"u8));
        s.Server.Feed(EmptyRecords(writer, TlsConnection.MaxRecordsWithoutProgress));
        var buffer = new byte[4];
        Assert.Equal(1, s.Server.ReadApplicationData(buffer));
        Assert.Equal((byte)'x', buffer[0]);
        Fatal.OnFeed(s.Server, AlertDescription.UnexpectedMessage, EmptyRecords(writer, 1), s.ServerKeys);
    }

    internal static RecordProtector ClientWriter(Scenario s) =>
        RecordProtector.Create(CipherSuiteSpec.Get(Scenario.Suite), s.ClientKeys[ClientApplication]);

    internal static byte[] EmptyRecords(RecordProtector writer, int count)
    {
        var output = new byte[count * RecordProtector.SealedLength(0, 0)];
        for (int i = 0; i < count; i++)
        {
            Bytes.Seal(writer, ContentType.ApplicationData, []).CopyTo(output, i * RecordProtector.SealedLength(0, 0));
        }

        return output;
    }
}
