using System.Diagnostics;
using System.Globalization;

namespace Reference.Load;

/// <summary>
/// The server side of a run, in its own process (so its memory is measured apart from the clients'):
/// this program started with <c>server</c>, spoken to over stdin/stdout one line at a time.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    public ServerProcess(string pkiDir, TimeSpan handshakeTimeout)
    {
        var start = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }

        foreach (var arg in new[] { "server", pkiDir, ((int)handshakeTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        Port = int.Parse(ReadLine("PORT "), CultureInfo.InvariantCulture);
    }

    public int Port { get; }

    /// <summary>The server's figures now; with <paramref name="collect"/> after a full compacting GC.</summary>
    public Dictionary<string, long> Stats(bool collect = false)
    {
        _process.StandardInput.WriteLine(collect ? "stats-gc" : "stats");
        return ReadLine("STATS ").Split(' ').Select(p => p.Split('='))
            .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
    }

    private string ReadLine(string prefix)
    {
        var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the server process exited");
        return line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..] : throw new InvalidOperationException($"unexpected line from the server: {line}");
    }

    /// <summary>The child's main loop: serve until stdin says quit or closes.</summary>
    public static async Task<int> RunChild(string pkiDir, TimeSpan handshakeTimeout)
    {
        await using var server = new LoopbackServer(LoadPki.Read(pkiDir).ServerConfig(), handshakeTimeout);
        Console.WriteLine($"PORT {server.Port}");
        while (Console.ReadLine() is { } command && command != "quit")
        {
            Console.WriteLine($"STATS {Measure(server, command == "stats-gc")}");
        }

        return 0;
    }

    private static string Measure(LoopbackServer server, bool collect)
    {
        if (collect)
        {
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        var status = File.ReadAllLines("/proc/self/status");
        long Kb(string key) => long.Parse(status.First(l => l.StartsWith(key + ":", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return string.Join(' ',
            $"rss_kb={Kb("VmRSS")}", $"hwm_kb={Kb("VmHWM")}", $"heap={GC.GetTotalMemory(false)}",
            $"handshakes={server.Handshakes}", $"timeouts={server.HandshakeTimeouts}", $"failures={server.Failures}",
            $"active={server.Active}", $"streamed={server.StreamedBytes}");
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.WriteLine("quit");
            if (!_process.WaitForExit(10_000))
            {
                _process.Kill();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
