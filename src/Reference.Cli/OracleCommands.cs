using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Reference.Oracle;
using Reference.S2n;
using Reference.Tls;

namespace Reference.Cli;

/// <summary>
/// `reference check FILE [--keylog KEYLOG] [--json]` and
/// `reference trace [FILE | --peer s2n|s2n-client|openssl] [--seed N] [--hrr] [--rsa] [--mtls] [--mutate M] [--save FILE] [--json]`.
/// </summary>
internal static class OracleCommands
{
    public static int Check(string[] args) => Guard(() => CheckCore(args));

    public static async Task<int> TraceAsync(string[] args)
    {
        try
        {
            return await TraceCoreAsync(args);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or FormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"reference trace: {e.Message}");
            return 2;
        }
    }

    private static int Guard(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or FormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"reference check: {e.Message}");
            return 2;
        }
    }

    private static int CheckCore(string[] args)
    {
        var o = Options.Parse(args.Where(a => a != "--json").ToArray());
        var path = o.Positional.FirstOrDefault() ?? throw new ArgumentException("check needs a transcript file");
        var transcript = Load(path, o.Get("keylog"));
        var report = TranscriptChecker.Check(transcript);
        if (args.Contains("--json"))
        {
            Console.WriteLine(ReportWriter.Json(report, path));
        }
        else
        {
            new ReportWriter(Console.Out, colour: !Console.IsOutputRedirected).WriteCheck(report, path);
        }

        return report.ExitCode;
    }

    private static async Task<int> TraceCoreAsync(string[] args)
    {
        bool json = args.Contains("--json");
        var o = Options.Parse(args.Where(a => a is not ("--json" or "--hrr" or "--rsa" or "--mtls")).ToArray());
        var transcript = o.Positional.FirstOrDefault() is { } path ? Load(path, o.Get("keylog"))
            : o.Get("peer") is { } peer ? await CaptureAsync(peer)
            : DeterministicHandshake.Run(new HandshakeScenario
            {
                Seed = o.Get("seed") is { } seed ? (seed == "random" ? null : ulong.Parse(seed, System.Globalization.CultureInfo.InvariantCulture)) : 1,
                HelloRetry = args.Contains("--hrr"),
                Certificate = args.Contains("--rsa") ? "rsa" : "ecdsa",
                MutualAuthentication = args.Contains("--mtls"),
            });
        if (o.Get("mutate") is { } mutation)
        {
            using var serverKey = CertificateKeyPair.FromPem(DeterministicHandshake.Resource("ecdsa-chain.pem"), DeterministicHandshake.Resource("ecdsa-key.pem"));
            transcript = TranscriptMutator.Mutate(transcript, mutation, serverKey);
        }

        if (o.Get("save") is { } save)
        {
            File.WriteAllText(save, HexTranscript.Format(transcript));
        }

        var report = TranscriptChecker.Check(transcript);
        if (json)
        {
            Console.WriteLine(ReportWriter.Json(report, "trace"));
        }
        else
        {
            new ReportWriter(Console.Out, colour: !Console.IsOutputRedirected).WriteTrace(report);
        }

        return report.ExitCode;
    }

    private static Transcript Load(string path, string? keyLogPath)
    {
        var transcript = Transcript.Load(path);
        if (keyLogPath is not null)
        {
            transcript.Keys = KeyLog.Load(keyLogPath);
        }

        return transcript;
    }

    /// <summary>Runs one exchange with a real peer on loopback, recording our side's bytes and key log.</summary>
    public static async Task<Transcript> CaptureAsync(string peer)
    {
        var transcript = new Transcript();
        var keys = new List<string>();
        var (client, server) = DeterministicHandshake.Configs(new HandshakeScenario { Seed = null }, line => { lock (keys) { keys.Add(line); } });
        switch (peer)
        {
            case "s2n": await OurClientWithS2nAsync(client, transcript); break;
            case "s2n-client": await OurServerWithS2nAsync(server, transcript); break;
            case "openssl": await OurClientWithOpenSslAsync(client, transcript); break;
            default: throw new ArgumentException($"unknown peer {peer} (s2n, s2n-client, openssl)");
        }

        foreach (var line in keys.Distinct())
        {
            transcript.Keys.AddLine(line);
        }

        return transcript;
    }

    private static async Task OurClientWithS2nAsync(TlsConfig config, Transcript transcript)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
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
        await using var tls = new TlsStream(new RecordingStream(tcp.GetStream(), transcript, Direction.ClientToServer));
        await tls.AuthenticateAsClientAsync(config, "localhost");
        await tls.WriteAsync(Encoding.ASCII.GetBytes(Request));
        await ReadToEndAsync(tls);
        await tls.ShutdownAsync();
        await s2n.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task OurServerWithS2nAsync(TlsConfig config, Transcript transcript)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var s2nConfig = new S2nConfig();
        s2nConfig.SetSecurityPolicy("default_tls13");
        s2nConfig.AddTrustedPem(DeterministicHandshake.Resource("ca.pem"));
        using var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await clientSocket.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        using var serverSocket = await listener.AcceptSocketAsync();
        var s2n = S2nPeer.RunClientAsync(clientSocket, s2nConfig, "localhost", c =>
        {
            c.SendAll(Encoding.ASCII.GetBytes(Request));
            var reply = new byte[Response.Length];
            c.ReceiveExactly(reply);
            c.Shutdown();
        });
        await using var tls = new TlsStream(new RecordingStream(new NetworkStream(serverSocket, ownsSocket: false), transcript, Direction.ServerToClient));
        await tls.AuthenticateAsServerAsync(config);
        var request = new byte[Request.Length];
        await tls.ReadExactlyAsync(request);
        await tls.WriteAsync(Encoding.ASCII.GetBytes(Response));
        await tls.ShutdownAsync();
        await s2n.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>openssl s_server -www on a free loopback port: it answers GET with an HTML status page.</summary>
    private static async Task OurClientWithOpenSslAsync(TlsConfig config, Transcript transcript)
    {
        var dir = Directory.CreateTempSubdirectory("reference-oracle-");
        File.WriteAllText(Path.Combine(dir.FullName, "chain.pem"), DeterministicHandshake.Resource("ecdsa-chain.pem"));
        File.WriteAllText(Path.Combine(dir.FullName, "key.pem"), DeterministicHandshake.Resource("ecdsa-key.pem"));
        int port = FreePort();
        var start = new ProcessStartInfo("openssl", $"s_server -accept 127.0.0.1:{port} -tls1_3 -www -naccept 1 -cert chain.pem -key key.pem")
        {
            WorkingDirectory = dir.FullName, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        using var openssl = Process.Start(start) ?? throw new IOException("cannot start openssl");
        try
        {
            using var tcp = await ConnectWithRetryAsync(port);
            await using var tls = new TlsStream(new RecordingStream(tcp.GetStream(), transcript, Direction.ClientToServer));
            await tls.AuthenticateAsClientAsync(config, "localhost");
            await tls.WriteAsync(Encoding.ASCII.GetBytes(Request));
            await ReadToEndAsync(tls);
        }
        finally
        {
            if (!openssl.HasExited)
            {
                openssl.Kill();
            }

            dir.Delete(recursive: true);
        }
    }

    private const string Request = "GET / HTTP/1.0\r\n\r\n";
    private const string Response = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from C s2n-tls\n";

    private static async Task ReadToEndAsync(TlsStream tls)
    {
        var buffer = new byte[16384];
        while (await tls.ReadAsync(buffer) > 0)
        {
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<TcpClient> ConnectWithRetryAsync(int port)
    {
        for (int attempt = 0; ; attempt++)
        {
            var tcp = new TcpClient();
            try
            {
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                return tcp;
            }
            catch (SocketException) when (attempt < 100)
            {
                tcp.Dispose();
                await Task.Delay(50);
            }
        }
    }
}

/// <summary>A stream that records what passes through it, in order, as transcript chunks.</summary>
internal sealed class RecordingStream(Stream inner, Transcript transcript, Direction writes) : Stream
{
    private Direction Reads => writes == Direction.ClientToServer ? Direction.ServerToClient : Direction.ClientToServer;

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = inner.Read(buffer, offset, count);
        Record(Reads, buffer.AsSpan(offset, n));
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken);
        Record(Reads, buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Record(writes, buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Record(writes, buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Record(Direction direction, ReadOnlySpan<byte> bytes)
    {
        lock (transcript)
        {
            transcript.Add(direction, bytes);
        }
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override bool CanRead => inner.CanRead;

    public override bool CanWrite => inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
