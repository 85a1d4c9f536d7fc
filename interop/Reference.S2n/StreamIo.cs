using System.Runtime.InteropServices;

namespace Reference.S2n;

/// <summary>
/// s2n send/recv callbacks over a blocking .NET stream. The GCHandle given to C as the
/// callback context roots this object for the connection's life; exceptions are caught
/// here (they must never unwind into C) and kept so the S2nException can carry them.
/// </summary>
internal sealed unsafe class StreamIo : IDisposable
{
    private readonly Stream _stream;
    private GCHandle _handle;
    private Exception? _failure;

    internal StreamIo(Stream stream)
    {
        _stream = stream;
        _handle = GCHandle.Alloc(this);
    }

    internal nint Context => GCHandle.ToIntPtr(_handle);

    /// <summary>The exception a callback swallowed since the last call, if any.</summary>
    internal Exception? TakeFailure() => Interlocked.Exchange(ref _failure, null);

    public void Dispose()
    {
        if (_handle.IsAllocated)
            _handle.Free();
    }

    [UnmanagedCallersOnly]
    internal static int Receive(nint ctx, byte* buffer, uint length)
    {
        var io = (StreamIo)GCHandle.FromIntPtr(ctx).Target!;
        try
        {
            // 0 tells s2n the transport reached end of stream.
            return io._stream.Read(new Span<byte>(buffer, checked((int)length)));
        }
        catch (Exception e)
        {
            io._failure = e;
            LibC.SetErrno(LibC.EIO);
            return -1;
        }
    }

    [UnmanagedCallersOnly]
    internal static int Send(nint ctx, byte* buffer, uint length)
    {
        var io = (StreamIo)GCHandle.FromIntPtr(ctx).Target!;
        try
        {
            io._stream.Write(new ReadOnlySpan<byte>(buffer, checked((int)length)));
            io._stream.Flush();
            return checked((int)length);
        }
        catch (Exception e)
        {
            io._failure = e;
            LibC.SetErrno(LibC.EPIPE);
            return -1;
        }
    }
}
