namespace Reference.Interop;

/// <summary>
/// key_update_flood (after JDK-8329548, a JSSE deadlock): both sides write continuously while the client sends
/// thousands of KeyUpdate(update_requested), each of which obliges the server to answer with its own KeyUpdate
/// while its writer may be blocked on a full socket. Each side reads on one thread and writes on another.
/// Passes when neither side stalls (the runner's timeout catches a deadlock), every byte arrives intact, the
/// key update counts add up, and the managed heap that survives a full GC stays under a bound.
/// </summary>
internal static class KeyUpdateFlood
{
    private const int ChunkSize = 1024;
    private const int Modulus = 251; // byte n of each direction's stream is n % 251, so a lost or repeated chunk shows

    /// <summary>KEY_UPDATE_FLOOD_MAX_HEAP_GROWTH_MB (default 64): how much the surviving heap may grow during the flood.</summary>
    public static long MaxHeapGrowthBytes =>
        (long)(double.TryParse(Environment.GetEnvironmentVariable("KEY_UPDATE_FLOOD_MAX_HEAP_GROWTH_MB"),
            System.Globalization.CultureInfo.InvariantCulture, out double mb) ? mb : 64) * 1024 * 1024;

    public static string RunFlooder(ITlsSession s, int keyUpdates)
    {
        var reader = StartReader(s, onEnd: null);
        var heap = new HeapWatch();
        long offset = 0;
        var chunk = new byte[ChunkSize];
        for (int k = 0; k < keyUpdates; k++)
        {
            ScenarioLogic.Check(s.TryUpdateKey(requestPeerUpdate: true),
                $"{s.Implementation} cannot send KeyUpdate(update_requested)");
            offset = WriteChunk(s, chunk, offset);
            if (k % 500 == 0)
                heap.Sample();
        }
        s.CloseWrite();
        long read = reader.Join();
        heap.Sample();
        var (sent, received) = s.KeyUpdateCounts;
        ScenarioLogic.Check(sent >= keyUpdates, $"{s.Implementation} sent {sent} key updates, expected {keyUpdates}");
        ScenarioLogic.Check(received >= 1 && received <= Math.Max(keyUpdates, 255),
            $"{s.Implementation} received {received} key updates in answer to {keyUpdates} requests");
        heap.CheckBound(s.Implementation);
        return $"sent {keyUpdates} requests + {offset} bytes, read {read} bytes, {received} answers, {heap}";
    }

    public static string RunFlooded(ITlsSession s, int keyUpdates)
    {
        var peerClosed = new ManualResetEventSlim();
        var reader = StartReader(s, onEnd: peerClosed.Set);
        var heap = new HeapWatch();
        long offset = 0;
        var chunk = new byte[ChunkSize];
        for (long i = 0; !peerClosed.IsSet; i++)
        {
            offset = WriteChunk(s, chunk, offset);
            if (i % 2000 == 0)
                heap.Sample();
        }
        long read = reader.Join();
        s.CloseWrite();
        heap.Sample();
        long received = s.KeyUpdateCounts.Received;
        long expected = s.Implementation == Endpoints.S2n ? Math.Min(255, keyUpdates) : keyUpdates;
        ScenarioLogic.Check(received == expected, $"{s.Implementation} received {received} key updates, expected {expected}");
        heap.CheckBound(s.Implementation);
        return $"received {received} key updates + {read} bytes while writing {offset} bytes, {heap}";
    }

    private static long WriteChunk(ITlsSession s, byte[] chunk, long offset)
    {
        for (int i = 0; i < chunk.Length; i++)
            chunk[i] = (byte)((offset + i) % Modulus);
        s.Write(chunk);
        return offset + chunk.Length;
    }

    private static ReaderThread StartReader(ITlsSession s, Action? onEnd) => new(s, onEnd);

    /// <summary>Reads and checks the peer's stream until close_notify on a thread of its own.</summary>
    private sealed class ReaderThread
    {
        private readonly Thread _thread;
        private long _bytes;
        private Exception? _failure;

        public ReaderThread(ITlsSession s, Action? onEnd)
        {
            _thread = new Thread(() =>
            {
                try
                {
                    var buffer = new byte[16 * 1024];
                    int n;
                    while ((n = s.Read(buffer)) > 0)
                    {
                        for (int i = 0; i < n; i++)
                        {
                            if (buffer[i] != (byte)((_bytes + i) % Modulus))
                                throw new ScenarioException($"{s.Implementation}: byte {_bytes + i} of the peer's stream is wrong");
                        }
                        _bytes += n;
                    }
                }
                catch (Exception e)
                {
                    _failure = e;
                }
                finally
                {
                    onEnd?.Invoke();
                }
            }) { IsBackground = true, Name = "flood reader" };
            _thread.Start();
        }

        public long Join()
        {
            _thread.Join();
            if (_failure is not null)
                throw new ScenarioException($"reader failed: {_failure.GetType().Name}: {_failure.Message}");
            return _bytes;
        }
    }

    /// <summary>The heap that survives a full collection, at the start and its peak during the flood.</summary>
    private sealed class HeapWatch
    {
        private readonly long _start = GC.GetTotalMemory(forceFullCollection: true);
        private long _peak;

        public void Sample() => _peak = Math.Max(_peak, GC.GetTotalMemory(forceFullCollection: true));

        public void CheckBound(string who) =>
            ScenarioLogic.Check(_peak - _start <= MaxHeapGrowthBytes,
                $"{who}: the live heap grew by {(_peak - _start) / 1024} KiB during the flood (bound {MaxHeapGrowthBytes / 1024} KiB)");

        public override string ToString() => $"live heap {_start / 1024} KiB -> peak {_peak / 1024} KiB";
    }
}
