using Reference.Tls;
namespace Reference.Cli;

/// <summary>The `reference` tool: a TLS 1.3 client and server like s2nc/s2nd, and the s2n demo.</summary>
public static class Program
{
    private const string Usage = """
        usage:
          reference demo                                   our client/server against C s2n-tls on loopback
          reference compliance (check|report|extract)      RFC 8446 requirement map and citation report
          reference server --port P --cert CHAIN --key KEY [--ca CA --client-auth none|optional|required] [--alpn A,B] [--host H]
          reference client HOST PORT (--ca CA | --insecure) [--sni NAME] [--cert CHAIN --key KEY] [--alpn A,B]
          reference check FILE [--keylog KEYLOG] [--json]  check a TLS 1.3 transcript (pcap, pcapng or C:/S: hex) against RFC 8446; exit 0 = conforming
          reference trace [FILE | --peer s2n|s2n-client|openssl] [--seed N|random] [--hrr] [--rsa] [--mtls] [--mutate M] [--save FILE] [--json]
                                                           each message, its fields, transition and RFC 8446 clauses (default: ours<->ours, deterministic)
        client and server echo stdin to the peer and the peer's data to stdout, like s2nc/s2nd;
        negotiated parameters and handshake messages go to stderr.
        """;

    public static async Task<int> Main(string[] args)
    {
        try
        {
            return args.FirstOrDefault() switch
            {
                "demo" => await Demo.RunAsync(Console.Out),
                "compliance" => Reference.Compliance.Program.Run(args[1..]),
                "server" => await Endpoints.ServerAsync(Options.Parse(args[1..])),
                "client" => await Endpoints.ClientAsync(Options.Parse(args[1..])),
                "check" => OracleCommands.Check(args[1..]),
                "trace" => await OracleCommands.TraceAsync(args[1..]),
                _ => PrintUsage(),
            };
        }
        catch (TlsException e)
        {
            Console.Error.WriteLine($"reference: TLS error [{e.ErrorType}{(e.Alert is { } a ? $", alert {a}{(e.AlertFromPeer ? " from peer" : " sent")}" : "")}]: {e.Message}");
            return 1;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"reference: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }

    private static int PrintUsage()
    {
        Console.Error.WriteLine(Usage);
        return 2;
    }
}

/// <summary>Command-line options: positional words and --name value pairs.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _named = [];
    private readonly HashSet<string> _flags = [];

    public List<string> Positional { get; } = [];

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                o.Positional.Add(args[i]);
            }
            else if (args[i] is "--insecure")
            {
                o._flags.Add(args[i][2..]);
            }
            else if (i + 1 < args.Length)
            {
                o._named[args[i][2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"option {args[i]} needs a value");
            }
        }

        return o;
    }

    public string? Get(string name) => _named.GetValueOrDefault(name);

    public string Require(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required");

    public bool Has(string flag) => _flags.Contains(flag);

    public IReadOnlyList<string> List(string name) =>
        Get(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
