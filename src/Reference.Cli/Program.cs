using System.Runtime.InteropServices;

namespace Reference.Cli;

/// <summary>The `reference` tool: a TLS 1.3 client and server like s2nc/s2nd, the s2n demo, and the RFC 8446 oracle.</summary>
public static class Program
{
    private const string Usage = """
        usage: reference VERB [options]     (reference VERB --help for one verb's options)
          demo                                   our client/server against C s2n-tls on loopback
          server --cert CHAIN --key KEY [--port P] [--www]   serve TLS 1.3 until stopped, like s2nd / openssl s_server
          client HOST PORT (--ca CA | --insecure)  stdin to the server, its answer to stdout, like s2nc / openssl s_client
          check FILE [--keylog KEYLOG] [--json]  check a TLS 1.3 transcript (pcap, pcapng or C:/S: hex) against RFC 8446; exit 0 = conforming
          trace [FILE | --peer s2n|s2n-client|openssl] [--seed N|random] [--hrr] [--rsa] [--mtls] [--mutate M] [--save FILE] [--json]
                                                 each message, its fields, transition and RFC 8446 clauses
          compliance (check|report|extract)      RFC 8446 requirement map and citation report
        """;

    private static readonly Dictionary<string, string> VerbHelp = new()
    {
        ["server"] = ServerCommand.Help + ExitCode.Help,
        ["client"] = ClientCommand.Help + ExitCode.Help,
        ["demo"] = "usage: reference demo\nOur client and server against C s2n-tls on loopback, with throwaway certificates.\n",
        ["check"] = "usage: reference check FILE [--keylog KEYLOG] [--json]\nChecks a recorded TLS 1.3 connection against RFC 8446; exit 0 = conforming.\n",
        ["trace"] = "usage: reference trace [FILE | --peer s2n|s2n-client|openssl] [--seed N|random] [--hrr] [--rsa] [--mtls] [--mutate M] [--save FILE] [--json]\n",
        ["compliance"] = "usage: reference compliance (check|report|extract)\n",
    };

    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        return await RunAsync(args, Console.Error, stop.Token);
    }

    /// <summary>Runs one verb; every failure becomes one line on <paramref name="log"/> and an exit code.</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter log, CancellationToken stop)
    {
        try
        {
            string verb = args.FirstOrDefault() ?? "";
            if (verb is "" or "--help" or "-h" or "help")
            {
                (verb == "" ? log : Console.Out).Write(Usage);
                return verb == "" ? ExitCode.Usage : ExitCode.Ok;
            }

            if (!VerbHelp.TryGetValue(verb, out string? help))
            {
                throw new CliException(ExitCode.Usage, $"unknown verb '{verb}' (verbs: {string.Join(", ", VerbHelp.Keys)}; reference --help)");
            }

            if (args.Skip(1).Any(a => a is "--help" or "-h"))
            {
                Console.Out.Write(help);
                return ExitCode.Ok;
            }

            return await RunVerbAsync(verb, args[1..], log, stop);
        }
        catch (Exception e)
        {
            var (code, line) = CliErrors.Describe(e);
            log.WriteLine($"reference: {line}");
            return code;
        }
    }

    private static async Task<int> RunVerbAsync(string verb, string[] args, TextWriter log, CancellationToken stop) => verb switch
    {
        "demo" => await Demo.RunAsync(Console.Out),
        "compliance" => Reference.Compliance.Program.Run(args),
        "server" => await ServerCommand.RunAsync(ServerCommand.Parse(args), log, stop),
        "client" => await ClientCommand.RunAsync(ClientCommand.Parse(args), Console.OpenStandardInput(), Console.OpenStandardOutput(), log),
        "check" => OracleCommands.Check(args),
        "trace" => await OracleCommands.TraceAsync(args),
        _ => throw new CliException(ExitCode.Usage, $"unknown verb '{verb}'"),
    };
}
