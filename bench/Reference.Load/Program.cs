using System.Diagnostics;
using System.Globalization;
using Reference.Tls;

namespace Reference.Load;

/// <summary>
/// Load and slow-client runs against a TLS server on 127.0.0.1 in a child process:
/// <c>dotnet run -c Release --project bench/Reference.Load -- load [--connections 1000] [--bytes 65536]</c>
/// and <c>-- slow [--slow 200] [--normal 100] [--interval-ms 1000] [--handshake-timeout-ms 10000] [--non-readers 10]</c>.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "server")
        {
            return await ServerProcess.RunChild(args[1], TimeSpan.FromMilliseconds(int.Parse(args[2], CultureInfo.InvariantCulture)));
        }

        var options = Options(args.Skip(1));
        int Get(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var pki = LoadPki.Create();
        var dir = Directory.CreateTempSubdirectory("reference-load-").FullName;
        try
        {
            pki.Write(dir);
            return args.FirstOrDefault() switch
            {
                "load" => await LoadRun.Run(pki, dir, Get("connections", 1000), Get("bytes", 64 * 1024)),
                "slow" => await SlowRun.Run(pki, dir, Get("slow", 200), Get("normal", 100), TimeSpan.FromMilliseconds(Get("interval-ms", 1000)),
                    TimeSpan.FromMilliseconds(Get("handshake-timeout-ms", 10_000)), Get("non-readers", 10)),
                _ => Usage(),
            };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Dictionary<string, string> Options(IEnumerable<string> args)
    {
        var list = args.ToList();
        var options = new Dictionary<string, string>();
        for (int i = 0; i + 1 < list.Count; i += 2)
        {
            options[list[i].TrimStart('-')] = list[i + 1];
        }

        return options;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Reference.Load load [--connections N] [--bytes N] | slow [--slow N] [--normal N] [--interval-ms N] [--handshake-timeout-ms N] [--non-readers N]");
        return 2;
    }

    internal static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";

    internal static long ClientProcessRssKb() => Process.GetCurrentProcess().WorkingSet64 / 1024;
}

/// <summary>N clients at once: handshake + bytes each way, all held open together, then closed.</summary>
internal static class LoadRun
{
    public static async Task<int> Run(LoadPki pki, string dir, int connections, int bytes)
    {
        using var server = new ServerProcess(dir, TimeSpan.FromSeconds(60));
        var config = pki.ClientConfig();
        var warm = await Clients.Echo(server.Port, config, bytes, Task.CompletedTask, CancellationToken.None); // JIT both sides
        var baseline = server.Stats(collect: true);
        var release = new TaskCompletionSource();
        var allExchanged = new TaskCompletionSource();
        int pending = connections;
        void Exchanged()
        {
            if (Interlocked.Decrement(ref pending) == 0)
            {
                allExchanged.SetResult();
            }
        }

        using var cap = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var running = Enumerable.Range(0, connections)
            .Select(_ => Task.Run(() => Clients.Echo(server.Port, config, bytes, release.Task, cap.Token, Exchanged))).ToList();
        await allExchanged.Task.WaitAsync(cap.Token);
        var open = server.Stats(collect: true); // live memory of N open connections, not garbage
        release.SetResult();
        var results = await Task.WhenAll(running);
        await WaitUntil(() => server.Stats()["active"] == 0, TimeSpan.FromSeconds(30));
        var closed = server.Stats(collect: true);
        Print(connections, bytes, warm, results, baseline, open, closed);
        return results.Any(r => r.Error is not null) ? 1 : 0;
    }

    internal static async Task WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < limit)
        {
            await Task.Delay(100);
        }
    }

    private static void Print(int connections, int bytes, ClientResult warm, ClientResult[] results,
        Dictionary<string, long> baseline, Dictionary<string, long> open, Dictionary<string, long> closed)
    {
        var ok = results.Where(r => r.Error is null).ToList();
        Console.WriteLine($"load: {connections} concurrent connections to 127.0.0.1, handshake + {bytes} bytes each way, server in its own process ({Environment.ProcessorCount} cores)");
        Console.WriteLine($"warm-up connection: {(warm.Error ?? "ok")}");
        Console.WriteLine($"| figure | value |\n|---|---|");
        Console.WriteLine($"| connections ok / failed | {ok.Count} / {results.Length - ok.Count} |");
        // All clients start together, so the last handshake to finish bounds the rate from below.
        double lastHandshake = ok.Count == 0 ? double.NaN : ok.Max(r => r.Handshake.TotalSeconds);
        Console.WriteLine($"| handshakes/s ({ok.Count} started at once / time to the last one) | {ok.Count / lastHandshake:0} |");
        Console.WriteLine($"| handshake latency p50 / p99 | {Clients.Percentile(ok.Select(r => r.Handshake).ToList(), 0.5):0} / {Clients.Percentile(ok.Select(r => r.Handshake).ToList(), 0.99):0} ms |");
        Console.WriteLine($"| handshake + exchange p50 / p99 | {Clients.Percentile(ok.Select(r => r.Total).ToList(), 0.5):0} / {Clients.Percentile(ok.Select(r => r.Total).ToList(), 0.99):0} ms |");
        Console.WriteLine($"| server RSS: baseline / all open (after GC) / peak (VmHWM) / after close + GC | {Program.Mb(baseline["rss_kb"] * 1024)} / {Program.Mb(open["rss_kb"] * 1024)} / {Program.Mb(closed["hwm_kb"] * 1024)} / {Program.Mb(closed["rss_kb"] * 1024)} |");
        Console.WriteLine($"| server managed heap after a full GC: baseline / all open / after close | {Program.Mb(baseline["heap"])} / {Program.Mb(open["heap"])} / {Program.Mb(closed["heap"])} |");
        Console.WriteLine($"| server failures / handshake timeouts | {closed["failures"]} / {closed["timeouts"]} |");
        Console.WriteLine($"| client process RSS at end | {Program.Mb(Program.ClientProcessRssKb() * 1024)} |");
        foreach (var error in results.Where(r => r.Error is not null).GroupBy(r => r.Error).Take(5))
        {
            Console.WriteLine($"failure x{error.Count()}: {error.Key}");
        }
    }
}
