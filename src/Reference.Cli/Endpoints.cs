using Reference.Tls;
using System.Net;
using System.Net.Sockets;

namespace Reference.Cli;

/// <summary>`reference client` and `reference server`: echo stdin/stdout over TLS 1.3.</summary>
internal static class Endpoints
{
    public static async Task<int> ServerAsync(Options o)
    {
        int port = int.Parse(o.Require("port"), System.Globalization.CultureInfo.InvariantCulture);
        var config = new TlsConfig
        {
            Certificate = CertificateKeyPair.FromPemFiles(o.Require("cert"), o.Require("key")),
            TrustStore = o.Get("ca") is { } ca ? TrustStore.FromPemFile(ca) : null,
            ClientAuth = Enum.Parse<ClientAuthMode>(o.Get("client-auth") ?? "none", ignoreCase: true),
            ApplicationProtocols = o.List("alpn"),
            HandshakeObserver = PrintMessage,
        };
        using var listener = new TcpListener(IPAddress.Parse(o.Get("host") ?? "127.0.0.1"), port);
        listener.Start();
        Console.Error.WriteLine($"listening on {listener.LocalEndpoint}");
        using var socket = await listener.AcceptSocketAsync();
        await using var tls = new TlsStream(new NetworkStream(socket, ownsSocket: true));
        await tls.AuthenticateAsServerAsync(config);
        PrintInfo(tls.ConnectionInfo!);
        await EchoAsync(tls);
        return 0;
    }

    public static async Task<int> ClientAsync(Options o)
    {
        if (o.Positional.Count != 2)
        {
            throw new ArgumentException("client needs HOST PORT");
        }

        string host = o.Positional[0];
        int port = int.Parse(o.Positional[1], System.Globalization.CultureInfo.InvariantCulture);
        var config = new TlsConfig
        {
            TrustStore = o.Get("ca") is { } ca ? TrustStore.FromPemFile(ca) : null,
            DangerousDisableCertificateVerification = o.Has("insecure"),
            Certificate = o.Get("cert") is { } cert ? CertificateKeyPair.FromPemFiles(cert, o.Require("key")) : null,
            ApplicationProtocols = o.List("alpn"),
            HandshakeObserver = PrintMessage,
        };
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host, port);
        await using var tls = new TlsStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(config, o.Get("sni") ?? host);
        PrintInfo(tls.ConnectionInfo!);
        await EchoAsync(tls);
        return 0;
    }

    /// <summary>stdin → peer until stdin ends (then close_notify); peer → stdout until the peer closes.</summary>
    private static async Task EchoAsync(TlsStream tls)
    {
        var toPeer = Task.Run(async () =>
        {
            await Console.OpenStandardInput().CopyToAsync(tls);
            await tls.ShutdownAsync();
        });
        var fromPeer = Task.Run(async () =>
        {
            await using var stdout = Console.OpenStandardOutput();
            await tls.CopyToAsync(stdout);
        });
        await fromPeer;
        await Task.WhenAny(toPeer, Task.Delay(TimeSpan.FromSeconds(1)));
    }

    internal static void PrintMessage(HandshakeMessageEvent e) =>
        Console.Error.WriteLine($"  {(e.Sent ? "-->" : "<--")} {e.Message} ({e.Length} bytes)");

    internal static void PrintInfo(ConnectionInfo info, TextWriter? writer = null)
    {
        writer ??= Console.Error;
        writer.WriteLine($"   version: {info.Version}, cipher suite: {info.CipherSuite}, group: {info.Group}" +
            $"{(info.HelloRetryRequest ? " (after HelloRetryRequest)" : "")}");
        writer.WriteLine($"   server signature: {info.ServerSignatureScheme}" +
            $"{(info.ClientSignatureScheme is { } c ? $", client signature: {c}" : "")}, ALPN: {info.ApplicationProtocol ?? "none"}");
    }
}
