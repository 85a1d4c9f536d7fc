using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Reference.Interop;

/// <summary>One cell of the matrix.</summary>
internal sealed record Outcome(string Status, TimeSpan Elapsed, string Detail, double? MegabytesPerSecond = null)
{
    public const string Pass = "pass";
    public const string Fail = "FAIL";
    public const string NotAvailable = "n/a";

    public bool IsFailure => Status == Fail;

    public string Cell => Status switch
    {
        Pass when MegabytesPerSecond is { } rate => string.Create(CultureInfo.InvariantCulture, $"pass {Elapsed.TotalSeconds:F1}s {rate:F0}MB/s"),
        Pass or Fail => string.Create(CultureInfo.InvariantCulture, $"{Status} {Elapsed.TotalSeconds:F2}s"),
        _ => Status,
    };
}

/// <summary>
/// Runs every scenario for every client × server pair as separate processes (the scripts in interop/bin), each
/// on a fresh port with a timeout (a hang is a failure; both processes are killed), and prints the matrix.
/// </summary>
internal static partial class Runner
{
    public static int Run(string[] args)
    {
        var scenarios = Scenarios.All.ToList();
        var impls = Capabilities.DefaultImplementations.ToList();
        var timeout = TimeSpan.FromSeconds(60);
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--scenarios": scenarios = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries)]; break;
                case "--impls": impls = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries)]; break;
                case "--timeout": timeout = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
            i++;
        }

        var settings = ScenarioSettings.FromEnvironment();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"interop: {settings.Blocks} blocks of 1 MB ({settings.TotalBytes / 1e9:0.###} GB) per large download, key update every {settings.KeyUpdateEveryBlocks} blocks, {settings.FloodKeyUpdates} flood key updates, timeout {timeout.TotalSeconds}s"));
        var results = new List<(string Scenario, string Client, string Server, Outcome Outcome)>();
        foreach (string scenario in scenarios)
        {
            foreach (string client in impls)
            {
                foreach (string server in impls)
                {
                    var outcome = RunPair(scenario, client, server, timeout);
                    results.Add((scenario, client, server, outcome));
                    Console.Error.WriteLine($"  {scenario,-46} {client,10} -> {server,-10} {outcome.Cell}");
                }
            }
        }

        Console.WriteLine(FormatMatrix(results, impls));
        return results.Any(r => r.Outcome.IsFailure) ? 1 : 0;
    }

    public static Outcome RunPair(string scenario, string client, string server, TimeSpan timeout)
    {
        if (Capabilities.NotAvailable(scenario, client, server) is { } reason)
            return new Outcome(Outcome.NotAvailable, TimeSpan.Zero, reason);
        int port = FreePort();
        using var serverProcess = new EndpointProcess(server, "server", scenario, port);
        using var clientProcess = serverProcess.WaitUntilListening(TimeSpan.FromSeconds(20))
            ? new EndpointProcess(client, "client", scenario, port)
            : null;
        if (clientProcess is null)
            return new Outcome(Outcome.Fail, TimeSpan.Zero, $"server never listened: {serverProcess.Log}");
        var deadline = DateTime.UtcNow + timeout;
        bool finished = clientProcess.WaitForExit(deadline) & serverProcess.WaitForExit(deadline);
        var elapsed = clientProcess.Elapsed;
        if (!finished)
        {
            clientProcess.Kill();
            serverProcess.Kill();
            return new Outcome(Outcome.Fail, elapsed, $"timeout: no result within {timeout.TotalSeconds}s; client: {clientProcess.Log} server: {serverProcess.Log}");
        }
        if (clientProcess.ExitCode == Program.Unsupported || serverProcess.ExitCode == Program.Unsupported)
            return new Outcome(Outcome.NotAvailable, elapsed, "an endpoint reported the scenario unsupported");
        if (clientProcess.ExitCode != 0 || serverProcess.ExitCode != 0)
            return new Outcome(Outcome.Fail, elapsed, $"client exit {clientProcess.ExitCode}: {clientProcess.Log} | server exit {serverProcess.ExitCode}: {serverProcess.Log}");
        return new Outcome(Outcome.Pass, elapsed, clientProcess.Log, ParseRate(clientProcess.Log));
    }

    private static double? ParseRate(string log)
    {
        var match = RateRegex().Match(log);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?) MB/s")]
    private static partial Regex RateRegex();

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public static string FormatMatrix(IReadOnlyList<(string Scenario, string Client, string Server, Outcome Outcome)> results, IReadOnlyList<string> impls)
    {
        const int CellWidth = 22;
        var text = new StringBuilder();
        text.AppendLine();
        text.Append($"{"scenario",-46} {"client",-11}");
        foreach (string server in impls)
            text.Append(CultureInfo.InvariantCulture, $"| {"server " + server,-CellWidth}");
        text.AppendLine();
        text.AppendLine(new string('-', 58 + impls.Count * (CellWidth + 2)));
        foreach (var group in results.GroupBy(r => (r.Scenario, r.Client)))
        {
            text.Append(CultureInfo.InvariantCulture, $"{group.Key.Scenario,-46} {group.Key.Client,-11}");
            foreach (string server in impls)
            {
                string cell = group.FirstOrDefault(r => r.Server == server).Outcome?.Cell ?? "";
                text.Append(CultureInfo.InvariantCulture, $"| {cell,-CellWidth}");
            }
            text.AppendLine();
        }

        int passed = results.Count(r => r.Outcome.Status == Outcome.Pass);
        int failed = results.Count(r => r.Outcome.IsFailure);
        int na = results.Count(r => r.Outcome.Status == Outcome.NotAvailable);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{passed} passed, {failed} failed, {na} n/a");
        text.AppendLine("n/a reasons:");
        foreach (var reason in results.Where(r => r.Outcome.Status == Outcome.NotAvailable).Select(r => r.Outcome.Detail).Distinct())
            text.AppendLine(CultureInfo.InvariantCulture, $"  - {reason}");
        foreach (var failure in results.Where(r => r.Outcome.IsFailure))
            text.AppendLine(CultureInfo.InvariantCulture, $"FAILED {failure.Scenario} {failure.Client} -> {failure.Server}: {failure.Outcome.Detail}");
        return text.ToString();
    }
}
