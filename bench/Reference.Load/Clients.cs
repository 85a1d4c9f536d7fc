using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Reference.Tls;

namespace Reference.Load;

/// <summary>What one client saw: handshake and whole-exchange times, or the failure.</summary>
public sealed record ClientResult(TimeSpan Handshake, TimeSpan Total, string? Error);

/// <summary>Clients of <see cref="LoopbackServer"/>'s protocol, on 127.0.0.1 only.</summary>
public static class Clients
{
    /// <summary>
    /// One normal client: connect, handshake, send <paramref name="bytes"/> and read them back ('E'), then
    /// wait for <paramref name="release"/> (so a run can hold all connections open at once), then close.
    /// </summary>
    public static async Task<ClientResult> Echo(int port, TlsConfig config, int bytes, Task release, CancellationToken ct, Action? exchanged = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan handshake = default;
        bool signalled = false;
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            await using var tls = new TlsStream(new NetworkStream(socket, ownsSocket: false));
            await tls.AuthenticateAsClientAsync(config, "localhost", ct);
            handshake = clock.Elapsed;
            await tls.WriteAsync(Command((byte)'E', bytes), ct);
            await tls.WriteAsync(new byte[bytes], ct);
            await tls.ReadExactlyAsync(new byte[bytes], ct);
            var total = clock.Elapsed;
            signalled = true;
            exchanged?.Invoke();
            await release.WaitAsync(ct);
            await tls.ShutdownAsync(ct);
            return new ClientResult(handshake, total, null);
        }
        catch (Exception e)
        {
            if (!signalled)
            {
                exchanged?.Invoke();
            }

            return new ClientResult(handshake, clock.Elapsed, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// A slow client: sends a real ClientHello one byte every <paramref name="interval"/>. Returns how long
    /// the server kept the connection before closing it (null if the whole ClientHello went out first).
    /// </summary>
    public static async Task<TimeSpan?> TrickleClientHello(int port, TlsConfig config, TimeSpan interval, CancellationToken ct)
    {
        using var connection = TlsConnection.CreateClient(config, "localhost");
        var hello = connection.PendingOutput.ToArray();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
        var clock = Stopwatch.StartNew();
        var closed = WaitForClose(socket, ct);
        foreach (byte b in hello)
        {
            if (closed.IsCompleted || await Task.WhenAny(closed, Task.Delay(interval, ct)) == closed)
            {
                return clock.Elapsed;
            }

            try
            {
                await socket.SendAsync(new[] { b }, SocketFlags.None, ct);
            }
            catch (SocketException)
            {
                return clock.Elapsed;
            }
        }

        return null;
    }

    /// <summary>A client that asks for <paramref name="bytes"/> ('S') and then reads nothing until <paramref name="release"/>.</summary>
    public static async Task<string?> NonReader(int port, TlsConfig config, int bytes, Task release, CancellationToken ct)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            await using var tls = new TlsStream(new NetworkStream(socket, ownsSocket: false));
            await tls.AuthenticateAsClientAsync(config, "localhost", ct);
            await tls.WriteAsync(Command((byte)'S', bytes), ct);
            await release.WaitAsync(ct);
            return null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static byte[] Command(byte kind, int length)
    {
        var command = new byte[5];
        command[0] = kind;
        BinaryPrimitives.WriteUInt32BigEndian(command.AsSpan(1), (uint)length);
        return command;
    }

    /// <summary>Completes when the server closes the connection (read returns 0 or fails).</summary>
    private static async Task WaitForClose(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, ct) > 0)
            {
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public static double Percentile(IReadOnlyList<TimeSpan> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Select(v => v.TotalMilliseconds).Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
