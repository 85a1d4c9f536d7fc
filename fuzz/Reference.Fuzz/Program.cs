using System.Diagnostics;
using SharpFuzz;

namespace Reference.Fuzz;

/// <summary>
/// Commands: <c>list</c>; <c>TARGET</c> (run under AFL++ via SharpFuzz); <c>TARGET --replay DIR</c> (replay a
/// corpus in process, no AFL); <c>differential [--count N] [--seed S]</c> (ClientHello differential against
/// C s2n-tls); <c>capture-corpus [DIR]</c> (seed corpora from an s2n ↔ s2n handshake).
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Error.WriteLine("usage: Reference.Fuzz list | TARGET [--replay DIR] | differential [--count N] [--seed S] | capture-corpus [DIR]");
            return 2;
        }

        switch (args[0])
        {
            case "list":
                Targets.All.ForEach(t => Console.WriteLine(t.Name));
                return 0;
            case "differential":
                return Differential(args);
            case "capture-corpus":
                return CorpusCapture.Run(args.Length > 1 ? args[1] : Path.Combine("fuzz", "corpus"));
        }

        var target = Targets.Find(args[0]);
        if (target is null)
        {
            Console.Error.WriteLine($"unknown target {args[0]}; see 'list'");
            return 2;
        }

        if (args.Length >= 3 && args[1] == "--replay")
        {
            return Replay(target, args[2]);
        }

        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            target.Run(copy.ToArray());
        });
        return 0;
    }

    private static int Replay(FuzzTarget target, string dir)
    {
        int failures = 0;
        var files = Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failures++;
                Console.WriteLine($"FAIL {file}: {e.GetType().Name}: {e.Message}");
            }
        }

        Console.WriteLine($"{target.Name}: replayed {files.Count} file(s), {failures} failure(s)");
        return failures == 0 ? 0 : 1;
    }

    private static int Differential(string[] args)
    {
        long count = Option(args, "--count", 1_000_000);
        int seed = (int)Option(args, "--seed", 1);
        var seeds = Targets.CorpusFiles("ClientHello").Select(File.ReadAllBytes).ToList();
        var stopwatch = Stopwatch.StartNew();
        var report = DifferentialRun.Run(count, seed, seeds);
        stopwatch.Stop();
        Console.WriteLine($"{count} ClientHellos in {stopwatch.Elapsed.TotalSeconds:F1} s ({count / stopwatch.Elapsed.TotalSeconds:F0}/s), seed {seed}");
        Console.Write(report.Describe());
        return report.Unexplained.Count == 0 ? 0 : 1;
    }

    private static long Option(string[] args, string name, long fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? long.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}

/// <summary>Every fuzz target by name, and where its committed corpus lives.</summary>
internal static class Targets
{
    public static List<FuzzTarget> All { get; } = [.. ParserTargets.All(), .. StatefulTargets.All()];

    public static FuzzTarget? Find(string name) =>
        All.Find(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>fuzz/corpus/&lt;target&gt;/ in the repository (found from Reference.sln upwards).</summary>
    public static string CorpusDirectory(string target) =>
        Path.Combine(RepositoryRoot(), "fuzz", "corpus", target);

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reference.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("no Reference.sln above " + AppContext.BaseDirectory);
    }

    public static IEnumerable<string> CorpusFiles(string target)
    {
        var dir = CorpusDirectory(target);
        return Directory.Exists(dir) ? Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal) : [];
    }
}

/// <summary>Tally of one differential run.</summary>
internal sealed class DifferentialReport
{
    public Dictionary<ClientHelloVerdict, long> Counts { get; } = [];

    public List<(byte[] Body, string Detail)> Unexplained { get; } = [];

    public string Describe()
    {
        var lines = Counts.OrderBy(kv => kv.Key).Select(kv => $"  {kv.Key}: {kv.Value}").ToList();
        lines.AddRange(Unexplained.Take(20).Select(u => $"  UNEXPLAINED {u.Detail}: {Convert.ToHexString(u.Body)}"));
        return string.Join('\n', lines) + '\n';
    }
}

internal static class DifferentialRun
{
    public static DifferentialReport Run(long count, int seed, IReadOnlyList<byte[]> seeds)
    {
        var generator = new ClientHelloGenerator(seed, seeds);
        var report = new DifferentialReport();
        for (long i = 0; i < count; i++)
        {
            var body = generator.Next();
            var (verdict, detail) = ClientHelloDifferential.Compare(body);
            report.Counts[verdict] = report.Counts.GetValueOrDefault(verdict) + 1;
            if (verdict == ClientHelloVerdict.Unexplained && report.Unexplained.Count < 1000)
            {
                report.Unexplained.Add((body, detail));
            }
        }

        return report;
    }
}
