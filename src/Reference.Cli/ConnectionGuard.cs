using System.Net.Sockets;
using Reference.Tls;

namespace Reference.Cli;

/// <summary>
/// Watches one connection: gives up on a handshake that takes too long (by closing the socket), and says when
/// the engine's blinding delay makes the CLI wait, so a failure is never silent for 10-30 s.
/// </summary>
internal sealed class ConnectionGuard(TlsStream tls, Socket socket, string blinding, Action<string> log)
{
    private volatile bool _timedOut;

    /// <summary>Runs <paramref name="handshake"/>; a timeout becomes a <see cref="TimeoutException"/>.</summary>
    public async Task HandshakeAsync(Func<Task> handshake, TimeSpan timeout)
    {
        using var done = new CancellationTokenSource();
        var watch = WatchAsync(timeout, done.Token);
        try
        {
            await handshake();
        }
        catch (Exception e) when (e is TlsException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            if (_timedOut)
            {
                throw new TimeoutException($"no complete handshake after {timeout.TotalSeconds:0} s");
            }

            await SelfServiceBlindingAsync();
            throw;
        }
        finally
        {
            await done.CancelAsync();
            await watch;
        }
    }

    /// <summary>Self-service blinding: the engine reported the failure at once; wait before the socket closes.</summary>
    public async Task SelfServiceBlindingAsync()
    {
        var delay = Delay();
        if (blinding == "self-service" && delay > TimeSpan.Zero)
        {
            log($"blinding: waiting {delay.TotalSeconds:0.0} s before closing (self-service blinding; --blinding off skips it)");
            await Task.Delay(delay);
        }
    }

    private async Task WatchAsync(TimeSpan timeout, CancellationToken done)
    {
        var deadline = DateTime.UtcNow + timeout;
        bool told = false;
        while (!done.IsCancellationRequested)
        {
            var delay = Delay();
            if (delay > TimeSpan.Zero && !told && blinding == "builtin")
            {
                told = true;
                log($"blinding: the handshake failed; waiting {delay.TotalSeconds:0.0} s before reporting it (built-in blinding, as s2n; --blinding off skips it)");
            }
            else if (delay == TimeSpan.Zero && DateTime.UtcNow >= deadline)
            {
                _timedOut = true;
                socket.Dispose();
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), done);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private TimeSpan Delay()
    {
        try
        {
            return tls.Connection.BlindingDelay;
        }
        catch (TlsException)
        {
            return TimeSpan.Zero;
        }
    }
}
