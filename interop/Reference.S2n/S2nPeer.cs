using System.Net.Sockets;

namespace Reference.S2n;

/// <summary>
/// Runs one C s2n-tls endpoint on a dedicated thread (s2n calls block), so a test or the
/// demo can put s2n on one side and something else on the other. The task completes
/// when the session callback returns, faulting with whatever the handshake or the
/// session threw; the connection is disposed afterwards (the transport is not).
/// </summary>
public static class S2nPeer
{
    /// <summary>Server over a blocking stream: negotiate, then run <paramref name="session"/>.</summary>
    public static Task RunServerAsync(Stream transport, S2nConfig config, Action<S2nConnection> session) =>
        RunAsync(S2nMode.Server, c => c.UseStream(transport), config, null, session);

    /// <summary>Server over a connected socket (s2n reads the descriptor directly).</summary>
    public static Task RunServerAsync(Socket socket, S2nConfig config, Action<S2nConnection> session) =>
        RunAsync(S2nMode.Server, c => c.UseSocket(socket), config, null, session);

    /// <summary>Client over a blocking stream; <paramref name="serverName"/> is sent as SNI if given.</summary>
    public static Task RunClientAsync(Stream transport, S2nConfig config, string? serverName,
        Action<S2nConnection> session) =>
        RunAsync(S2nMode.Client, c => c.UseStream(transport), config, serverName, session);

    /// <summary>Client over a connected socket.</summary>
    public static Task RunClientAsync(Socket socket, S2nConfig config, string? serverName,
        Action<S2nConnection> session) =>
        RunAsync(S2nMode.Client, c => c.UseSocket(socket), config, serverName, session);

    /// <summary>General form: <paramref name="attach"/> sets the transport before the handshake.</summary>
    public static Task RunAsync(S2nMode mode, Action<S2nConnection> attach, S2nConfig config, string? serverName,
        Action<S2nConnection> session) =>
        RunAsync(mode, attach, config, serverName, c => { session(c); return true; });

    /// <summary>General form returning what the session computed (e.g. negotiated parameters).</summary>
    public static Task<T> RunAsync<T>(S2nMode mode, Action<S2nConnection> attach, S2nConfig config,
        string? serverName, Func<S2nConnection, T> session)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var connection = new S2nConnection(mode, config);
                if (serverName is not null)
                    connection.SetServerName(serverName);
                attach(connection);
                connection.Negotiate();
                done.SetResult(session(connection));
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true, // a hung peer must not keep the process alive
            Name = $"s2n {mode}",
        };
        thread.Start();
        return done.Task;
    }
}
