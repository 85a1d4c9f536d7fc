using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Reference.Tls;

namespace Reference.Cli;

/// <summary>
/// `reference server`: accepts TLS 1.3 connections until stopped (Ctrl+C, SIGTERM or --naccept), serving up to
/// --max-conns at once, each in echo or www mode, with one log line per connection on stderr.
/// </summary>
internal static class ServerCommand
{
    public const string Help = """
        usage: reference server --cert CHAIN --key KEY [options]
        Serves TLS 1.3 connections until stopped (Ctrl+C or SIGTERM); one line per connection on stderr.
          --port P              port to listen on (default 8443)
          --host H              address or name to listen on (default 127.0.0.1)
          --cert FILE --key FILE  PEM certificate chain (leaf first) and its private key
          --echo                send each client's data back to it (default)
          --www                 answer one HTTP/1.0 request with a page describing the connection (as s_server -www)
          --max-conns N         connections served at once (default 64); more wait in the accept queue
          --naccept N           stop after N connections (default: serve until stopped)
          --ca FILE --client-auth none|optional|required   ask for and verify a client certificate
          --ticket-key FILE     64 hex digits (32-byte key): issue session tickets and resume from them
          --max-early-data N    accept up to N bytes of 0-RTT data on a resumed connection (needs --ticket-key)
        """ + TlsSettings.SharedHelp;

    private static readonly HashSet<string> Valued = ["port", "host", "cert", "key", "ca", "client-auth", "max-conns", "naccept", "ticket-key", "max-early-data", .. TlsSettings.Valued];
    private static readonly HashSet<string> Flags = ["echo", "www", "verbose", "help"];

    public static Options Parse(string[] args) => Options.Parse("server", args, Valued, Flags);

    public static async Task<int> RunAsync(Options o, TextWriter log, CancellationToken stop)
    {
        if (o.Positional.Count > 0)
        {
            throw new CliException(ExitCode.Usage, $"server: unexpected argument '{o.Positional[0]}' (see: reference server --help)");
        }

        void Log(string line)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }

        // Numbers first: a mistyped number is reported before any file is read.
        int maxConns = o.Int("max-conns", 64, 1, 100_000);
        int naccept = o.Int("naccept", 0, 1, int.MaxValue);
        var timeout = TlsSettings.Timeout(o);
        o.Int("port", 8443, 0, 65535);
        var config = Config(o, Log);
        var mode = o.Has("www") ? (Func<TlsStream, Task<(long, long)>>)ServeWwwAsync : ServeEchoAsync;
        using var listener = Listen(o);
        Log($"listening on {listener.LocalEndpoint} ({(o.Has("www") ? "www" : "echo")}, up to {maxConns} at once, blinding {TlsSettings.Blinding(o)})");

        using var slots = new SemaphoreSlim(maxConns);
        var running = new List<Task>();
        int accepted = 0;
        try
        {
            while (naccept == 0 || accepted < naccept)
            {
                await slots.WaitAsync(stop);
                Socket socket = await listener.AcceptSocketAsync(stop);
                int id = ++accepted;
                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await ServeOneAsync(id, socket, config, mode, timeout, TlsSettings.Blinding(o), Log);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Log("stopping: no new connections; waiting for the open ones");
        }

        await Task.WhenAll(running);
        Log($"stopped after {accepted} connection(s)");
        return ExitCode.Ok;
    }

    private static TlsConfig Config(Options o, Action<string> log)
    {
        string cert = o.ExistingFile("cert") ?? o.Require("cert");
        string key = o.ExistingFile("key") ?? o.Require("key");
        string? ca = o.ExistingFile("ca");
        var clientAuth = o.Get("client-auth") switch
        {
            null => ca is null ? ClientAuthMode.None : ClientAuthMode.Required,
            "none" => ClientAuthMode.None,
            "optional" => ClientAuthMode.Optional,
            "required" => ClientAuthMode.Required,
            var other => throw new CliException(ExitCode.Usage, $"--client-auth: '{other}' is not none, optional or required"),
        };
        if (clientAuth != ClientAuthMode.None && ca is null)
        {
            throw new CliException(ExitCode.Usage, "--client-auth needs --ca (the roots client certificates must chain to)");
        }

        byte[]? ticketKey = o.ExistingFile("ticket-key") is { } path ? ReadTicketKey(path) : null;
        uint maxEarly = (uint)o.Int("max-early-data", 0, 0, int.MaxValue);
        if (maxEarly > 0 && ticketKey is null && o.Get("psk") is null)
        {
            throw new CliException(ExitCode.Usage, "--max-early-data needs --ticket-key (0-RTT needs a resumed session) or --psk");
        }

        return TlsSettings.Build(o, log) with
        {
            Certificate = CertificateKeyPair.FromPemFiles(cert, key),
            TrustStore = ca is null ? null : TrustStore.FromPemFile(ca),
            ClientAuth = clientAuth,
            SessionTicketKey = ticketKey,
            MaxEarlyDataSize = maxEarly,
        };
    }

    private static byte[] ReadTicketKey(string path)
    {
        try
        {
            var key = Convert.FromHexString(File.ReadAllText(path).Trim());
            return key.Length == 32 ? key : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new CliException(ExitCode.Config, $"--ticket-key: '{path}' must hold 64 hex digits (a 32-byte key; e.g. openssl rand -hex 32)");
        }
    }

    private static TcpListener Listen(Options o)
    {
        int port = o.Int("port", 8443, 0, 65535);
        string host = o.Get("host") ?? "127.0.0.1";
        if (!IPAddress.TryParse(host, out IPAddress? address))
        {
            address = Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily != AddressFamily.InterNetwork).FirstOrDefault()
                ?? throw new CliException(ExitCode.Network, $"--host: '{host}' has no address");
        }

        var listener = new TcpListener(address, port);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new CliException(ExitCode.Network, $"cannot listen on {address}:{port}: {e.Message} ({e.SocketErrorCode})");
        }

        return listener;
    }

    private static async Task ServeOneAsync(int id, Socket socket, TlsConfig config, Func<TlsStream, Task<(long, long)>> serve, TimeSpan timeout, string blinding, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        string peer = socket.RemoteEndPoint?.ToString() ?? "?";
        string Prefix() => $"conn {id} {peer} {clock.ElapsedMilliseconds} ms:";
        await using var tls = new TlsStream(new NetworkStream(socket, ownsSocket: true));
        var guard = new ConnectionGuard(tls, socket, blinding, line => log($"conn {id} {peer} {line}"));
        try
        {
            await guard.HandshakeAsync(() => tls.AuthenticateAsServerAsync(config), timeout);
            var (received, sent) = await serve(tls);
            log($"{Prefix()} ok {Describe(tls)}, {received} bytes in, {sent} bytes out, close_notify both ways");
        }
        catch (Exception e)
        {
            await guard.SelfServiceBlindingAsync();
            log($"{Prefix()} failed: {CliErrors.Describe(e).Line}");
        }
    }

    internal static string Describe(TlsStream tls)
    {
        var info = tls.ConnectionInfo!;
        var c = tls.Connection;
        string signature = info.PreSharedKeyAccepted ? "no signature (PSK)" : info.ServerSignatureScheme.ToString();
        return $"{info.CipherSuite} {info.Group}{(info.HelloRetryRequest ? " (HRR)" : "")}, {signature}" +
            $"{(info.ClientSignatureScheme is { } s ? $", client cert {s}" : "")}, ALPN {info.ApplicationProtocol ?? "none"}" +
            $", server name {info.ServerName ?? "none"}, {(info.PreSharedKeyAccepted ? "resumed/PSK" : "full handshake")}, early data {c.EarlyDataStatus}";
    }

    /// <summary>Echo: early data and every record back to the client, until its close_notify.</summary>
    private static async Task<(long, long)> ServeEchoAsync(TlsStream tls)
    {
        long total = 0;
        var buffer = new byte[16 * 1024];
        if (tls.Connection.EarlyDataStatus == EarlyDataStatus.Accepted)
        {
            int early;
            while ((early = tls.ReadEarlyData(buffer)) > 0)
            {
                total += early;
                await tls.WriteAsync(buffer.AsMemory(0, early));
            }
        }

        int n;
        while ((n = await tls.ReadAsync(buffer)) > 0)
        {
            total += n;
            await tls.WriteAsync(buffer.AsMemory(0, n));
        }

        await tls.ShutdownAsync();
        return (total, total);
    }

    /// <summary>www: read one request (up to its blank line), answer a page, close_notify, wait for the client's.</summary>
    private static async Task<(long, long)> ServeWwwAsync(TlsStream tls)
    {
        var request = new MemoryStream();
        var buffer = new byte[4096];
        while (request.Length < 16 * 1024 && !request.ToArray().AsSpan().EndsWith("\r\n\r\n"u8))
        {
            int n = await tls.ReadAsync(buffer);
            if (n == 0)
            {
                break;
            }

            request.Write(buffer, 0, n);
        }

        string firstLine = System.Text.Encoding.ASCII.GetString(request.ToArray()).Split('\n')[0].Trim();
        var page = System.Text.Encoding.UTF8.GetBytes(
            "HTTP/1.0 200 ok\r\nContent-Type: text/html\r\n\r\n" +
            $"<html><body><pre>\nreference server (TLS 1.3)\nrequest: {System.Net.WebUtility.HtmlEncode(firstLine)}\n" +
            $"{System.Net.WebUtility.HtmlEncode(Describe(tls))}\n</pre></body></html>\r\n");
        await tls.WriteAsync(page);
        await tls.ShutdownAsync();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            while (await tls.ReadAsync(buffer, wait.Token) > 0)
            {
                // The client may still send data before its close_notify; the page is already answered.
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("the page was sent, but the client sent no close_notify within 5 s");
        }

        return (request.Length, page.Length);
    }
}
