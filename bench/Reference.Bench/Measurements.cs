using System.Diagnostics;

namespace Reference.Bench;

/// <summary>How long and how many: the quick (CI smoke) and full profiles.</summary>
/// <remarks>
/// Each figure is the best of <see cref="Rounds"/> slices, and the engines take turns slice by slice, so a
/// burst of load from other processes on the machine hits all three alike instead of one engine's row.
/// </remarks>
internal sealed record BenchSettings(int Rounds, TimeSpan Warmup, TimeSpan HandshakeTime, TimeSpan BulkTime,
    int AllocHandshakes, int AllocRecords, int IdleConnections, int BreakdownIterations)
{
    public static readonly BenchSettings Quick = new(1, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300),
        TimeSpan.FromMilliseconds(300), 20, 256, 500, 40);

    public static readonly BenchSettings Full = new(4, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1),
        TimeSpan.FromSeconds(0.75), 200, 4096, 10_000, 200);
}

/// <summary>Memory held per idle established connection (one endpoint; a pair is two).</summary>
internal readonly record struct IdleMemory(double RssBytes, double ManagedHeapBytes);

/// <summary>The measurement functions behind every row of the table.</summary>
internal static class Measurements
{
    private const int RecordsPerSlice = 64;

    /// <summary>Full handshakes per second, <paramref name="pairs"/> client/server pairs each on its own thread.</summary>
    public static double HandshakesPerSecond(IEngineHarness harness, HandshakeCase scenario, int pairs,
        TimeSpan duration, TimeSpan warmup, out string negotiated)
    {
        var handshakers = Enumerable.Range(0, pairs).Select(_ => harness.CreateHandshaker(scenario)).ToArray();
        RunFor(handshakers[0], warmup);
        handshakers[0].HandshakeOnce();
        negotiated = handshakers[0].Negotiated;
        long total = 0;
        using var start = new Barrier(pairs + 1);
        var threads = handshakers.Select(h => new Thread(() =>
        {
            start.SignalAndWait();
            Interlocked.Add(ref total, RunFor(h, duration));
        })).ToArray();
        foreach (var thread in threads)
            thread.Start();
        start.SignalAndWait();
        long begin = Stopwatch.GetTimestamp();
        foreach (var thread in threads)
            thread.Join();
        return total / Stopwatch.GetElapsedTime(begin).TotalSeconds;
    }

    private static long RunFor(IHandshaker handshaker, TimeSpan duration)
    {
        long count = 0;
        long deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        do
        {
            handshaker.HandshakeOnce();
            count++;
        }
        while (Stopwatch.GetTimestamp() < deadline);
        return count;
    }

    /// <summary>Plaintext GB/s (10^9 bytes) of 16 KiB writes, sender encrypting and receiver decrypting.</summary>
    public static double BulkGigabytesPerSecond(IEngineHarness harness, BulkCase scenario, TimeSpan duration,
        TimeSpan warmup, out string negotiated)
    {
        using var pair = harness.CreateBulkPair(scenario);
        negotiated = pair.Negotiated;
        long wallDeadline = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < wallDeadline)
            pair.Transfer(RecordsPerSlice);
        TimeSpan measured = TimeSpan.Zero;
        long records = 0;
        wallDeadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        do
        {
            measured += pair.Transfer(RecordsPerSlice);
            records += RecordsPerSlice;
        }
        while (Stopwatch.GetTimestamp() < wallDeadline);
        return records * (double)BulkCase.WriteSize / measured.TotalSeconds / 1e9;
    }

    /// <summary>Managed bytes allocated per full handshake (client and server together), all threads.</summary>
    public static double AllocatedPerHandshake(IEngineHarness harness, HandshakeCase scenario, int count)
    {
        var handshaker = harness.CreateHandshaker(scenario);
        for (int i = 0; i < Math.Max(4, count / 10); i++)
            handshaker.HandshakeOnce();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < count; i++)
            handshaker.HandshakeOnce();
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)count;
    }

    /// <summary>
    /// Managed bytes allocated per 16 KiB record in steady state (seal + open). Counted on the calling thread: the
    /// bulk pairs run there (the engine is sans-IO), and other threads of the process (tests running in parallel)
    /// must not be counted.
    /// </summary>
    public static double AllocatedPerRecord(IEngineHarness harness, BulkCase scenario, int count)
    {
        using var pair = harness.CreateBulkPair(scenario);
        pair.Transfer(4 * RecordsPerSlice); // buffers reach their working size; JIT settles
        long before = GC.GetAllocatedBytesForCurrentThread();
        pair.Transfer(count);
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)count;
    }

    /// <summary>
    /// Holds <paramref name="pairs"/> established, idle pairs and reports the growth of the process's
    /// resident set (VmRSS) and of the managed heap, per connection (2 per pair).
    /// </summary>
    public static IdleMemory IdleMemoryPerConnection(IEngineHarness harness, HandshakeCase scenario, int pairs)
    {
        for (int i = 0; i < 8; i++)
            harness.EstablishIdle(scenario).Dispose(); // configurations, JIT and pools exist before the baseline
        Settle();
        long rss0 = ResidentBytes();
        long heap0 = GC.GetTotalMemory(forceFullCollection: true);
        var held = new List<IDisposable>(pairs);
        for (int i = 0; i < pairs; i++)
            held.Add(harness.EstablishIdle(scenario));
        Settle();
        long rss1 = ResidentBytes();
        long heap1 = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(held);
        foreach (var pair in held)
            pair.Dispose();
        return new IdleMemory((rss1 - rss0) / (2.0 * pairs), (heap1 - heap0) / (2.0 * pairs));
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>VmRSS of this process from /proc/self/status, in bytes.</summary>
    public static long ResidentBytes()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException("no VmRSS line in /proc/self/status");
    }
}
