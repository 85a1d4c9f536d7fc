using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Reference.Tls.Certificates;

namespace Reference.Bench;

/// <summary>
/// Bulk transfer over a real loopback TCP connection, sync and async, ours (<see cref="TlsStream"/>) and
/// SslStream side by side: <c>--socket [MB] [ROUNDS] [WRITE_KIB]</c>. Unlike the in-memory table this pays
/// the socket syscalls, the thread hops of async I/O and the stream adapters, which is where the async
/// path can lose to the sync one. Client writes, server reads, one direction; each figure is the best of
/// the rounds, the four runs taking turns round by round so load from other processes hits all alike.
/// </summary>
internal static class SocketBulk
{
    private const int ReadSize = 64 * 1024;

    /// <summary>
    /// One measured transfer: plaintext MB/s (10^6 bytes), process CPU time per MB (both ends, all threads: less
    /// sensitive to other processes' load than the rate) and managed bytes allocated per MB moved.
    /// </summary>
    internal readonly record struct Result(double MegabytesPerSecond, double CpuMicrosecondsPerMegabyte, double AllocatedPerMegabyte);

    internal enum Mode
    {
        Sync,
        Async,

        /// <summary>
        /// The async calls blocked on, with a fresh array per read and a copy per write: what the interop runner's
        /// ours-async endpoint does (interop/Reference.Interop/Sessions.cs), so its MB/s are not TlsStream's async figure.
        /// </summary>
        BlockedAsync,
    }

    public static int Run(string[] args)
    {
        int megabytes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 256;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        int writeSize = (args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 16) * 1024;
        Console.WriteLine($"# Bulk over loopback TCP: {megabytes} MB client → server, {writeSize / 1024} KiB writes, {ReadSize / 1024} KiB reads, AES-128-GCM, best of {rounds}");
        Console.WriteLine($"- load average before: {LoadAverage()}");
        var runs = new (Engine Engine, Mode Mode)[]
        {
            (Engine.Ours, Mode.Sync), (Engine.Ours, Mode.Async), (Engine.Ours, Mode.BlockedAsync), (Engine.SslStream, Mode.Sync), (Engine.SslStream, Mode.Async),
        };
        var best = new Dictionary<(Engine, Mode), Result>();
        Measure(Engine.Ours, Mode.Async, 16L << 20, writeSize); // JIT and pools warm before the first measured run
        Measure(Engine.SslStream, Mode.Async, 16L << 20, writeSize);
        for (int round = 0; round < rounds; round++)
        {
            foreach (var run in runs)
            {
                var result = Measure(run.Engine, run.Mode, (long)megabytes * 1_000_000, writeSize);
                Console.Error.WriteLine($"socket bulk {run.Engine} {run.Mode}: {result.MegabytesPerSecond:0} MB/s, {result.CpuMicrosecondsPerMegabyte:0} CPU µs/MB, {result.AllocatedPerMegabyte:0} B allocated per MB");
                best[run] = best.TryGetValue(run, out var previous) ? Best(previous, result) : result;
            }
        }
        Console.WriteLine();
        Console.WriteLine("| engine | mode | MB/s | async/sync | CPU µs per MB | async/sync | B allocated per MB |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var (engine, mode) in runs)
        {
            var r = best[(engine, mode)];
            var sync = best[(engine, Mode.Sync)];
            double rate = r.MegabytesPerSecond / sync.MegabytesPerSecond, cpu = r.CpuMicrosecondsPerMegabyte / sync.CpuMicrosecondsPerMegabyte;
            Console.WriteLine(FormattableString.Invariant(
                $"| {engine} | {mode} | {r.MegabytesPerSecond:#,0} | {rate:0.00}× | {r.CpuMicrosecondsPerMegabyte:#,0} | {cpu:0.00}× | {r.AllocatedPerMegabyte:#,0} |"));
        }
        Console.WriteLine();
        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    /// <summary>Establishes a fresh TLS connection over loopback TCP and moves <paramref name="bytes"/> through it.</summary>
    internal static Result Measure(Engine engine, Mode mode, long bytes, int writeSize)
    {
        var (client, server) = Establish(engine).GetAwaiter().GetResult();
        using (client)
        using (server)
        {
            var payload = new byte[writeSize];
            long writes = (bytes + writeSize - 1) / writeSize;
            long total = writes * writeSize;
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            if (mode == Mode.Async)
                TransferAsync(client, server, payload, writes, total).GetAwaiter().GetResult();
            else
                TransferSync(mode == Mode.Sync ? client : new BlockedAsyncStream(client), mode == Mode.Sync ? server : new BlockedAsyncStream(server), payload, writes, total);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double megabytes = total / 1e6;
            double cpuMicros = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds;
            return new Result(megabytes / seconds, cpuMicros / megabytes, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / megabytes);
        }
    }

    /// <summary>The best of two runs, figure by figure (highest rate, least CPU and allocation).</summary>
    private static Result Best(Result a, Result b) => new(Math.Max(a.MegabytesPerSecond, b.MegabytesPerSecond),
        Math.Min(a.CpuMicrosecondsPerMegabyte, b.CpuMicrosecondsPerMegabyte), Math.Min(a.AllocatedPerMegabyte, b.AllocatedPerMegabyte));

    private static void TransferSync(Stream client, Stream server, byte[] payload, long writes, long total)
    {
        var writer = new Thread(() =>
        {
            for (long i = 0; i < writes; i++)
                client.Write(payload);
        });
        writer.Start();
        var sink = new byte[ReadSize];
        for (long got = 0; got < total;)
        {
            int n = server.Read(sink);
            got += n > 0 ? n : throw new EndOfStreamException("the connection closed during the transfer");
        }
        writer.Join();
    }

    private static async Task TransferAsync(Stream client, Stream server, byte[] payload, long writes, long total)
    {
        var writer = Task.Run(async () =>
        {
            for (long i = 0; i < writes; i++)
                await client.WriteAsync(payload).ConfigureAwait(false);
        });
        var reader = Task.Run(async () =>
        {
            var sink = new byte[ReadSize];
            for (long got = 0; got < total;)
            {
                int n = await server.ReadAsync(sink).ConfigureAwait(false);
                got += n > 0 ? n : throw new EndOfStreamException("the connection closed during the transfer");
            }
        });
        await Task.WhenAll(writer, reader).ConfigureAwait(false);
    }

    private static async Task<(Stream Client, Stream Server)> Establish(Engine engine)
    {
        var (clientSocket, serverSocket) = await ConnectedSockets().ConfigureAwait(false);
        var clientTransport = new NetworkStream(clientSocket, ownsSocket: true);
        var serverTransport = new NetworkStream(serverSocket, ownsSocket: true);
        if (engine == Engine.Ours)
        {
            var (clientConfig, serverConfig) = OursHarness.Configs(KeyKind.EcdsaP256, BulkCase.S2nPolicy, BulkCase.Aes128.Suite);
            var client = new TlsStream(clientTransport);
            var server = new TlsStream(serverTransport);
            await Task.WhenAll(client.AuthenticateAsClientAsync(clientConfig, "localhost"), server.AuthenticateAsServerAsync(serverConfig)).ConfigureAwait(false);
            return (client, server);
        }
        if (engine == Engine.SslStream)
        {
            var options = SslStreamHarness.Options.For(KeyKind.EcdsaP256, BulkCase.Aes128.DotNetSuite);
            var client = new SslStream(clientTransport);
            var server = new SslStream(serverTransport);
            await Task.WhenAll(client.AuthenticateAsClientAsync(options.Client), server.AuthenticateAsServerAsync(options.Server)).ConfigureAwait(false);
            return (client, server);
        }
        throw new ArgumentOutOfRangeException(nameof(engine), "socket bulk runs ours and SslStream");
    }

    private static async Task<(Socket Client, Socket Server)> ConnectedSockets()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accepted = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!).ConfigureAwait(false);
        var server = await accepted.ConfigureAwait(false);
        server.NoDelay = true;
        return (client, server);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>Sync calls made by blocking on the async ones, allocating as the interop runner's ours-async endpoint does.</summary>
    private sealed class BlockedAsyncStream(Stream inner) : Stream
    {
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var fresh = new byte[buffer.Length];
            int n = inner.ReadAsync(fresh).AsTask().GetAwaiter().GetResult();
            fresh.AsSpan(0, n).CopyTo(buffer);
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => inner.WriteAsync(buffer.ToArray()).AsTask().GetAwaiter().GetResult();

        public override void Flush() => inner.Flush();

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
