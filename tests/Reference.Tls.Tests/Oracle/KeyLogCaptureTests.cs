using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Reference.Oracle;
using Reference.S2n;

namespace Reference.Tls.Tests.Oracle;

/// <summary>
/// Key log export: our client talks to C s2n-tls on loopback while tcpdump captures the connection;
/// tshark must decrypt the capture with our NSS key log alone, and `reference check` must pass it (as
/// pcap and as pcapng). Capturing needs root or CAP_NET_RAW: CI runs as root (.ci/run installs tshark and tcpdump).
/// </summary>
public sealed class KeyLogCaptureTests
{
    private const string Request = "GET /oracle HTTP/1.0\r\n\r\n";
    private const string Response = "HTTP/1.0 200 OK\r\n\r\nhello from C s2n-tls over a captured connection\n";

    [Fact]
    public async Task Tshark_decrypts_our_exchange_with_s2n_using_our_key_log()
    {
        var dir = Directory.CreateTempSubdirectory("oracle-capture-");
        try
        {
            var (pcap, keyLog, port) = (Path.Combine(dir.FullName, "s2n.pcap"), Path.Combine(dir.FullName, "keys.log"), 0);
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using (var capture = await StartCaptureAsync(pcap, port))
            {
                var lines = await ExchangeWithS2nAsync(listener);
                File.WriteAllLines(keyLog, lines);
                await StopCaptureAsync(capture);
            }

            // Only the key log lets tshark see the HTTP inside: the request line and the response status.
            var (code, decrypted, error) = OracleFiles.Run("tshark", "-r", pcap, "-o", $"tls.keylog_file:{keyLog}", "-d", $"tcp.port=={port},tls",
                "-o", "http.desegment_body:FALSE", "-Y", "http || tls.handshake.type == 11", "-T", "fields", "-e", "http.request.method", "-e", "http.request.uri", "-e", "http.response.code", "-e", "tls.handshake.certificate_length");
            Assert.True(code == 0, error);
            Assert.Contains("GET\t/oracle", decrypted, StringComparison.Ordinal);
            Assert.Contains("200", decrypted, StringComparison.Ordinal);
            var (_, withoutKeys, _) = OracleFiles.Run("tshark", "-r", pcap, "-d", $"tcp.port=={port},tls", "-Y", "http", "-T", "fields", "-e", "http.request.uri");
            Assert.DoesNotContain("/oracle", withoutKeys, StringComparison.Ordinal);
            AssertCheckerPasses(pcap, keyLog);

            var pcapng = Path.Combine(dir.FullName, "s2n.pcapng");
            Assert.Equal(0, OracleFiles.Run("tshark", "-r", pcap, "-F", "pcapng", "-w", pcapng).ExitCode);
            AssertCheckerPasses(pcapng, keyLog);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static void AssertCheckerPasses(string capture, string keyLog)
    {
        var transcript = Transcript.Load(capture);
        transcript.Keys = KeyLog.Load(keyLog);
        var report = TranscriptChecker.Check(transcript);
        Assert.True(report.Conforming, string.Join("; ", report.Violations.Select(v => v.Detail).Concat(report.Problems)));
        Assert.Contains(report.Entries, e => e.Message == "application_data" && e.Fields.Exists(f => f.Value.StartsWith("GET /oracle", StringComparison.Ordinal)));
        var (code, output, _) = OracleFiles.Run("dotnet", OracleFiles.CliDll, "check", capture, "--keylog", keyLog);
        Assert.True(code == 0, output);
    }

    /// <summary>Our client against a C s2n-tls server; returns our key log lines.</summary>
    private static async Task<List<string>> ExchangeWithS2nAsync(TcpListener listener)
    {
        var keys = new List<string>();
        var (config, _) = DeterministicHandshake.Configs(new HandshakeScenario { Seed = null }, line => { lock (keys) { keys.Add(line); } });
        using var s2nConfig = new S2nConfig();
        s2nConfig.SetSecurityPolicy("default_tls13");
        s2nConfig.AddCertChainAndKey(DeterministicHandshake.Resource("ecdsa-chain.pem"), DeterministicHandshake.Resource("ecdsa-key.pem"));
        var accept = listener.AcceptSocketAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var serverSocket = await accept;
        var s2n = S2nPeer.RunServerAsync(serverSocket, s2nConfig, c =>
        {
            var request = new byte[Request.Length];
            c.ReceiveExactly(request);
            c.SendAll(Encoding.ASCII.GetBytes(Response));
            c.Shutdown();
        });
        await using (var tls = new TlsStream(tcp.GetStream()))
        {
            await tls.AuthenticateAsClientAsync(config, "localhost");
            await tls.WriteAsync(Encoding.ASCII.GetBytes(Request));
            var buffer = new byte[4096];
            while (await tls.ReadAsync(buffer) > 0)
            {
            }

            await tls.ShutdownAsync();
        }

        await s2n.WaitAsync(TimeSpan.FromSeconds(30));
        return keys;
    }

    private static async Task<Process> StartCaptureAsync(string pcap, int port)
    {
        var start = new ProcessStartInfo("tcpdump") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-i", "lo", "--immediate-mode", "-U", "-s", "0", "-w", pcap, $"tcp port {port}" })
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start tcpdump");
        // tcpdump announces "listening on lo" on stderr once the capture is armed.
        // --immediate-mode hands each packet over at once, so none is still in the kernel ring when we stop it.
        var ready = await process.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(ready?.Contains("listening on", StringComparison.Ordinal) == true, $"tcpdump: {ready}");
        return process;
    }

    private static async Task StopCaptureAsync(Process capture)
    {
        using (var kill = Process.Start("kill", ["-INT", capture.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await capture.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }
}
