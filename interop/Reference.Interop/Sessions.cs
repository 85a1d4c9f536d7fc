using Reference.S2n;
using Reference.Tls;

namespace Reference.Interop;

/// <summary>
/// One established TLS connection, whatever implements it: the scenarios are written once against this.
/// A read and a write may run on two threads at once (the flood scenario does); nothing else may.
/// </summary>
internal interface ITlsSession : IDisposable
{
    string Implementation { get; }

    void Write(ReadOnlySpan<byte> data);

    /// <summary>Reads application data; 0 once the peer's close_notify arrived.</summary>
    int Read(Span<byte> buffer);

    /// <summary>Sends close_notify; reading still works (half close).</summary>
    void CloseWrite();

    /// <summary>Updates our sending key; false if this implementation cannot send the requested kind.</summary>
    bool TryUpdateKey(bool requestPeerUpdate);

    /// <summary>KeyUpdates sent and received. s2n saturates its counts at 255.</summary>
    (long Sent, long Received) KeyUpdateCounts { get; }

    bool HelloRetry { get; }

    /// <summary>Server: the client presented a certificate (which the handshake verified).</summary>
    bool PeerPresentedCertificate { get; }

    /// <summary>The handshake was keyed by a PSK (a resumed ticket or an external PSK).</summary>
    bool PskUsed { get; }

    /// <summary>Client: stores the session ticket received so far into <paramref name="ticket"/>; false if none came.</summary>
    bool TrySaveTicket(ResumptionTicket ticket);
}

internal static class SessionExtensions
{
    public static void ReadExactly(this ITlsSession session, Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = session.Read(buffer);
            if (n == 0)
                throw new ScenarioException($"{session.Implementation}: the peer closed with {buffer.Length} bytes still expected");
            buffer = buffer[n..];
        }
    }

    /// <summary>Reads until the peer's close_notify; fails if any application data comes first.</summary>
    public static void ExpectClose(this ITlsSession session)
    {
        var buffer = new byte[4096];
        int n = session.Read(buffer);
        if (n != 0)
            throw new ScenarioException($"{session.Implementation}: expected close_notify, got {n} more bytes of data");
    }
}

/// <summary>A failed check inside a scenario (wrong bytes, missing key update, ...).</summary>
internal sealed class ScenarioException(string message) : Exception(message);

/// <summary>Our engine through <see cref="TlsStream"/>, blocking or async (the async calls are awaited synchronously here
/// so the scenarios stay one piece of code; the engine still runs its async I/O path).</summary>
internal sealed class OursSession(TlsStream stream, bool useAsync) : ITlsSession
{
    public string Implementation => useAsync ? "ours(async)" : "ours";

    public TlsStream Stream => stream;

    public void Write(ReadOnlySpan<byte> data)
    {
        if (useAsync)
            stream.WriteAsync(data.ToArray()).AsTask().GetAwaiter().GetResult();
        else
            stream.Write(data);
    }

    public int Read(Span<byte> buffer)
    {
        if (!useAsync)
            return stream.Read(buffer);
        var rented = new byte[buffer.Length];
        int n = stream.ReadAsync(rented).AsTask().GetAwaiter().GetResult();
        rented.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public void CloseWrite()
    {
        if (useAsync)
            stream.ShutdownAsync().GetAwaiter().GetResult();
        else
            stream.Shutdown();
    }

    public bool TryUpdateKey(bool requestPeerUpdate)
    {
        stream.UpdateKeysAsync(requestPeerUpdate).GetAwaiter().GetResult();
        return true;
    }

    public (long Sent, long Received) KeyUpdateCounts
    {
        get
        {
            var (received, sent) = stream.Connection.KeyUpdateCounts;
            return (sent, received);
        }
    }

    public bool HelloRetry => stream.ConnectionInfo?.HelloRetryRequest == true;

    public bool PeerPresentedCertificate => stream.ConnectionInfo?.PeerCertificates.Count > 0;

    public bool PskUsed => stream.ConnectionInfo?.PreSharedKeyAccepted == true;

    public bool TrySaveTicket(ResumptionTicket ticket)
    {
        var received = stream.Connection.ReceivedSessions;
        ticket.Ours = received.Count > 0 ? received[^1] : null;
        return ticket.Ours is not null;
    }

    public void Dispose() => stream.Dispose();
}

/// <summary>C s2n-tls through the P/Invoke binding.</summary>
internal sealed class S2nSession(S2nConnection connection, S2nConfig config, IDisposable transport) : ITlsSession
{
    public string Implementation => "s2n";

    public void Write(ReadOnlySpan<byte> data) => connection.SendAll(data);

    public int Read(Span<byte> buffer) => connection.Receive(buffer);

    public void CloseWrite() => connection.ShutdownSend();

    /// <summary>s2n's API only sends update_not_requested (s2n_connection_request_key_update); it goes out with the next send.</summary>
    public bool TryUpdateKey(bool requestPeerUpdate)
    {
        if (requestPeerUpdate)
            return false;
        connection.RequestKeyUpdate();
        return true;
    }

    public (long Sent, long Received) KeyUpdateCounts => connection.KeyUpdateCounts;

    public bool HelloRetry => connection.IsHelloRetry;

    public bool PeerPresentedCertificate => connection.ClientCertUsed;

    /// <summary>Resumed from a ticket, or an external PSK was negotiated.</summary>
    public bool PskUsed => connection.IsSessionResumed || connection.NegotiatedPskIdentity is not null;

    /// <summary>s2n_connection_get_session: the most recent ticket, serialized.</summary>
    public bool TrySaveTicket(ResumptionTicket ticket)
    {
        ticket.S2n = connection.GetSession();
        return ticket.S2n is not null;
    }

    public void Dispose()
    {
        connection.Dispose();
        config.Dispose();
        transport.Dispose();
    }
}
