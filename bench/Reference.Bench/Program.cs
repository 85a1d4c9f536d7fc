using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;
using Reference.S2n;

namespace Reference.Bench;

/// <summary>
/// Side-by-side benchmark of our engine, C s2n-tls (P/Invoke) and .NET SslStream, all in memory:
/// <c>dotnet run -c Release --project bench/Reference.Bench -- [--quick]</c>. Micro benchmarks under
/// BenchmarkDotNet: <c>-- --bdn [BenchmarkDotNet args]</c>.
/// </summary>
internal static class Program
{
    private static readonly Engine[] Engines = [Engine.Ours, Engine.S2n, Engine.SslStream];

    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--bdn")
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
            return 0;
        }
        if (args.Length == 3 && args[0] == "--idle")
            return IdleChild(Enum.Parse<Engine>(args[1]), int.Parse(args[2], CultureInfo.InvariantCulture));
        if (args.Length == 3 && args[0] == "--loop")
            return Profiling.Loop(args[1], double.Parse(args[2], CultureInfo.InvariantCulture));
        if (args.Length == 2 && args[0] == "--alloc-sample")
            return AllocationSampler.Run(int.Parse(args[1], CultureInfo.InvariantCulture));
        if (args.Length >= 1 && args[0] == "--socket")
            return SocketBulk.Run(args[1..]);
        if (args.Length >= 1 && args[0] == "--breakdown")
            return Profiling.Breakdown(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200);
        var settings = args.Contains("--quick") ? BenchSettings.Quick : BenchSettings.Full;
        var started = Stopwatch.StartNew();
        PrintEnvironment(settings);
        var harnesses = Engines.ToDictionary(e => e, Harnesses.For);
        var rows = new List<Row>();
        rows.AddRange(HandshakeRows(harnesses, settings));
        rows.AddRange(BulkRows(harnesses, settings));
        rows.AddRange(AllocationRows(harnesses, settings));
        rows.AddRange(IdleRows(settings));
        Console.WriteLine();
        Console.Write(Report.Table(rows));
        Console.WriteLine();
        // Beside the table, so a regression in one step shows in the same run as the figure it moves.
        Console.WriteLine($"Our engine step by step, each step alone, {settings.BreakdownIterations} calls (`--breakdown N` prints only this):");
        Console.WriteLine();
        Console.Write(Profiling.Table(Profiling.Steps(settings.BreakdownIterations)));
        Console.WriteLine();
        Console.WriteLine($"total time {started.Elapsed.TotalSeconds:0.0} s; load average after: {LoadAverage()}");
        return 0;
    }

    private static IEnumerable<Row> HandshakeRows(Dictionary<Engine, IEngineHarness> harnesses, BenchSettings settings)
    {
        foreach (var scenario in HandshakeCase.All)
        {
            foreach (int pairs in new[] { 1, 2 })
            {
                var runnable = harnesses.Where(h => h.Value.Unsupported(scenario) is null).ToList();
                var values = BestOf(settings.Rounds, runnable, (engine, harness) =>
                {
                    double rate = Measurements.HandshakesPerSecond(harness, scenario, pairs,
                        settings.HandshakeTime, settings.Warmup, out string negotiated);
                    Progress($"handshake {scenario.Name} x{pairs} {engine}: {rate:0} /s ({negotiated})");
                    return rate;
                });
                string note = harnesses[Engine.SslStream].Unsupported(scenario) ?? "";
                yield return new Row($"handshakes/s, {scenario.Name}, {pairs} pair{(pairs > 1 ? "s" : "")}", "hs/s", Better.Higher,
                    values.GetValueOrDefault(Engine.Ours), values.GetValueOrDefault(Engine.S2n),
                    values.GetValueOrDefault(Engine.SslStream), MinRatio: scenario.ExpectedGroup == NamedGroup.Secp256r1 ? 0.6 : 0.8, Note: note);
            }
        }
    }

    private static IEnumerable<Row> BulkRows(Dictionary<Engine, IEngineHarness> harnesses, BenchSettings settings)
    {
        foreach (var scenario in BulkCase.All)
        {
            var values = BestOf(settings.Rounds, harnesses.ToList(), (engine, harness) =>
            {
                double rate = Measurements.BulkGigabytesPerSecond(harness, scenario, settings.BulkTime,
                    settings.Warmup, out string negotiated);
                Progress($"bulk {scenario.Name} {engine}: {rate:0.000} GB/s ({negotiated})");
                return rate;
            });
            yield return new Row($"bulk 16 KiB writes, {scenario.Name}", "GB/s", Better.Higher,
                values[Engine.Ours], values[Engine.S2n], values[Engine.SslStream], MinRatio: 0.8,
                Note: "s2n: time inside s2n only (vs our client)");
        }
    }

    /// <summary>Runs <paramref name="measure"/> for each engine in turn, <paramref name="rounds"/> times; keeps each engine's best.</summary>
    private static Dictionary<Engine, double?> BestOf(int rounds, List<KeyValuePair<Engine, IEngineHarness>> harnesses,
        Func<Engine, IEngineHarness, double> measure)
    {
        var best = new Dictionary<Engine, double?>();
        for (int round = 0; round < rounds; round++)
        {
            foreach (var (engine, harness) in harnesses)
                best[engine] = Math.Max(best.GetValueOrDefault(engine) ?? 0, measure(engine, harness));
        }
        return best;
    }

    private static IEnumerable<Row> AllocationRows(Dictionary<Engine, IEngineHarness> harnesses, BenchSettings settings)
    {
        var scenario = HandshakeCase.EcdsaX25519;
        double ours = Measurements.AllocatedPerHandshake(harnesses[Engine.Ours], scenario, settings.AllocHandshakes);
        double ssl = Measurements.AllocatedPerHandshake(harnesses[Engine.SslStream], scenario, settings.AllocHandshakes);
        Progress($"allocated per handshake: ours {ours:0} B, SslStream {ssl:0} B");
        yield return new Row($"managed alloc per handshake (pair), {scenario.Name}", "B", Better.Lower, ours, null, ssl,
            Note: "s2n allocates natively (not counted)");
        foreach (var bulk in BulkCase.All)
        {
            double oursRecord = Measurements.AllocatedPerRecord(harnesses[Engine.Ours], bulk, settings.AllocRecords);
            double sslRecord = Measurements.AllocatedPerRecord(harnesses[Engine.SslStream], bulk, settings.AllocRecords);
            Progress($"allocated per record {bulk.Name}: ours {oursRecord:0.0} B, SslStream {sslRecord:0.0} B");
            yield return new Row($"managed alloc per 16 KiB record (seal+open), {bulk.Name}", "B", Better.Lower,
                oursRecord, null, sslRecord, Absolute: 0, Note: "steady state");
        }
    }

    /// <summary>Each engine's idle connections are measured in a fresh child process, so no engine inherits another's heap.</summary>
    private static IEnumerable<Row> IdleRows(BenchSettings settings)
    {
        var results = Engines.ToDictionary(e => e, e => RunIdleChild(e, settings.IdleConnections));
        int n = settings.IdleConnections;
        yield return new Row($"RSS per idle connection ({n:#,0} pairs)", "B", Better.Lower,
            results[Engine.Ours].RssBytes, results[Engine.S2n].RssBytes, results[Engine.SslStream].RssBytes, MaxRatio: 1.0,
            Note: "VmRSS delta / (2 × pairs)");
        yield return new Row($"managed heap per idle connection ({n:#,0} pairs)", "B", Better.Lower,
            results[Engine.Ours].ManagedHeapBytes, results[Engine.S2n].ManagedHeapBytes, results[Engine.SslStream].ManagedHeapBytes,
            Note: "s2n: binding's buffers only");
    }

    private static int IdleChild(Engine engine, int pairs)
    {
        if (engine == Engine.S2n)
            S2nLibrary.EnsureInitialized();
        var memory = Measurements.IdleMemoryPerConnection(Harnesses.For(engine), HandshakeCase.EcdsaX25519, pairs);
        Console.WriteLine(FormattableString.Invariant($"IDLE {memory.RssBytes} {memory.ManagedHeapBytes}"));
        return 0;
    }

    private static IdleMemory RunIdleChild(Engine engine, int pairs)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (string arg in new[] { "--idle", engine.ToString(), pairs.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(arg);
        using var child = Process.Start(info) ?? throw new InvalidOperationException("could not start the idle-memory child");
        string output = child.StandardOutput.ReadToEnd();
        if (!child.WaitForExit(TimeSpan.FromMinutes(10)) || child.ExitCode != 0)
            throw new InvalidOperationException($"idle-memory child for {engine} failed: {output}");
        string[] parts = output.Split('\n').Last(l => l.StartsWith("IDLE ", StringComparison.Ordinal)).Split(' ');
        var memory = new IdleMemory(double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
        Progress($"idle {engine}: {memory.RssBytes:0} B RSS, {memory.ManagedHeapBytes:0} B managed per connection");
        return memory;
    }

    private static void PrintEnvironment(BenchSettings settings)
    {
        Console.WriteLine($"# Reference TLS benchmark ({(settings == BenchSettings.Quick ? "quick" : "full")})");
        Console.WriteLine($"- .NET {Environment.Version}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores");
        Console.WriteLine($"- {S2nLibrary.Describe()}");
        Console.WriteLine($"- load average before: {LoadAverage()}");
        Console.WriteLine("- all pairs in memory, client and server in this process; idle memory in one child process per engine");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static void Progress(string line) => Console.Error.WriteLine(line);
}
