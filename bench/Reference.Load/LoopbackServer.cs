using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Reference.Tls;

namespace Reference.Load;

/// <summary>
/// A TLS server on 127.0.0.1 for load and slow-client runs. Per connection: the handshake, bounded by
/// <c>handshakeTimeout</c> (the socket is closed when it runs out); then one command from the client:
/// <c>'E' u32 n</c>: read n bytes, then send n bytes back; <c>'S' u32 n</c>: send n bytes (a client that
/// never reads shows whether the server buffers without bound). Then it waits for the client's close.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private const int Chunk = 16 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly TlsConfig _config;
    private readonly TimeSpan _handshakeTimeout;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _handshakes, _timeouts, _failures, _active, _streamed;

    public LoopbackServer(TlsConfig config, TimeSpan handshakeTimeout)
    {
        _config = config;
        _handshakeTimeout = handshakeTimeout;
        _listener.Start(4096);
        _accepting = AcceptLoop();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public long Handshakes => Interlocked.Read(ref _handshakes);

    public long HandshakeTimeouts => Interlocked.Read(ref _timeouts);

    public long Failures => Interlocked.Read(ref _failures);

    public long Active => Interlocked.Read(ref _active);

    /// <summary>Bytes that <c>'S'</c> commands have handed to TlsStream.Write so far (all connections).</summary>
    public long StreamedBytes => Interlocked.Read(ref _streamed);

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => Serve(socket));
        }
    }

    private async Task Serve(Socket socket)
    {
        Interlocked.Increment(ref _active);
        try
        {
            socket.NoDelay = true;
            await using var tls = new TlsStream(new NetworkStream(socket, ownsSocket: true));
            if (!await Handshake(tls, socket))
            {
                return;
            }

            await RunCommand(tls);
            await tls.ShutdownAsync(_stop.Token);
        }
        catch (Exception e) when (e is TlsException or IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _failures);
        }
        finally
        {
            socket.Dispose();
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>The handshake under the timeout; false (socket closed) when it ran out.</summary>
    private async Task<bool> Handshake(TlsStream tls, Socket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(_handshakeTimeout);
        // Closing the socket also ends a read the token cannot reach.
        await using var close = timeout.Token.Register(socket.Dispose);
        try
        {
            await tls.AuthenticateAsServerAsync(_config, timeout.Token);
        }
        catch (Exception) when (timeout.IsCancellationRequested && !_stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref _timeouts);
            return false;
        }

        Interlocked.Increment(ref _handshakes);
        return true;
    }

    private async Task RunCommand(TlsStream tls)
    {
        var header = new byte[5];
        await tls.ReadExactlyAsync(header, _stop.Token);
        int length = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        var buffer = new byte[Math.Min(length, Chunk)];
        if (header[0] == (byte)'E')
        {
            // Read it all first, then answer: "64 KB each way" is then one request and one response.
            for (int left = length; left > 0; left -= buffer.Length)
            {
                await tls.ReadExactlyAsync(buffer.AsMemory(0, Math.Min(left, buffer.Length)), _stop.Token);
            }
        }

        for (int left = length; left > 0; left -= buffer.Length)
        {
            int n = Math.Min(left, buffer.Length);
            await tls.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            if (header[0] == (byte)'S')
            {
                Interlocked.Add(ref _streamed, n);
            }
        }

        // Wait for the client's close_notify (Read returns 0).
        _ = await tls.ReadAsync(buffer, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
