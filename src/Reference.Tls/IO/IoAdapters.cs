namespace Reference.Tls;

/// <summary>
/// One code path for sync and async I/O (the .NET runtime's IReadWriteAdapter pattern): TlsStream's
/// logic is written once against this interface and the JIT specialises it per adapter.
/// </summary>
internal interface IIoAdapter
{
    static abstract ValueTask<int> ReadAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken);

    static abstract ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    static abstract ValueTask FlushAsync(Stream stream, CancellationToken cancellationToken);

    static abstract ValueTask WaitAsync(SemaphoreSlim semaphore, CancellationToken cancellationToken);
}

internal readonly struct AsyncIoAdapter : IIoAdapter
{
    public static ValueTask<int> ReadAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken) =>
        stream.ReadAsync(buffer, cancellationToken);

    public static ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) =>
        stream.WriteAsync(buffer, cancellationToken);

    public static ValueTask FlushAsync(Stream stream, CancellationToken cancellationToken) =>
        new(stream.FlushAsync(cancellationToken));

    public static ValueTask WaitAsync(SemaphoreSlim semaphore, CancellationToken cancellationToken) =>
        new(semaphore.WaitAsync(cancellationToken));
}

internal readonly struct SyncIoAdapter : IIoAdapter
{
    public static ValueTask<int> ReadAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken) =>
        new(stream.Read(buffer.Span));

    public static ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        stream.Write(buffer.Span);
        return default;
    }

    public static ValueTask FlushAsync(Stream stream, CancellationToken cancellationToken)
    {
        stream.Flush();
        return default;
    }

    public static ValueTask WaitAsync(SemaphoreSlim semaphore, CancellationToken cancellationToken)
    {
        semaphore.Wait(cancellationToken);
        return default;
    }
}
