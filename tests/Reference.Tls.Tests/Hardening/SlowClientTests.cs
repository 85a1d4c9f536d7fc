using Reference.Load;

namespace Reference.Tls.Tests.Hardening;

/// <summary>
/// A scaled-down slow-client run against the load tool's loopback server (bench/Reference.Load; the full
/// figures come from <c>Reference.Load slow</c>): 127.0.0.1 only, bounded in count and time.
/// </summary>
public class SlowClientTests
{
    private static readonly Lazy<LoadPki> Pki = new(LoadPki.Create);

    [Fact]
    public async Task Slow_ClientHellos_are_closed_by_the_handshake_timeout_while_normal_clients_complete()
    {
        const int Slow = 20, Normal = 20;
        // Long enough that a normal handshake on a loaded 2-core CI machine never hits it.
        var timeout = TimeSpan.FromSeconds(10);
        await using var server = new LoopbackServer(Pki.Value.ServerConfig(), timeout);
        var config = Pki.Value.ClientConfig();
        using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(50));

        // ~250 bytes at one per 100 ms would take ~25 s: only the server's timeout ends these connections,
        // so the normal clients below all run while the slow ones hold their connections.
        var slow = Enumerable.Range(0, Slow)
            .Select(_ => Clients.TrickleClientHello(server.Port, config, TimeSpan.FromMilliseconds(100), cap.Token)).ToList();
        var normal = await Task.WhenAll(Enumerable.Range(0, Normal)
            .Select(_ => Task.Run(() => Clients.Echo(server.Port, config, 4096, Task.CompletedTask, cap.Token))));

        Assert.All(normal, r => Assert.Null(r.Error));
        var closedAfter = await Task.WhenAll(slow);
        Assert.All(closedAfter, after => Assert.True(after >= timeout - TimeSpan.FromMilliseconds(200), $"closed after {after}"));
        // The server closes the socket first and counts the timeout after its handshake task unwinds, so a slow
        // client can see the close a moment before the counter moves: wait for it (bounded).
        for (int i = 0; i < 100 && server.HandshakeTimeouts < Slow; i++)
        {
            await Task.Delay(50, cap.Token);
        }

        Assert.Equal(Slow, server.HandshakeTimeouts);
        Assert.Equal(Normal, server.Handshakes);
    }

    [Fact]
    public async Task A_client_that_stops_reading_makes_the_server_wait_instead_of_buffering()
    {
        await using var server = new LoopbackServer(Pki.Value.ServerConfig(), TimeSpan.FromSeconds(10));
        using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        var release = new TaskCompletionSource();
        const int Asked = 256 << 20;
        var reader = Clients.NonReader(server.Port, Pki.Value.ClientConfig(), Asked, release.Task, cap.Token);

        long last = -1;
        while (server.StreamedBytes != last || last == 0)
        {
            last = server.StreamedBytes;
            await Task.Delay(500, cap.Token);
        }

        release.SetResult();
        Assert.Null(await reader);
        // The kernel's loopback buffers hold a few MiB; a server that queued the whole answer would report 256 MiB.
        Assert.InRange(last, 1, 32L << 20);
    }
}
