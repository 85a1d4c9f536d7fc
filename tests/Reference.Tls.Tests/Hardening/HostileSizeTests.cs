using Reference.Tls.Extensions;
using Reference.Tls.Handshake;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Record;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Tests.Malformed;

namespace Reference.Tls.Tests.Hardening;

/// <summary>
/// Inputs whose sizes an attacker controls. Each is answered as early as the bytes allow, with the RFC's alert,
/// and the bytes the engine allocates while handling it (GC.GetAllocatedBytesForCurrentThread around the
/// Feed calls) stay under a bound far below what buffering the announced size would cost.
/// </summary>
public class HostileSizeTests
{
    private const string ServerHandshake = "SERVER_HANDSHAKE_TRAFFIC_SECRET";

    /// <summary>Well above one handshake's own allocations (measured ~10-60 KB a Feed here), far below 1 MiB.</summary>
    private const long SmallBound = 256 * 1024;

    private static readonly Lazy<ClientHello> RealHello = new(() =>
    {
        using var s = new Scenario();
        return Scenario.ParseClientHello(s.ClientHelloRecord());
    });

    private static TlsConnection FreshServer() => TlsConnection.CreateServer(InMemoryPair.Configs().Server);

    /// <summary>Bytes allocated on this thread while <paramref name="act"/> runs (it runs synchronously).</summary>
    internal static long Allocated(Action act)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        act();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>A handshake message cut into records of at most <paramref name="size"/> bytes.</summary>
    internal static byte[] InRecordsOf(byte[] message, int size) =>
        message.Chunk(size).SelectMany(c => Bytes.Record(ContentType.Handshake, c)).ToArray();

    private static TlsException? FeedCatching(TlsConnection connection, byte[] bytes)
    {
        try
        {
            connection.Feed(bytes);
            return null;
        }
        catch (TlsException e)
        {
            return e;
        }
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Peers which receive a message which
    //# cannot be parsed according to the syntax (e.g., have a length
    //# extending beyond the message boundary or contain an out-of-range
    //# length) MUST terminate the connection with a "decode_error" alert.
    [Fact]
    public void A_16_MiB_handshake_header_is_decode_error_from_its_four_bytes()
    {
        using var server = FreshServer();
        TlsException? e = null;
        long allocated = Allocated(() => e = FeedCatching(server, Bytes.Record(ContentType.Handshake, [1, 0xFF, 0xFF, 0xFF])));
        Assert.Equal(AlertDescription.DecodeError, e?.Alert);
        Assert.True(allocated < SmallBound, $"{allocated} bytes allocated for a 4-byte header");
        Assert.True(HandshakeDeframer.MaxMessageLength < (1 << 24) - 1);
    }

    [Fact]
    public void A_certificate_list_of_2_to_the_24_minus_1_is_decode_error_from_the_message_header()
    {
        using var s = new Scenario();
        byte[] hostile = [(byte)HandshakeType.Certificate, 0xFF, 0xFF, 0xFF, 0, 0xFF, 0xFF, 0xFF, 0, 0, 1];
        var flight = Bytes.RewriteProtectedHandshake(s.ServerFlight(), Scenario.Suite, s.ServerKeys[ServerHandshake],
            messages => messages.TakeWhile(m => m[0] != (byte)HandshakeType.Certificate).Append(hostile));
        long allocated = Allocated(() => Fatal.OnFeed(s.Client, AlertDescription.DecodeError, flight, s.ClientKeys));
        Assert.True(allocated < SmallBound, $"{allocated} bytes allocated for a certificate_list announced at 16 MiB");
    }

    /// <summary>10,000 distinct unknown extensions (40 KB, within the u16 block) still form a legal ClientHello.</summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# Servers MUST ignore unrecognized extensions.
    [Fact]
    public void Ten_thousand_unknown_extensions_are_ignored_in_bounded_memory()
    {
        var many = Enumerable.Range(0, 10_000).Select(i => new Extension((ExtensionType)(40_000 + i), []));
        var hello = Scenario.With(RealHello.Value, extensions: [.. many, .. RealHello.Value.Extensions]);
        var message = Bytes.Handshake(HandshakeType.ClientHello, Bytes.Write(hello.Write));
        using var server = FreshServer();
        long allocated = Allocated(() => server.Feed(InRecordsOf(message, RecordLayer.MaxPlaintext)));
        Assert.Equal((byte)HandshakeType.ServerHello, server.PendingOutput[5]);
        // Measured ~44 bytes per ClientHello byte (10,000 Extension entries, the duplicate set, the transcript).
        Assert.True(allocated < 64 * message.Length, $"{allocated} bytes allocated for a {message.Length}-byte ClientHello");
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# There MUST NOT be more than one extension of the
    //# same type in a given extension block.
    [Fact]
    public void Ten_thousand_copies_of_one_extension_are_illegal_parameter()
    {
        var copies = Enumerable.Repeat(new Extension((ExtensionType)40_000, []), 10_000);
        var hello = Scenario.With(RealHello.Value, extensions: [.. copies, .. RealHello.Value.Extensions]);
        var message = Bytes.Handshake(HandshakeType.ClientHello, Bytes.Write(hello.Write));
        using var server = FreshServer();
        long allocated = Allocated(() => Fatal.OnFeed(server, AlertDescription.IllegalParameter, InRecordsOf(message, RecordLayer.MaxPlaintext)));
        Assert.True(allocated < 64 * message.Length, $"{allocated} bytes allocated");
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Handshake messages MAY be coalesced into a single TLSPlaintext record
    //# or fragmented across several records, provided that:
    [Fact]
    public void A_ClientHello_in_one_byte_records_is_accepted_in_memory_linear_in_its_length()
    {
        var message = Bytes.Handshake(HandshakeType.ClientHello, Bytes.Write(RealHello.Value.Write));
        using var whole = FreshServer();
        long baseline = Allocated(() => whole.Feed(InRecordsOf(message, message.Length)));
        var oneByte = InRecordsOf(message, 1);
        using var server = FreshServer();
        long allocated = Allocated(() => server.Feed(oneByte));
        Assert.Equal((byte)HandshakeType.ServerHello, server.PendingOutput[5]);
        // A copy of the buffered prefix per record would cost message.Length^2 / 2 (~100 KB here) on top.
        Assert.True(allocated < baseline + (8 * message.Length), $"{allocated} bytes in 1-byte records vs {baseline} in one record");
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Implementations MUST NOT send zero-length fragments of Handshake
    //# types, even if those fragments contain padding.
    [Fact]
    public void A_hundred_thousand_empty_handshake_records_end_at_the_first()
    {
        var flood = Enumerable.Repeat(Bytes.Record(ContentType.Handshake, []), 100_000).SelectMany(r => r).ToArray();
        using var server = FreshServer();
        long allocated = Allocated(() => Fatal.OnFeed(server, AlertDescription.UnexpectedMessage, flood.AsSpan(0, 16 * 1024).ToArray()));
        Assert.True(allocated < SmallBound, $"{allocated} bytes allocated");
    }

    [Fact]
    public void A_hundred_thousand_empty_application_data_records_end_past_the_bound_in_the_first_16_KiB()
    {
        using var s = new Scenario();
        s.Complete();
        using var writer = RecordsWithoutProgressTests.ClientWriter(s);
        var flood = RecordsWithoutProgressTests.EmptyRecords(writer, 100_000);
        int fed = 0;
        TlsException? failure = null;
        long allocated = Allocated(() =>
        {
            // As a socket adapter would: 16 KiB reads, until the connection fails.
            for (; fed < flood.Length && failure is null; fed += 16 * 1024)
            {
                failure = FeedCatching(s.Server, flood.AsSpan(fed, Math.Min(16 * 1024, flood.Length - fed)).ToArray());
            }
        });
        Assert.Equal(AlertDescription.UnexpectedMessage, failure?.Alert);
        Assert.Equal(16 * 1024, fed);
        Assert.True(allocated < SmallBound, $"{allocated} bytes allocated");
    }
}
