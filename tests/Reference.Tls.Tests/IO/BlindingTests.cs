using System.Diagnostics;
using Reference.S2n;
using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.IO;

/// <summary>Blinding as s2n does it: a peer-caused failure is reported only after a random delay.</summary>
public class BlindingTests
{
    private static readonly (TimeSpan, TimeSpan) ShortRange = (TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(600));

    [Fact]
    public void Self_service_mode_reports_a_delay_in_the_configured_range()
    {
        var (c, s) = InMemoryPair.Configs(server: s => s with { Blinding = BlindingMode.SelfService, BlindingDelayRange = ShortRange });
        using var pair = new InMemoryPair(c, s);
        var hello = pair.Client.PendingOutput.ToArray();
        hello[^1] ^= 0xFF; // corrupt the ClientHello's last extension byte
        Assert.Throws<TlsException>(() => pair.Server.Feed(hello));
        Assert.InRange(pair.Server.BlindingDelay, ShortRange.Item1, ShortRange.Item2);
    }

    [Fact]
    public void No_delay_for_a_failure_the_peer_did_not_cause()
    {
        var (c, s) = InMemoryPair.Configs();
        using var pair = new InMemoryPair(c, s);
        Assert.Throws<TlsException>(() => pair.Client.WriteApplicationData([1]));
        Assert.Equal(TimeSpan.Zero, pair.Client.BlindingDelay);
    }

    [Fact]
    public async Task Built_in_mode_makes_tls_stream_wait_before_reporting()
    {
        var (c, s) = InMemoryPair.Configs(server: s => s with { BlindingDelayRange = ShortRange });
        var (serverEnd, clientEnd) = DuplexStream.CreatePair();
        await using var server = new TlsStream(serverEnd);
        using var client = TlsConnection.CreateClient(c, "localhost");
        var hello = client.PendingOutput.ToArray();
        hello[^1] ^= 0xFF;
        var watch = Stopwatch.StartNew();
        var handshake = server.AuthenticateAsServerAsync(s);
        await clientEnd.WriteAsync(hello);
        var e = await Assert.ThrowsAsync<TlsException>(() => handshake);
        Assert.Equal(TlsErrorType.Protocol, e.ErrorType);
        Assert.True(watch.Elapsed >= ShortRange.Item1, $"failed after {watch.Elapsed}, before the blinding delay");
        clientEnd.Dispose();
    }
}
