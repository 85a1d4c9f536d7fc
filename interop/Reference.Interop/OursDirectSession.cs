using System.Net.Sockets;
using Reference.Tls;

namespace Reference.Interop;

/// <summary>
/// Our engine's sans-IO <see cref="TlsConnection"/> moved over a blocking socket by hand: pending output is
/// written out after every step, and reads feed whatever arrived. Used where <see cref="TlsStream"/> has no
/// call for what the scenario needs (early data must be written before the handshake and read apart from
/// application data). One thread at a time.
/// </summary>
internal sealed class OursDirectSession : ITlsSession
{
    private readonly TlsConnection _connection;
    private readonly NetworkStream _transport;
    private readonly byte[] _readBuffer = new byte[16 * 1024 + 256];

    private OursDirectSession(TlsConnection connection, Socket socket)
    {
        socket.NoDelay = true;
        _connection = connection;
        _transport = new NetworkStream(socket, ownsSocket: true);
    }

    public string Implementation => "ours";

    /// <summary>Client: offers <paramref name="ticket"/>, writes the request as early data, then completes the handshake.</summary>
    public static EarlyDataHandshake Client(Socket socket, CertificateFiles certs, TlsSession ticket)
    {
        var config = new TlsConfig { TrustStore = TrustStore.FromPemFile(certs.Ca) };
        var session = new OursDirectSession(TlsConnection.CreateClient(config, Endpoints.ServerName, ticket), socket);
        try
        {
            ScenarioLogic.Check(session._connection.EarlyDataStatus == EarlyDataStatus.Requested,
                $"ours client: the ticket allows no early data (max_early_data_size {ticket.MaxEarlyDataSize})");
            session._connection.WriteEarlyData(ScenarioLogic.RequestBytes);
            session.CompleteHandshake();
            return new(session, session._connection.EarlyDataStatus == EarlyDataStatus.Accepted, []);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Server: completes the handshake, then takes all the early data that came before the client's Finished.</summary>
    public static EarlyDataHandshake Server(Socket socket, CertificateFiles certs)
    {
        var config = PskSetup.ConfigureOurs(new TlsConfig
        {
            Certificate = CertificateKeyPair.FromPemFiles(certs.ServerChain, certs.ServerKey),
        }, isServer: true, Scenarios.EarlyData);
        var session = new OursDirectSession(TlsConnection.CreateServer(config), socket);
        try
        {
            session.CompleteHandshake();
            var early = new byte[session._connection.AvailableEarlyData];
            int read = session._connection.ReadEarlyData(early);
            return new(session, session._connection.EarlyDataStatus == EarlyDataStatus.Accepted, early[..read]);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        _connection.WriteApplicationData(data);
        Flush();
    }

    public int Read(Span<byte> buffer)
    {
        while (_connection.AvailableApplicationData == 0 && !_connection.IsPeerClosed)
            ReceiveMore();
        return _connection.ReadApplicationData(buffer);
    }

    public void CloseWrite()
    {
        _connection.Close();
        Flush();
    }

    /// <summary>Not needed by the scenarios this session serves.</summary>
    public bool TryUpdateKey(bool requestPeerUpdate) => false;

    public (long Sent, long Received) KeyUpdateCounts
    {
        get
        {
            var (received, sent) = _connection.KeyUpdateCounts;
            return (sent, received);
        }
    }

    public bool HelloRetry => _connection.Info?.HelloRetryRequest == true;

    public bool PeerPresentedCertificate => _connection.Info?.PeerCertificates.Count > 0;

    public bool PskUsed => _connection.Info?.PreSharedKeyAccepted == true;

    public bool TrySaveTicket(ResumptionTicket ticket)
    {
        var received = _connection.ReceivedSessions;
        ticket.Ours = received.Count > 0 ? received[^1] : null;
        return ticket.Ours is not null;
    }

    public void Dispose()
    {
        _connection.Dispose();
        _transport.Dispose();
    }

    private void CompleteHandshake()
    {
        Flush();
        while (!_connection.IsHandshakeComplete)
            ReceiveMore();
    }

    /// <summary>Feeds the next bytes from the socket and sends whatever the engine answered (alerts included).</summary>
    private void ReceiveMore()
    {
        int n = _transport.Read(_readBuffer);
        if (n == 0)
            throw new ScenarioException("ours: the peer closed the transport without close_notify");
        try
        {
            _connection.Feed(_readBuffer.AsSpan(0, n));
        }
        catch (TlsException)
        {
            TrySendAlert();
            throw;
        }
        Flush();
    }

    /// <summary>After a failure the engine has queued its alert; the peer may already be gone.</summary>
    private void TrySendAlert()
    {
        try
        {
            Flush();
        }
        catch (IOException)
        {
            // the failure being reported matters more than the alert
        }
    }

    private void Flush()
    {
        while (_connection.HasPendingOutput)
        {
            int count = _connection.PendingOutput.Length;
            _transport.Write(_connection.PendingOutput);
            _connection.ConsumeOutput(count);
        }
    }
}
