using System.Security.Cryptography;
using Reference.Tls.Record;
using Reference.Tls.Tests.EarlyData;
using Reference.Tls.Wire;

namespace Reference.Tls.Tests.Connection;

/// <summary>
/// Buffers rented from the shared pool on demand and returned (zeroed) when empty: an idle connection holds
/// none, and everything a connection still does after its handshake (application data, KeyUpdate, tickets,
/// resumption, 0-RTT, exporters) works from freshly rented buffers, so a span used after its array went back
/// to the pool would show up here as corrupted records or failed authentication.
/// </summary>
public class PooledBufferTests
{
    [Fact]
    public void Released_buffer_is_zeroed_before_it_goes_back_to_the_pool()
    {
        var buffer = new ByteBuffer(64);
        buffer.Append([1, 2, 3, 4, 5, 6, 7, 8]);
        var array = buffer.ArrayForTest;
        buffer.Discard(8);
        buffer.ReleaseIfEmpty();

        Assert.Equal(0, buffer.Capacity);
        Assert.All(array.AsSpan(0, 8).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Buffer_with_waiting_bytes_is_kept_and_its_bytes_survive_growth()
    {
        var buffer = new ByteBuffer(16);
        byte[] data = RandomNumberGenerator.GetBytes(5000);
        buffer.Append(data.AsSpan(0, 10));
        var small = buffer.ArrayForTest;
        buffer.ReleaseIfEmpty();
        buffer.Append(data.AsSpan(10));

        Assert.Equal(data, buffer.Active.ToArray());
        Assert.All(small.AsSpan(0, 10).ToArray(), b => Assert.Equal(0, b)); // the outgrown array was wiped
        buffer.Clear();
        Assert.Equal(0, buffer.Capacity);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void Pooled_writer_zeroes_and_returns_its_buffer_on_release()
    {
        var writer = TlsWriter.CreatePooled(32);
        Assert.Equal(0, writer.Capacity);
        writer.WriteBytes(RandomNumberGenerator.GetBytes(100));
        var array = writer.ArrayForTest;
        writer.Release();

        Assert.Equal(0, writer.Capacity);
        Assert.Equal(0, writer.Length);
        Assert.All(array.AsSpan(0, 100).ToArray(), b => Assert.Equal(0, b));
        writer.WriteU16(0x0102);
        Assert.Equal(new byte[] { 1, 2 }, writer.Written.ToArray());
    }

    [Fact]
    public void Established_idle_connections_hold_no_buffer()
    {
        var (c, s) = InMemoryPair.Configs(server: s => s with { SessionTicketKey = EarlyDataHarness.TicketKey });
        using var pair = new InMemoryPair(c, s);
        pair.Pump();

        Assert.True(pair.Client.IsHandshakeComplete && pair.Server.IsHandshakeComplete);
        Assert.NotEmpty(pair.Client.ReceivedSessions);
        Assert.Equal(0, pair.Client.HeldBufferBytesForTest);
        Assert.Equal(0, pair.Server.HeldBufferBytesForTest);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
    //= type=test
    //# Once all the values which are to be derived from a given secret have
    //# been computed, that secret SHOULD be erased.
    [Fact]
    public void Handshake_traffic_secrets_are_erased_once_the_handshake_is_over()
    {
        var (c, s) = InMemoryPair.Configs(server: s => s with { SessionTicketKey = EarlyDataHarness.TicketKey });
        using var pair = new InMemoryPair(c, s);
        pair.Pump();

        foreach (var schedule in new[] { pair.Client.ScheduleForTest!, pair.Server.ScheduleForTest! })
        {
            Assert.Equal(TlsErrorType.Internal, Assert.Throws<TlsException>(() => schedule.ClientHandshakeTrafficSecret).ErrorType);
            Assert.Equal(TlsErrorType.Internal, Assert.Throws<TlsException>(() => schedule.ServerHandshakeTrafficSecret).ErrorType);
            Assert.Contains(schedule.ResumptionMasterSecret, b => b != 0); // what tickets still need is kept
        }

        Assert.NotEmpty(pair.Client.ReceivedSessions);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(RecordLayer.MaxPlaintext)]
    [InlineData((3 * RecordLayer.MaxPlaintext) + 7)]
    public void Application_data_flows_both_ways_after_the_buffers_were_released(int size)
    {
        using var pair = Established();
        byte[] up = RandomNumberGenerator.GetBytes(size);
        byte[] down = RandomNumberGenerator.GetBytes(size);

        pair.Client.WriteApplicationData(up);
        pair.Server.WriteApplicationData(down);
        pair.Pump();

        Assert.Equal(up, EarlyDataHarness.ReadAllApplication(pair.Server));
        Assert.Equal(down, EarlyDataHarness.ReadAllApplication(pair.Client));
        Assert.Equal(0, pair.Client.HeldBufferBytesForTest);
        Assert.Equal(0, pair.Server.HeldBufferBytesForTest);
    }

    [Fact]
    public void Records_fed_one_byte_at_a_time_keep_their_partial_bytes()
    {
        var (c, s) = InMemoryPair.Configs();
        using var pair = new InMemoryPair(c, s);
        for (int round = 0; round < 10 && !(pair.Client.IsHandshakeComplete && pair.Server.IsHandshakeComplete); round++)
        {
            Trickle(pair.Client, pair.Server);
            Trickle(pair.Server, pair.Client);
        }

        byte[] data = RandomNumberGenerator.GetBytes(3000);
        pair.Client.WriteApplicationData(data);
        Trickle(pair.Client, pair.Server);

        Assert.Equal(data, EarlyDataHarness.ReadAllApplication(pair.Server));
    }

    [Fact]
    public void Key_updates_after_the_buffers_were_released_keep_both_directions_working()
    {
        using var pair = Established();
        pair.Client.UpdateKeys(requestPeerUpdate: true);
        pair.Pump();
        pair.Server.WriteApplicationData("after update"u8);
        pair.Pump();
        pair.Client.WriteApplicationData("and back"u8);
        pair.Pump();

        Assert.Equal("after update"u8.ToArray(), EarlyDataHarness.ReadAllApplication(pair.Client));
        Assert.Equal("and back"u8.ToArray(), EarlyDataHarness.ReadAllApplication(pair.Server));
        Assert.Equal((1, 1), pair.Client.KeyUpdateCounts);
        Assert.Equal((1, 1), pair.Server.KeyUpdateCounts);
        Assert.Equal(0, pair.Client.HeldBufferBytesForTest + pair.Server.HeldBufferBytesForTest);
    }

    [Fact]
    public void Exporters_after_the_handshake_agree_on_both_sides()
    {
        using var pair = Established();
        var client = pair.Client.ExportKeyingMaterial("EXPORTER-test", "ctx"u8, 48);
        var server = pair.Server.ExportKeyingMaterial("EXPORTER-test", "ctx"u8, 48);

        Assert.Equal(client, server);
        Assert.Contains(client, b => b != 0);
    }

    [Fact]
    public void Ticket_received_after_the_handshake_resumes_with_early_data()
    {
        var (client, server) = EarlyDataHarness.Configs();
        var ticket = EarlyDataHarness.Ticket(client, server);
        byte[] early = RandomNumberGenerator.GetBytes(600);
        using var resumed = EarlyDataHarness.Resume(client, server, ticket, early);
        EarlyDataHarness.Pump(resumed.Client, resumed.Server);

        Assert.True(resumed.Client.Info!.PreSharedKeyAccepted);
        Assert.Equal(early, EarlyDataHarness.ReadAllEarly(resumed.Server));
        resumed.Server.WriteApplicationData("1-RTT"u8);
        EarlyDataHarness.Pump(resumed.Client, resumed.Server);
        Assert.Equal("1-RTT"u8.ToArray(), EarlyDataHarness.ReadAllApplication(resumed.Client));
        Assert.Equal(0, resumed.Client.HeldBufferBytesForTest);
        Assert.Equal(0, resumed.Server.HeldBufferBytesForTest);
    }

    [Fact]
    public void Disposed_connection_gives_back_what_it_held()
    {
        var (c, s) = InMemoryPair.Configs();
        var pair = new InMemoryPair(c, s);
        InMemoryPair.Move(pair.Client, pair.Server);
        Assert.True(pair.Server.HeldBufferBytesForTest > 0); // its flight waits in the output buffer

        pair.Dispose();

        Assert.Equal(0, pair.Client.HeldBufferBytesForTest);
        Assert.Equal(0, pair.Server.HeldBufferBytesForTest);
    }

    private static InMemoryPair Established()
    {
        var (c, s) = InMemoryPair.Configs();
        var pair = new InMemoryPair(c, s);
        pair.Pump();
        Assert.Equal(0, pair.Client.HeldBufferBytesForTest + pair.Server.HeldBufferBytesForTest);
        return pair;
    }

    private static void Trickle(TlsConnection from, TlsConnection to)
    {
        var bytes = from.PendingOutput.ToArray();
        from.ConsumeOutput(bytes.Length);
        foreach (byte b in bytes)
        {
            to.Feed([b]);
        }
    }
}
