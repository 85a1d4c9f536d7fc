using System.Net;
using System.Net.Sockets;
using Reference.S2n;

namespace Reference.Tls.Tests.S2n;

public enum TransportKind { Tcp, InMemory }

/// <summary>Outcome of both endpoints, each task already finished.</summary>
internal sealed record PairOutcome<TClient, TServer>(Task<TClient> Client, Task<TServer> Server);

/// <summary>Runs an s2n client against an s2n server over loopback TCP or an in-memory pipe.</summary>
internal static class S2nPair
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    internal static async Task<PairOutcome<TClient, TServer>> RunAsync<TClient, TServer>(
        TransportKind kind, S2nConfig serverConfig, S2nConfig clientConfig,
        Func<S2nConnection, TServer> server, Func<S2nConnection, TClient> client, string? serverName = "localhost")
    {
        var (serverSide, clientSide, abort) = await ConnectAsync(kind);
        try
        {
            var serverTask = S2nPeer.RunAsync(S2nMode.Server, serverSide, serverConfig, null, server);
            var clientTask = S2nPeer.RunAsync(S2nMode.Client, clientSide, clientConfig, serverName, client);
            var first = await Task.WhenAny(serverTask, clientTask).WaitAsync(Timeout);
            // A failed side may leave its peer waiting for bytes that never come: cut the transport.
            if (first.IsFaulted)
                abort();
            await Task.WhenAll(serverTask, clientTask).ContinueWith(_ => { }).WaitAsync(Timeout);
            return new PairOutcome<TClient, TServer>(clientTask, serverTask);
        }
        finally
        {
            abort();
        }
    }

    private static async Task<(Action<S2nConnection>, Action<S2nConnection>, Action)> ConnectAsync(TransportKind kind)
    {
        if (kind == TransportKind.InMemory)
        {
            var (a, b) = DuplexStream.CreatePair();
            return (c => c.UseStream(a), c => c.UseStream(b), () => { a.Dispose(); b.Dispose(); });
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptSocketAsync();
        await clientSocket.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        var serverSocket = await accept.WaitAsync(Timeout);
        return (c => c.UseSocket(serverSocket), c => c.UseSocket(clientSocket), () =>
        {
            // shutdown(2) wakes a thread blocked in recv inside s2n; close alone would not.
            ShutdownQuietly(serverSocket);
            ShutdownQuietly(clientSocket);
        });
    }

    private static void ShutdownQuietly(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // already closed
        }
        socket.Dispose();
    }
}
