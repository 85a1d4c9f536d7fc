using System.Net;
using System.Net.Sockets;
using Reference.Tls;

namespace Reference.Cli;

/// <summary>
/// `reference client HOST PORT`: stdin to the server, the server's data to stdout, like s2nc. When stdin ends
/// the client sends close_notify and reads until the server's; that is a normal end (exit 0).
/// </summary>
internal static class ClientCommand
{
    public const string Help = """
        usage: reference client HOST PORT (--ca FILE | --insecure) [options]
        Sends stdin to the server and writes what it sends to stdout; connection details go to stderr.
        At the end of stdin: close_notify, then the server's close_notify, then exit 0.
          --ca FILE             PEM roots the server's certificate must chain to
          --insecure            do not verify the server's certificate (testing only)
          --sni NAME            server name to send and verify (default HOST; an IP address is verified
                                but never sent, RFC 6066 section 3)
          --cert FILE --key FILE  client certificate chain and key, if the server asks for one
          --session FILE        resume from the ticket in FILE if there is one; save the newest ticket to FILE
          --early-data FILE     send FILE as 0-RTT data (needs a --session ticket that allows early data)
        """ + TlsSettings.SharedHelp;

    private static readonly HashSet<string> Valued = ["ca", "sni", "cert", "key", "session", "early-data", .. TlsSettings.Valued];
    private static readonly HashSet<string> Flags = ["insecure", "verbose", "help"];

    public static Options Parse(string[] args) => Options.Parse("client", args, Valued, Flags);

    public static async Task<int> RunAsync(Options o, Stream stdin, Stream stdout, TextWriter log)
    {
        if (o.Positional.Count != 2)
        {
            throw new CliException(ExitCode.Usage, "client needs HOST PORT (see: reference client --help)");
        }

        string host = o.Positional[0];
        int port = Options.ParseInt("PORT", o.Positional[1], 1, 65535);
        var config = Config(o, log.WriteLine);
        TlsSession? session = LoadSession(o, log);
        byte[]? early = EarlyData(o, session);

        using var socket = await ConnectAsync(host, port, TlsSettings.Timeout(o));
        await using var tls = new TlsStream(new NetworkStream(socket, ownsSocket: false));
        var guard = new ConnectionGuard(tls, socket, TlsSettings.Blinding(o), log.WriteLine);
        string serverName = o.Get("sni") ?? host;
        await guard.HandshakeAsync(
            () => early is not null ? tls.AuthenticateAsClientAsync(config, serverName, session!, early)
                : tls.AuthenticateAsClientAsync(config, serverName, session),
            TlsSettings.Timeout(o));
        log.WriteLine($"connected: {ServerCommand.Describe(tls)}");
        if (IPAddress.TryParse(serverName, out _))
        {
            log.WriteLine($"  no server_name sent: {serverName} is an IP address (RFC 6066 section 3); the certificate was checked against it");
        }

        if (early is not null && tls.Connection.EarlyDataStatus != EarlyDataStatus.Accepted)
        {
            log.WriteLine($"early data: {tls.Connection.EarlyDataStatus}; sending the {early.Length} bytes as ordinary data");
            await tls.WriteAsync(early);
        }

        try
        {
            await EchoAsync(tls, stdin, stdout);
        }
        catch (Exception)
        {
            await guard.SelfServiceBlindingAsync();
            throw;
        }

        SaveSession(o, tls, log);
        log.WriteLine("closed: close_notify sent and received");
        return ExitCode.Ok;
    }

    private static TlsConfig Config(Options o, Action<string> log)
    {
        string? ca = o.ExistingFile("ca");
        if (ca is null && !o.Has("insecure"))
        {
            throw new CliException(ExitCode.Usage, "client needs --ca FILE to verify the server (or --insecure, for testing only)");
        }

        string? cert = o.ExistingFile("cert");
        string? key = o.ExistingFile("key");
        if ((cert is null) != (key is null))
        {
            throw new CliException(ExitCode.Usage, "--cert and --key go together");
        }

        return TlsSettings.Build(o, log) with
        {
            TrustStore = ca is null ? null : TrustStore.FromPemFile(ca),
            DangerousDisableCertificateVerification = o.Has("insecure"),
            Certificate = cert is null ? null : CertificateKeyPair.FromPemFiles(cert, key!),
        };
    }

    private static async Task<Socket> ConnectAsync(string host, int port, TimeSpan timeout)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(host, port, cts.Token);
            return socket;
        }
        catch (Exception e)
        {
            socket.Dispose();
            throw e switch
            {
                OperationCanceledException => new TimeoutException($"no TCP connection to {host}:{port} after {timeout.TotalSeconds:0} s"),
                SocketException s => new CliException(ExitCode.Network, $"cannot connect to {host}:{port}: {s.Message} ({s.SocketErrorCode})"),
                _ => e,
            };
        }
    }

    /// <summary>stdin → server, then close_notify; server → stdout until its close_notify.</summary>
    private static async Task EchoAsync(TlsStream tls, Stream stdin, Stream stdout)
    {
        int closed = 0;
        async Task CloseOnceAsync()
        {
            if (Interlocked.Exchange(ref closed, 1) == 0)
            {
                await tls.ShutdownAsync();
            }
        }

        var toServer = Task.Run(async () =>
        {
            await stdin.CopyToAsync(tls);
            await CloseOnceAsync();
        });
        await tls.CopyToAsync(stdout);
        await stdout.FlushAsync();
        if (toServer.IsFaulted)
        {
            await toServer;
        }

        // The server closed first: answer its close_notify with ours (RFC 8446 §6.1); stdin is no longer needed.
        await CloseOnceAsync();
    }

    private static TlsSession? LoadSession(Options o, TextWriter log)
    {
        if (o.Get("session") is not { } path || !File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return null;
        }

        try
        {
            var session = TlsSession.Import(File.ReadAllBytes(path));
            log.WriteLine($"session: offering the ticket in {path} ({session.CipherSuite}, max early data {session.MaxEarlyDataSize})");
            return session;
        }
        catch (TlsException)
        {
            throw new CliException(ExitCode.Config, $"--session: '{path}' is not a session file written by reference client");
        }
    }

    private static byte[]? EarlyData(Options o, TlsSession? session)
    {
        if (o.ExistingFile("early-data") is not { } path)
        {
            return null;
        }

        if (session is null || session.MaxEarlyDataSize == 0)
        {
            throw new CliException(ExitCode.Usage, "--early-data needs --session FILE holding a ticket that allows early data (server --max-early-data)");
        }

        var data = File.ReadAllBytes(path);
        return data.Length <= session.MaxEarlyDataSize
            ? data
            : throw new CliException(ExitCode.Usage, $"--early-data: {data.Length} bytes, but the ticket allows at most {session.MaxEarlyDataSize}");
    }

    private static void SaveSession(Options o, TlsStream tls, TextWriter log)
    {
        if (o.Get("session") is not { } path)
        {
            return;
        }

        if (tls.Connection.ReceivedSessions.Count == 0)
        {
            log.WriteLine("session: the server sent no ticket; nothing saved");
            return;
        }

        // Owner-only from the first byte: the file holds a resumption secret.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(path, options))
        {
            file.Write(tls.Connection.ReceivedSessions[^1].Export());
        }

        log.WriteLine($"session: ticket saved to {path} (it holds a resumption secret)");
    }
}
