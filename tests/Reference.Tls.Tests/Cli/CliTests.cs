using System.Net;
using System.Net.Sockets;
using static Reference.Tls.Tests.Cli.CliProcess;

namespace Reference.Tls.Tests.Cli;

/// <summary>
/// `reference server` and `reference client` run as processes, as a user runs them: the happy path ends with
/// close_notify both ways and exit 0; each ordinary mistake is one line on stderr with its own exit code.
/// </summary>
public class CliTests
{
    private static readonly string[] ServerCert = ["--cert", Cert("server-chain.pem"), "--key", Cert("server-key.pem")];

    private static CliProcess Server(params string[] args) => StartCli(["server", "--port", "0", .. ServerCert, .. args]);

    /// <summary>One line, the tool's prefix, no stack trace.</summary>
    private static void AssertOneLineError(string stderr, string expected)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var error = Assert.Single(lines, l => l.StartsWith("reference: ", StringComparison.Ordinal));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost", "server name localhost")]
    [InlineData("127.0.0.1", "server name none")]
    public async Task Client_and_server_exchange_data_and_both_exit_0_after_close_notify_both_ways(string host, string serverSees)
    {
        using var server = Server("--naccept", "2", "--host", "localhost");
        string port = (await server.ListeningPortAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (int i = 0; i < 2; i++)
        {
            var (code, stdout, stderr) = await RunAsync($"hi {i}\n", "client", host, port, "--ca", Cert("ca-certificate.pem"));
            Assert.True(code == 0, stderr);
            Assert.Equal($"hi {i}\n", stdout);
            Assert.Contains("closed: close_notify sent and received", stderr, StringComparison.Ordinal);
        }

        Assert.Equal(0, await server.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, server.Stderr.Split('\n').Count(l => l.Contains(" ok ", StringComparison.Ordinal) && l.Contains("close_notify both ways", StringComparison.Ordinal)));
        Assert.Contains(serverSees, server.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, 2, "unknown verb 'frobnicate'")]
    [InlineData(new[] { "server", "--port", "abc" }, 2, "--port: 'abc' is not a number")]
    [InlineData(new[] { "server", "--bogus", "1" }, 2, "unknown option --bogus for 'server'")]
    [InlineData(new[] { "server", "--cert", "/nonexistent/chain.pem", "--key", "k" }, 3, "--cert: no such file")]
    [InlineData(new[] { "server", "--port", "0", "--cert", "@C/server-chain.pem", "--key", "@C/server-key.pem", "--blinding", "maybe" }, 2, "--blinding: 'maybe'")]
    [InlineData(new[] { "server", "--port", "0", "--cert", "@C/server-chain.pem", "--key", "@C/server-key.pem", "--policy", "nope" }, 2, "unknown security policy 'nope'")]
    [InlineData(new[] { "client", "localhost" }, 2, "client needs HOST PORT")]
    [InlineData(new[] { "client", "localhost", "abc", "--insecure" }, 2, "PORT: 'abc' is not a number")]
    [InlineData(new[] { "client", "localhost", "443" }, 2, "client needs --ca FILE")]
    [InlineData(new[] { "client", "localhost", "443", "--insecure", "--psk", "justanid" }, 2, "--psk: expected")]
    [InlineData(new[] { "client", "name.invalid", "443", "--insecure" }, 4, "cannot connect to name.invalid:443")]
    public async Task A_bad_input_is_one_line_with_its_exit_code(string[] args, int exitCode, string message)
    {
        var (code, _, stderr) = await RunAsync("", args.Select(a => a.Replace("@C", CertificateDir, StringComparison.Ordinal)).ToArray());
        AssertOneLineError(stderr, message);
        Assert.Equal(exitCode, code);
    }

    [Fact]
    public async Task A_refused_connection_and_a_port_in_use_are_network_errors()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        string port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (code, _, stderr) = await RunAsync("", ["server", "--port", port, .. ServerCert]);
        AssertOneLineError(stderr, "Address already in use");
        Assert.Equal(4, code);

        taken.Stop();
        (code, _, stderr) = await RunAsync("", "client", "127.0.0.1", port, "--insecure");
        AssertOneLineError(stderr, "Connection refused");
        Assert.Equal(4, code);
    }

    [Theory]
    [InlineData("server-chain.pem", "localhost", "UnknownCa sent")]
    [InlineData("ca-certificate.pem", "wrong.example", "not valid for host name 'wrong.example'")]
    public async Task A_certificate_the_client_rejects_is_exit_7_and_the_server_logs_the_alert(string ca, string sni, string message)
    {
        using var server = Server("--naccept", "1");
        string port = (await server.ListeningPortAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (code, _, stderr) = await RunAsync("", "client", "localhost", port, "--ca", Cert(ca), "--sni", sni, "--blinding", "off");
        AssertOneLineError(stderr, message);
        Assert.Equal(7, code);
        Assert.Equal(0, await server.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("failed: TLS error [Alert, alert", server.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_policy_mismatch_says_the_server_waits_for_blinding_before_it_logs_the_failure()
    {
        // rfc9151 signs only with P-384 or RSA-3072+ schemes; the test certificate is P-256.
        using var server = Server("--naccept", "1", "--policy", "rfc9151", "--timeout", "60");
        string port = (await server.ListeningPortAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (code, _, stderr) = await RunAsync("", "client", "localhost", port, "--ca", Cert("ca-certificate.pem"), "--timeout", "60");
        Assert.Equal(1, code);
        AssertOneLineError(stderr, "HandshakeFailure from peer");
        Assert.Equal(0, await server.WaitAsync(TimeSpan.FromSeconds(60)));
        var log = server.Stderr;
        int waiting = log.IndexOf("blinding: the handshake failed; waiting", StringComparison.Ordinal);
        int failed = log.IndexOf("failed: TLS error [Protocol, alert HandshakeFailure sent]", StringComparison.Ordinal);
        Assert.True(waiting >= 0 && failed > waiting, log);
    }

    [Fact]
    public async Task A_handshake_that_does_not_finish_is_called_a_timeout()
    {
        using var server = Server("--naccept", "1", "--timeout", "1");
        int port = await server.ListeningPortAsync();
        using var idle = new TcpClient();
        await idle.ConnectAsync(IPAddress.Loopback, port);
        Assert.Equal(0, await server.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("failed: timeout: no complete handshake after 1 s", server.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("server")]
    [InlineData("client")]
    [InlineData("check")]
    public async Task Each_verb_has_help(string verb)
    {
        var (code, stdout, _) = await RunAsync("", verb, "--help");
        Assert.Equal(0, code);
        Assert.StartsWith($"usage: reference {verb}", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_saved_session_resumes_with_early_data_and_both_key_logs_hold_the_same_secrets()
    {
        var dir = Directory.CreateTempSubdirectory("reference-cli-");
        try
        {
            string File(string name) => Path.Combine(dir.FullName, name);
            await System.IO.File.WriteAllTextAsync(File("ticket.key"), Convert.ToHexString(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
            await System.IO.File.WriteAllTextAsync(File("early"), "zero-rtt\n");
            using var server = Server("--naccept", "2", "--ticket-key", File("ticket.key"), "--max-early-data", "1024", "--keylog", File("server.keys"));
            string port = (await server.ListeningPortAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture);
            string[] client = ["client", "localhost", port, "--ca", Cert("ca-certificate.pem"), "--session", File("session"), "--keylog", File("client.keys")];

            var first = await RunAsync("one\n", client);
            Assert.True(first.Code == 0, first.Stderr);
            Assert.Contains("session: ticket saved", first.Stderr, StringComparison.Ordinal);
            var second = await RunAsync("two\n", [.. client, "--early-data", File("early")]);
            Assert.True(second.Code == 0, second.Stderr);
            Assert.Equal("zero-rtt\ntwo\n", second.Stdout);
            Assert.Contains("resumed/PSK, early data Accepted", second.Stderr, StringComparison.Ordinal);

            Assert.Equal(0, await server.WaitAsync(TimeSpan.FromSeconds(30)));
            var clientLines = (await System.IO.File.ReadAllLinesAsync(File("client.keys"))).ToHashSet();
            var serverLines = await System.IO.File.ReadAllLinesAsync(File("server.keys"));
            Assert.Equal(2, serverLines.Count(l => l.StartsWith("CLIENT_TRAFFIC_SECRET_0 ", StringComparison.Ordinal)));
            Assert.Single(serverLines, l => l.StartsWith("CLIENT_EARLY_TRAFFIC_SECRET ", StringComparison.Ordinal));
            Assert.True(clientLines.SetEquals(serverLines), "the client's and the server's key logs differ");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(File("session")));
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_server_stopped_with_sigterm_exits_0_after_its_open_connections()
    {
        using var server = Server();
        string port = (await server.ListeningPortAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (code, stdout, stderr) = await RunAsync("before stop\n", "client", "localhost", port, "--ca", Cert("ca-certificate.pem"));
        Assert.True(code == 0, stderr);
        Assert.Equal("before stop\n", stdout);

        server.Signal("TERM");
        Assert.Equal(0, await server.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("stopped after 1 connection(s)", server.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_with_client_auth_accepts_the_client_certificate_and_refuses_a_client_without_one()
    {
        using var server = Server("--naccept", "2", "--ca", Cert("ca-certificate.pem"), "--client-auth", "required", "--blinding", "off");
        string port = (await server.ListeningPortAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] client = ["client", "localhost", port, "--ca", Cert("ca-certificate.pem"), "--blinding", "off"];
        var with = await RunAsync("mtls\n", [.. client, "--cert", Cert("client-certificate.pem"), "--key", Cert("client-key.pem")]);
        Assert.True(with.Code == 0, with.Stderr);
        Assert.Equal("mtls\n", with.Stdout);

        var without = await RunAsync("", client);
        Assert.Equal(1, without.Code);
        AssertOneLineError(without.Stderr, "from peer");
        Assert.Equal(0, await server.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("client cert", server.Stderr, StringComparison.Ordinal);
    }
}
