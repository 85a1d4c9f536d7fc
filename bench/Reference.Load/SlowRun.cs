using System.Globalization;
using Reference.Tls;

namespace Reference.Load;

/// <summary>
/// Slow clients: normal handshakes alone, then again while slow clients trickle their ClientHello one byte at a
/// time, until the server's handshake timeout closes them; plus clients that ask for data and never read.
/// </summary>
internal static class SlowRun
{
    public static async Task<int> Run(LoadPki pki, string dir, int slow, int normal, TimeSpan interval, TimeSpan handshakeTimeout, int nonReaders)
    {
        using var server = new ServerProcess(dir, handshakeTimeout);
        var config = pki.ClientConfig();
        using var cap = new CancellationTokenSource(handshakeTimeout + TimeSpan.FromMinutes(2));
        await Normal(server.Port, config, normal, cap.Token); // JIT and thread-pool ramp-up on both sides
        var alone = await Normal(server.Port, config, normal, cap.Token);
        var trickling = Enumerable.Range(0, slow).Select(_ => Clients.TrickleClientHello(server.Port, config, interval, cap.Token)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(2), cap.Token);
        var beside = await Normal(server.Port, config, normal, cap.Token);
        var duringSlow = server.Stats();
        var closedAfter = await Task.WhenAll(trickling);
        var release = new TaskCompletionSource();
        var readers = Enumerable.Range(0, nonReaders).Select(_ => Clients.NonReader(server.Port, config, 256 << 20, release.Task, cap.Token)).ToList();
        var before = server.Stats(collect: true);
        long streamed = await SettledStreamedBytes(server);
        var stalled = server.Stats();
        release.SetResult();
        var readerErrors = await Task.WhenAll(readers);
        Console.WriteLine($"slow: {slow} clients sending their ClientHello one byte every {interval.TotalMilliseconds:0} ms, {normal} normal clients, handshake timeout {handshakeTimeout.TotalSeconds:0} s, {nonReaders} clients that never read");
        Console.WriteLine("| figure | value |\n|---|---|");
        Console.WriteLine($"| normal clients alone: ok, handshake p50 / p99 | {Ok(alone)}, {P(alone, 0.5)} / {P(alone, 0.99)} ms |");
        Console.WriteLine($"| normal clients beside {slow} slow ones: ok, handshake p50 / p99 | {Ok(beside)}, {P(beside, 0.5)} / {P(beside, 0.99)} ms |");
        Console.WriteLine($"| server connections open while the slow ones trickle | {duringSlow["active"]} |");
        var closeTimes = closedAfter.Where(t => t is not null).Select(t => t!.Value.TotalSeconds).ToList();
        Console.WriteLine($"| slow clients closed by the server / finished their hello | {closeTimes.Count} / {closedAfter.Length - closeTimes.Count} |");
        Console.WriteLine($"| slow clients: closed after min / max | {Fmt(closeTimes.DefaultIfEmpty(double.NaN).Min())} / {Fmt(closeTimes.DefaultIfEmpty(double.NaN).Max())} s |");
        Console.WriteLine($"| server handshake timeouts counted | {stalled["timeouts"]} |");
        Console.WriteLine($"| non-readers: bytes the server got written before blocking (all {nonReaders}) | {Program.Mb(streamed)} of {Program.Mb((long)nonReaders << 28)} asked |");
        Console.WriteLine($"| server heap before / while {nonReaders} non-readers are stalled | {Program.Mb(before["heap"])} / {Program.Mb(stalled["heap"])} |");
        Console.WriteLine($"| server RSS before / while stalled | {Program.Mb(before["rss_kb"] * 1024)} / {Program.Mb(stalled["rss_kb"] * 1024)} |");
        Console.WriteLine($"| non-reader client errors | {readerErrors.Count(e => e is not null)} |");
        return alone.Concat(beside).Any(r => r.Error is not null) || closeTimes.Count != slow ? 1 : 0;
    }

    private static async Task<ClientResult[]> Normal(int port, TlsConfig config, int count, CancellationToken ct) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(() => Clients.Echo(port, config, 4096, Task.CompletedTask, ct))));

    /// <summary>Waits until the server's streamed-byte count stops growing (its writes are blocked).</summary>
    private static async Task<long> SettledStreamedBytes(ServerProcess server)
    {
        long last = -1;
        for (int i = 0; i < 100; i++)
        {
            await Task.Delay(300);
            long now = server.Stats()["streamed"];
            if (now == last && now > 0)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    private static string Ok(ClientResult[] results) => $"{results.Count(r => r.Error is null)}/{results.Length}";

    private static string P(ClientResult[] results, double p) =>
        Clients.Percentile(results.Where(r => r.Error is null).Select(r => r.Handshake).ToList(), p).ToString("0", CultureInfo.InvariantCulture);

    private static string Fmt(double seconds) => seconds.ToString("0.0", CultureInfo.InvariantCulture);
}
