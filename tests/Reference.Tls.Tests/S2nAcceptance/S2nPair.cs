using Reference.S2n;
using Reference.Tls.Tests.Interop;

namespace Reference.Tls.Tests.S2nAcceptance;

/// <summary>
/// C s2n-tls against itself over loopback TCP: the reference run of a differential test. Like
/// <see cref="S2nInterop.RunToCompletionAsync"/>, a side that fails gets its peer woken by shutting the
/// sockets down, so a failed handshake ends instead of hanging.
/// </summary>
internal static class S2nPair
{
    private static readonly TimeSpan FailureGrace = TimeSpan.FromSeconds(2);

    internal static async Task<(Task<TClient> Client, Task<TServer> Server)> RunToCompletionAsync<TClient, TServer>(
        S2nConfig clientConfig, S2nConfig serverConfig, Func<S2nConnection, TClient> client, Func<S2nConnection, TServer> server)
    {
        var (serverSocket, clientSocket) = await S2nInterop.ConnectLoopbackAsync();
        try
        {
            var serverTask = S2nPeer.RunAsync(S2nMode.Server, c => c.UseSocket(serverSocket), serverConfig, null, server);
            var clientTask = S2nPeer.RunAsync(S2nMode.Client, c => c.UseSocket(clientSocket), clientConfig, S2nInterop.ServerName, client);
            var first = await Task.WhenAny(serverTask, clientTask).WaitAsync(S2nInterop.Timeout);
            if (first.IsFaulted)
            {
                Task other = first == serverTask ? clientTask : serverTask;
                await Task.WhenAny(other, Task.Delay(FailureGrace));
                Abort(serverSocket, clientSocket);
            }

            await Task.WhenAll(serverTask, clientTask).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(S2nInterop.Timeout);
            return (clientTask, serverTask);
        }
        finally
        {
            Abort(serverSocket, clientSocket);
        }
    }

    private static void Abort(params System.Net.Sockets.Socket[] sockets)
    {
        foreach (var socket in sockets)
        {
            try
            {
                socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // already closed
            }

            socket.Dispose();
        }
    }
}
