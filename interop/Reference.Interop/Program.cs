using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Reference.Tls.Certificates;

namespace Reference.Interop;

/// <summary>
/// Endpoint:  Reference.Interop (ours|ours-async|s2n) (server|client) TEST_CASE PORT
/// Runner:    Reference.Interop run [--scenarios a,b] [--impls ours,s2n,openssl] [--timeout S]
/// PKI:       Reference.Interop certificates DIR [--years N]
/// An endpoint exits 0 on success, 1 on failure, 127 when it does not support the scenario.
/// </summary>
internal static class Program
{
    public const int Unsupported = 127;

    public static int Main(string[] args)
    {
        try
        {
            return args switch
            {
                ["run", .. var rest] => Runner.Run(rest),
                ["certificates", var dir, .. var rest] => WriteCertificates(dir, rest),
                [var impl, "server", var scenario, var port] => Endpoint(impl, isServer: true, scenario, port),
                [var impl, "client", var scenario, var port] => Endpoint(impl, isServer: false, scenario, port),
                _ => Usage(),
            };
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Reference.Interop (ours|ours-async|s2n) (server|client) TEST_CASE PORT");
        Console.Error.WriteLine("       Reference.Interop run [--scenarios a,b] [--impls ours,ours-async,s2n,openssl] [--timeout S]");
        Console.Error.WriteLine("       Reference.Interop certificates DIR [--years N]");
        return 2;
    }

    private static int Endpoint(string impl, bool isServer, string scenario, string portText)
    {
        if (!Scenarios.All.Contains(scenario))
        {
            Console.Error.WriteLine($"{impl}: unsupported test case '{scenario}'");
            return Unsupported;
        }
        int port = int.Parse(portText, CultureInfo.InvariantCulture);
        var settings = ScenarioSettings.FromEnvironment();
        var certs = CertificateFiles.Locate();
        string role = isServer ? "server" : "client";
        try
        {
            // session_resumption and early_data connect twice: the server keeps listening on the one port.
            using var listener = isServer ? Listen(port) : null;
            string note = ScenarioDriver.Run(impl, isServer, scenario,
                () => listener is not null ? listener.AcceptSocket() : Connect(port), certs, settings);
            Console.Error.WriteLine($"{impl} {role} {scenario}: ok ({note})");
            return 0;
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            Console.Error.WriteLine($"{impl} {role} {scenario}: FAILED: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }

    private static TcpListener Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start(1);
        // The runner starts the client once it sees this line.
        Console.Out.WriteLine($"listening on {port}");
        Console.Out.Flush();
        return listener;
    }

    /// <summary>Connects, retrying briefly: a third-party server (openssl) may not be listening yet.</summary>
    private static Socket Connect(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Connect(IPAddress.Loopback, port);
                return socket;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                socket.Dispose();
                Thread.Sleep(50);
            }
        }
    }

    private static int WriteCertificates(string dir, string[] rest)
    {
        int years = rest is ["--years", var y] ? int.Parse(y, CultureInfo.InvariantCulture) : 10;
        var now = DateTimeOffset.UtcNow;
        var pki = CertificateGenerator.Generate(KeyKind.EcdsaP256, Endpoints.ServerName, KeyKind.EcdsaP256, now.AddDays(-1), now.AddYears(years));
        pki.WriteTo(dir);
        Console.Error.WriteLine($"wrote a throwaway ECDSA P-256 PKI valid until {now.AddYears(years):yyyy-MM-dd} to {Path.GetFullPath(dir)}");
        return 0;
    }
}
