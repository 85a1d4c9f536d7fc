namespace Reference.S2n;

/// <summary>
/// An in-memory, blocking, full-duplex byte pipe: what one end writes the other reads.
/// Disposing an end is an EOF for the other end's reads. Lets an s2n connection talk to
/// another TLS implementation in-process without sockets.
/// </summary>
public static class DuplexStream
{
    /// <summary>Two connected ends.</summary>
    public static (Stream First, Stream Second) CreatePair()
    {
        var aToB = new ByteChannel();
        var bToA = new ByteChannel();
        return (new End(incoming: bToA, outgoing: aToB), new End(incoming: aToB, outgoing: bToA));
    }

    /// <summary>One direction: a queue of written chunks that a reader drains.</summary>
    private sealed class ByteChannel
    {
        private readonly Queue<byte[]> _chunks = new();
        private int _offset; // into the head chunk
        private bool _completed;

        internal void Write(ReadOnlySpan<byte> data)
        {
            lock (_chunks)
            {
                if (_completed)
                    throw new IOException("the reading end of the pipe is closed");
                if (data.IsEmpty)
                    return;
                _chunks.Enqueue(data.ToArray());
                Monitor.PulseAll(_chunks);
            }
        }

        internal int Read(Span<byte> buffer, int timeoutMs)
        {
            lock (_chunks)
            {
                while (_chunks.Count == 0 && !_completed)
                {
                    if (!Monitor.Wait(_chunks, timeoutMs))
                        throw new IOException($"no data within {timeoutMs} ms");
                }
                if (_chunks.Count == 0)
                    return 0; // completed and drained: end of stream
                byte[] head = _chunks.Peek();
                int n = Math.Min(buffer.Length, head.Length - _offset);
                head.AsSpan(_offset, n).CopyTo(buffer);
                _offset += n;
                if (_offset == head.Length)
                {
                    _chunks.Dequeue();
                    _offset = 0;
                }
                return n;
            }
        }

        internal void Complete()
        {
            lock (_chunks)
            {
                _completed = true;
                Monitor.PulseAll(_chunks);
            }
        }
    }

    private sealed class End(ByteChannel incoming, ByteChannel outgoing) : Stream
    {
        private bool _disposed;

        public override bool CanRead => !_disposed;
        public override bool CanWrite => !_disposed;
        public override bool CanSeek => false;
        public override bool CanTimeout => true;
        public override int ReadTimeout { get; set; } = Timeout.Infinite;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(Span<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return buffer.IsEmpty ? 0 : incoming.Read(buffer, ReadTimeout);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            outgoing.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (!_disposed)
            {
                _disposed = true;
                outgoing.Complete(); // the peer reads EOF
                incoming.Complete(); // the peer's further writes fail instead of piling up
            }
            base.Dispose(disposing);
        }
    }
}
