using Reference.Tls;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Reference.S2n;
using Reference.Tls.Certificates;

namespace Reference.Cli;

/// <summary>
/// `reference demo`: throwaway certificates, then our server against a C s2n-tls client and our client
/// against a C s2n-tls server on loopback, with data both ways and what each side negotiated.
/// </summary>
internal static class Demo
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const string FromClient = "i am the client. nice to meet you server.";
    private const string FromServer = "i am the server. a pleasure to make your acquaintance.";

    public static async Task<int> RunAsync(TextWriter output)
    {
        S2nLibrary.EnsureInitialized();
        output.WriteLine($"C s2n-tls: {S2nLibrary.Describe()}");
        var dir = Directory.CreateTempSubdirectory("reference-demo-");
        var pki = CertificateGenerator.Generate(KeyKind.EcdsaP256);
        pki.WriteTo(dir.FullName);
        output.WriteLine($"throwaway certificates (ECDSA P-256 root -> intermediate -> leaf for localhost) in {dir.FullName}");
        try
        {
            bool a = await RunScenarioAsync(output, "our server  <-  C s2n-tls client", () => OurServerWithS2nClientAsync(pki, output));
            bool b = await RunScenarioAsync(output, "our client  ->  C s2n-tls server", () => OurClientWithS2nServerAsync(pki, output));
            output.WriteLine(a && b ? "demo: both directions succeeded" : "demo: FAILED");
            return a && b ? 0 : 1;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<bool> RunScenarioAsync(TextWriter output, string title, Func<Task> scenario)
    {
        output.WriteLine();
        output.WriteLine($"== {title}");
        try
        {
            await scenario().WaitAsync(Timeout);
            output.WriteLine("   result: OK");
            return true;
        }
        catch (Exception e) when (e is TlsException or S2nException or IOException or TimeoutException or SocketException)
        {
            output.WriteLine($"   result: FAILED: {e.GetType().Name}: {e.Message}");
            return false;
        }
    }

    private static async Task OurServerWithS2nClientAsync(GeneratedPki pki, TextWriter output)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var s2nConfig = new S2nConfig();
        s2nConfig.SetSecurityPolicy("default_tls13");
        s2nConfig.AddTrustedPem(pki.CaPem);
        var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await clientSocket.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        using var serverSocket = await listener.AcceptSocketAsync();
        string s2nView = "";
        var s2n = S2nPeer.RunClientAsync(clientSocket, s2nConfig, "localhost", c =>
        {
            c.SendAll(Encoding.ASCII.GetBytes(FromClient));
            var reply = new byte[FromServer.Length];
            c.ReceiveExactly(reply);
            s2nView = $"   C s2n client saw: {c.CipherSuite}, {c.KeyExchangeGroup ?? c.Curve}, {c.SignatureScheme}, handshake {c.HandshakeTypeName}; received \"{Encoding.ASCII.GetString(reply)}\"";
            c.Shutdown();
        });
        await using var tls = new TlsStream(new NetworkStream(serverSocket, ownsSocket: false));
        await tls.AuthenticateAsServerAsync(new TlsConfig { Certificate = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem), HandshakeObserver = Trace(output, "our server") });
        PrintInfo(tls.ConnectionInfo!, output);
        var request = await ReadUntilCloseAsync(tls);
        output.WriteLine($"   our server received \"{request}\"");
        await tls.WriteAsync(Encoding.ASCII.GetBytes(FromServer));
        await tls.ShutdownAsync();
        await s2n;
        clientSocket.Dispose();
        output.WriteLine(s2nView);
        Check(request == FromClient, "the server received the wrong request");
    }

    private static async Task OurClientWithS2nServerAsync(GeneratedPki pki, TextWriter output)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var s2nConfig = new S2nConfig();
        s2nConfig.SetSecurityPolicy("default_tls13");
        s2nConfig.AddCertChainAndKey(pki.ServerChainPem, pki.ServerKeyPem);
        var accept = listener.AcceptSocketAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var serverSocket = await accept;
        string s2nView = "";
        var s2n = S2nPeer.RunServerAsync(serverSocket, s2nConfig, c =>
        {
            var request = new byte[FromClient.Length];
            c.ReceiveExactly(request);
            c.SendAll(Encoding.ASCII.GetBytes(FromServer));
            s2nView = $"   C s2n server saw: {c.CipherSuite}, {c.KeyExchangeGroup ?? c.Curve}, {c.SignatureScheme}, handshake {c.HandshakeTypeName}; received \"{Encoding.ASCII.GetString(request)}\"";
            c.Shutdown();
        });
        await using var tls = new TlsStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new TlsConfig { TrustStore = TrustStore.FromPem(pki.CaPem), HandshakeObserver = Trace(output, "our client") }, "localhost");
        PrintInfo(tls.ConnectionInfo!, output);
        await tls.WriteAsync(Encoding.ASCII.GetBytes(FromClient));
        var reply = await ReadUntilCloseAsync(tls);
        output.WriteLine($"   our client received \"{reply}\"");
        await tls.ShutdownAsync();
        await s2n;
        serverSocket.Dispose();
        output.WriteLine(s2nView);
        Check(reply == FromServer, "the client received the wrong reply");
    }

    /// <summary>Reads application data until the peer's close_notify, or until a whole demo line arrived.</summary>
    private static async Task<string> ReadUntilCloseAsync(TlsStream tls)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (text.Length < Math.Max(FromClient.Length, FromServer.Length))
        {
            int n = await tls.ReadAsync(buffer);
            if (n == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
            if (text.ToString() is FromClient or FromServer)
            {
                break;
            }
        }

        return text.ToString();
    }

    private static Action<HandshakeMessageEvent> Trace(TextWriter output, string who) =>
        e => output.WriteLine($"   {who} {(e.Sent ? "sent    " : "received")} {e.Message} ({e.Length} bytes)");

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new IOException(what);
        }
    }

    private static void PrintInfo(ConnectionInfo info, TextWriter writer)
    {
        writer.WriteLine($"   version: {info.Version}, cipher suite: {info.CipherSuite}, group: {info.Group}" +
            $"{(info.HelloRetryRequest ? " (after HelloRetryRequest)" : "")}");
        writer.WriteLine($"   server signature: {info.ServerSignatureScheme}" +
            $"{(info.ClientSignatureScheme is { } c ? $", client signature: {c}" : "")}, ALPN: {info.ApplicationProtocol ?? "none"}");
    }
}
