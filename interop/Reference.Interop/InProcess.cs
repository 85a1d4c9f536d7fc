using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Reference.Interop;

/// <summary>
/// Runs one scenario with both endpoints in this process (one thread each) over loopback: what the tests use,
/// since starting two processes per cell is slower and hides the engine's memory from the test.
/// </summary>
internal static class InProcess
{
    public static Outcome Run(string scenario, string client, string server, ScenarioSettings settings, TimeSpan timeout, CertificateFiles? certs = null)
    {
        if (Capabilities.NotAvailable(scenario, client, server) is { } reason)
            return new Outcome(Outcome.NotAvailable, TimeSpan.Zero, reason);
        certs ??= CertificateFiles.Locate();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(1);
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var clock = Stopwatch.StartNew();
        // session_resumption accepts twice on the one listener.
        var serverSide = Endpoint(() => listener.AcceptSocket(), server, isServer: true, scenario, settings, certs);
        var clientSide = Endpoint(() => ConnectLoopback(port), client, isServer: false, scenario, settings, certs);
        bool finished = Task.WaitAll([serverSide.Task, clientSide.Task], timeout);
        var elapsed = clock.Elapsed;
        if (!finished)
        {
            // Closing the sockets unblocks threads stuck in a read or write (the hang is still the failure).
            serverSide.Abort();
            clientSide.Abort();
            return new Outcome(Outcome.Fail, elapsed, $"timeout: no result within {timeout.TotalSeconds}s");
        }
        string? failure = serverSide.Failure ?? clientSide.Failure;
        return failure is null
            ? new Outcome(Outcome.Pass, elapsed, $"client: {clientSide.Note}; server: {serverSide.Note}")
            : new Outcome(Outcome.Fail, elapsed, failure);
    }

    private static Socket ConnectLoopback(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(IPAddress.Loopback, port);
        return socket;
    }

    private static RunningEndpoint Endpoint(Func<Socket> open, string impl, bool isServer, string scenario, ScenarioSettings settings, CertificateFiles certs)
    {
        var endpoint = new RunningEndpoint();
        var thread = new Thread(() =>
        {
            string role = isServer ? "server" : "client";
            try
            {
                endpoint.Note = ScenarioDriver.Run(impl, isServer, scenario, () => endpoint.Socket = open(), certs, settings);
            }
            catch (Exception e)
            {
                endpoint.Failure = $"{impl} {role}: {e.GetType().Name}: {e.Message}";
            }
            finally
            {
                endpoint.Done.TrySetResult();
            }
        }) { IsBackground = true, Name = $"interop {impl} {(isServer ? "server" : "client")}" };
        thread.Start();
        return endpoint;
    }

    private sealed class RunningEndpoint
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task Task => Done.Task;
        public volatile Socket? Socket;
        public string? Note { get; set; }
        public string? Failure { get; set; }

        public void Abort()
        {
            try
            {
                Socket?.Dispose();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
