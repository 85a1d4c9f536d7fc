namespace Reference.Bench;

/// <summary>
/// An in-memory full-duplex stream pair for SslStream, so it pays no socket syscalls either: writes
/// copy into the peer's queue and never block; reads take what is queued or wait (asynchronously in
/// ReadAsync) for the next write. Buffers are reused, so steady-state transfers do not allocate.
/// </summary>
internal sealed class MemoryDuplexStream : Stream
{
    private readonly ByteChannel _incoming;
    private readonly ByteChannel _outgoing;

    private MemoryDuplexStream(ByteChannel incoming, ByteChannel outgoing)
    {
        _incoming = incoming;
        _outgoing = outgoing;
    }

    public static (MemoryDuplexStream First, MemoryDuplexStream Second) CreatePair()
    {
        var aToB = new ByteChannel();
        var bToA = new ByteChannel();
        return (new MemoryDuplexStream(bToA, aToB), new MemoryDuplexStream(aToB, bToA));
    }

    /// <summary>Drops empty queue buffers so an idle connection keeps only the TLS state.</summary>
    public void Trim()
    {
        _incoming.TrimIfEmpty();
        _outgoing.TrimIfEmpty();
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer) => _incoming.Read(buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _incoming.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer) => _outgoing.Write(buffer);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _outgoing.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _outgoing.Complete();
            _incoming.Complete();
        }
        base.Dispose(disposing);
    }

    /// <summary>One direction: a growable byte FIFO with one waiting reader at most.</summary>
    private sealed class ByteChannel
    {
        private readonly object _gate = new();
        private readonly SemaphoreSlim _dataArrived = new(0);
        private byte[] _buffer = [];
        private int _start;
        private int _end;
        private bool _readerWaiting;
        private bool _completed;

        public void Write(ReadOnlySpan<byte> data)
        {
            bool wake;
            lock (_gate)
            {
                if (_completed)
                    throw new IOException("the reading end is closed");
                Append(data);
                wake = _readerWaiting;
                _readerWaiting = false;
            }
            if (wake)
                _dataArrived.Release();
        }

        public int Read(Span<byte> destination)
        {
            while (true)
            {
                if (TryTake(destination, out int n))
                    return n;
                _dataArrived.Wait();
            }
        }

        public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
        {
            while (true)
            {
                if (TryTake(destination.Span, out int n))
                    return n;
                await _dataArrived.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public void Complete()
        {
            bool wake;
            lock (_gate)
            {
                _completed = true;
                wake = _readerWaiting;
                _readerWaiting = false;
            }
            if (wake)
                _dataArrived.Release();
        }

        public void TrimIfEmpty()
        {
            lock (_gate)
            {
                if (_start == _end)
                    _buffer = [];
            }
        }

        /// <summary>Takes queued bytes; false (and marks a waiting reader) when there are none yet.</summary>
        private bool TryTake(Span<byte> destination, out int n)
        {
            lock (_gate)
            {
                n = Math.Min(destination.Length, _end - _start);
                if (n > 0 || _completed || destination.IsEmpty)
                {
                    _buffer.AsSpan(_start, n).CopyTo(destination);
                    _start += n;
                    if (_start == _end)
                        _start = _end = 0;
                    return true;
                }
                _readerWaiting = true;
                return false;
            }
        }

        private void Append(ReadOnlySpan<byte> data)
        {
            if (_buffer.Length - _end < data.Length)
            {
                int live = _end - _start;
                byte[] target = live + data.Length <= _buffer.Length
                    ? _buffer
                    : new byte[Math.Max(live + data.Length, Math.Max(2 * _buffer.Length, 4096))];
                _buffer.AsSpan(_start, live).CopyTo(target);
                _buffer = target;
                _start = 0;
                _end = live;
            }
            data.CopyTo(_buffer.AsSpan(_end));
            _end += data.Length;
        }
    }
}
