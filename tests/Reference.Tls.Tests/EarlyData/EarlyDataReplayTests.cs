using static Reference.Tls.Tests.EarlyData.EarlyDataHarness;

namespace Reference.Tls.Tests.EarlyData;

/// <summary>Anti-replay (RFC 8446 §8): a replayed 0-RTT ClientHello gets no early data accepted.</summary>
public class EarlyDataReplayTests
{
    //= https://www.rfc-editor.org/rfc/rfc8446#section-8
    //= type=test
    //# The server MUST ensure that any
    //# instance of it (be it a machine, a thread, or any other entity within
    //# the relevant serving infrastructure) would accept 0-RTT for the same
    //# 0-RTT handshake at most once; this limits the number of replays to
    //# the number of server instances in the deployment.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-8.2
    //= type=test
    //# The server MUST derive the storage key only from validated sections
    //# of the ClientHello.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-8
    //= type=test
    //# Servers
    //# SHOULD provide that level of replay safety by implementing one of the
    //# methods described in this section or by equivalent means.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-8.2
    //= type=test
    //# Servers MAY
    //# also implement data stores with false positives, such as Bloom
    //# filters, in which case they MUST respond to apparent replay by
    //# rejecting 0-RTT but MUST NOT abort the handshake.
    [Fact]
    public void A_replayed_first_flight_gets_its_early_data_rejected()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        using var client = TlsConnection.CreateClient(c, "localhost", ticket);
        client.WriteEarlyData("pay 100"u8);
        var firstFlight = client.PendingOutput.ToArray();
        using var original = TlsConnection.CreateServer(s);
        original.Feed(firstFlight);
        Assert.Equal(EarlyDataStatus.Accepted, original.EarlyDataStatus);
        Assert.Equal(7, original.AvailableEarlyData);

        using var replayed = TlsConnection.CreateServer(s);
        replayed.Feed(firstFlight);
        Assert.Equal(EarlyDataStatus.Rejected, replayed.EarlyDataStatus);
        Assert.Equal(0, replayed.AvailableEarlyData);
        Assert.True(replayed.HasPendingOutput);
        Assert.Equal(1, s.EarlyDataReplayFilter!.Count);
    }

    [Fact]
    public void Without_a_replay_filter_only_the_freshness_window_applies()
    {
        var (c, s) = Configs(server: s => s with { EarlyDataReplayFilter = null });
        var ticket = Ticket(c, s);
        using var client = TlsConnection.CreateClient(c, "localhost", ticket);
        client.WriteEarlyData("x"u8);
        var firstFlight = client.PendingOutput.ToArray();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            using var server = TlsConnection.CreateServer(s);
            server.Feed(firstFlight);
            Assert.Equal(EarlyDataStatus.Accepted, server.EarlyDataStatus);
        }
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-8.2
    //= type=test
    //# Servers MAY
    //# also implement data stores with false positives, such as Bloom
    //# filters, in which case they MUST respond to apparent replay by
    //# rejecting 0-RTT but MUST NOT abort the handshake.
    [Fact]
    public void A_full_filter_rejects_early_data_until_entries_expire()
    {
        var now = DateTime.UtcNow;
        var filter = new EarlyDataReplayFilter(capacity: 2);
        var window = TimeSpan.FromSeconds(20);
        Assert.True(filter.TryRecordFirstUse([1], now, window));
        Assert.False(filter.TryRecordFirstUse([1], now.AddSeconds(19), window));
        Assert.True(filter.TryRecordFirstUse([2], now, window));
        Assert.False(filter.TryRecordFirstUse([3], now.AddSeconds(1), window));
        Assert.True(filter.TryRecordFirstUse([3], now.AddSeconds(21), window));
        Assert.True(filter.TryRecordFirstUse([1], now.AddSeconds(21), window));
        Assert.Equal(2, filter.Count);
        Assert.Throws<TlsException>(() => new EarlyDataReplayFilter(0));
    }

    [Fact]
    public void Two_handshakes_with_the_same_ticket_each_send_fresh_early_data()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        foreach (var _ in Enumerable.Range(0, 2))
        {
            using var r = Resume(c, s, ticket, [42]);
            r.Pump();
            Assert.Equal(EarlyDataStatus.Accepted, r.Server.EarlyDataStatus);
        }

        Assert.Equal(2, s.EarlyDataReplayFilter!.Count);
    }
}
