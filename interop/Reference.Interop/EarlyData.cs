using System.Net.Sockets;
using Reference.S2n;
using Reference.Tls;

namespace Reference.Interop;

/// <summary>The outcome of an early_data handshake: the session, whether 0-RTT was accepted, what the server read as early data.</summary>
internal sealed record EarlyDataHandshake(ITlsSession Session, bool Accepted, byte[] Received);

/// <summary>
/// early_data: two connections on the one port. The first is session_resumption's first connection, from a
/// server whose tickets allow <see cref="MaxSize"/> bytes of early data. The second offers the ticket and
/// sends the request as early data (ours: <see cref="TlsStream.AuthenticateAsClient(TlsConfig, string?, TlsSession, ReadOnlyMemory{byte})"/>;
/// s2n: s2n_send_early_data); the server reads it as early data (ours: <see cref="TlsStream.ReadEarlyData"/>;
/// s2n: s2n_recv_early_data), both check it was accepted, and the server answers with the response as 1-RTT data.
/// Our endpoints use <see cref="TlsStream"/>'s early data calls, blocking or async.
/// </summary>
internal static class EarlyDataScenario
{
    public const uint MaxSize = 16384;

    public static string Client(string impl, Func<Socket> open, CertificateFiles certs)
    {
        var ticket = new ResumptionTicket();
        using (var first = Endpoints.Handshake(impl, false, Scenarios.EarlyData, open(), certs))
        {
            ScenarioLogic.ClientRequestResponse(first); // the ticket arrives before the response
            ScenarioLogic.Check(first.TrySaveTicket(ticket), $"{first.Implementation} client: no session ticket received");
            first.CloseWrite();
            first.ExpectClose();
        }

        var second = impl == Endpoints.S2n
            ? S2nClient(open(), certs, ticket)
            : OursClient(open(), certs, ticket.Ours ?? throw new ScenarioException("ours client: no ticket saved"), impl == Endpoints.OursAsync);
        using var session = second.Session;
        ScenarioLogic.Check(session.PskUsed, $"{session.Implementation} client: the second connection was not resumed");
        ScenarioLogic.Check(second.Accepted, $"{session.Implementation} client: the server rejected the early data");
        ScenarioLogic.ExpectBytes(session, ScenarioLogic.ResponseBytes, "client");
        session.CloseWrite();
        session.ExpectClose();
        return "resumed; request sent as early data and accepted";
    }

    public static string Server(string impl, Func<Socket> open, CertificateFiles certs)
    {
        using (var first = Endpoints.Handshake(impl, true, Scenarios.EarlyData, open(), certs))
            ScenarioLogic.ServerRequestResponse(first);

        var second = impl == Endpoints.S2n ? S2nServer(open(), certs) : OursServer(open(), certs, impl == Endpoints.OursAsync);
        using var session = second.Session;
        ScenarioLogic.Check(session.PskUsed, $"{session.Implementation} server: the second connection was not resumed");
        ScenarioLogic.Check(second.Accepted, $"{session.Implementation} server: early data was not accepted");
        ScenarioLogic.Check(second.Received.AsSpan().SequenceEqual(ScenarioLogic.RequestBytes),
            $"{session.Implementation} server: early data was \"{System.Text.Encoding.ASCII.GetString(second.Received)}\"");
        session.Write(ScenarioLogic.ResponseBytes);
        session.ExpectClose();
        session.CloseWrite();
        return "read the request as early data, answered in 1-RTT";
    }

    private static EarlyDataHandshake OursClient(Socket socket, CertificateFiles certs, TlsSession ticket, bool useAsync)
    {
        ScenarioLogic.Check(ticket.MaxEarlyDataSize >= ScenarioLogic.RequestBytes.Length,
            $"ours client: the ticket allows {ticket.MaxEarlyDataSize} bytes of early data");
        var config = new TlsConfig { TrustStore = TrustStore.FromPemFile(certs.Ca) };
        var tls = OpenStream(socket);
        try
        {
            if (useAsync)
                tls.AuthenticateAsClientAsync(config, Endpoints.ServerName, ticket, ScenarioLogic.RequestBytes).GetAwaiter().GetResult();
            else
                tls.AuthenticateAsClient(config, Endpoints.ServerName, ticket, ScenarioLogic.RequestBytes);
            bool accepted = tls.Connection.EarlyDataStatus == EarlyDataStatus.Accepted;
            return new(new OursSession(tls, useAsync), accepted, []);
        }
        catch
        {
            tls.Dispose();
            throw;
        }
    }

    private static EarlyDataHandshake OursServer(Socket socket, CertificateFiles certs, bool useAsync)
    {
        var config = PskSetup.ConfigureOurs(new TlsConfig
        {
            Certificate = CertificateKeyPair.FromPemFiles(certs.ServerChain, certs.ServerKey),
        }, isServer: true, Scenarios.EarlyData);
        var tls = OpenStream(socket);
        try
        {
            if (useAsync)
                tls.AuthenticateAsServerAsync(config).GetAwaiter().GetResult();
            else
                tls.AuthenticateAsServer(config);
            // All early data has arrived once the handshake is done (EndOfEarlyData precedes the client Finished).
            var early = new byte[tls.Connection.AvailableEarlyData];
            int read = tls.ReadEarlyData(early);
            bool accepted = tls.Connection.EarlyDataStatus == EarlyDataStatus.Accepted;
            return new(new OursSession(tls, useAsync), accepted, early[..read]);
        }
        catch
        {
            tls.Dispose();
            throw;
        }
    }

    private static TlsStream OpenStream(Socket socket)
    {
        socket.NoDelay = true;
        return new TlsStream(new NetworkStream(socket, ownsSocket: true));
    }

    private static EarlyDataHandshake S2nClient(Socket socket, CertificateFiles certs, ResumptionTicket ticket)
    {
        var (connection, config) = S2nSetup(socket, certs, isServer: false);
        try
        {
            connection.SetSession(ticket.S2n ?? throw new ScenarioException("s2n client: no session saved"));
            int sent = connection.SendEarlyData(ScenarioLogic.RequestBytes);
            ScenarioLogic.Check(sent == ScenarioLogic.RequestBytes.Length, $"s2n client: sent {sent} bytes of early data");
            connection.Negotiate();
            bool accepted = connection.EarlyDataStatus == S2nEarlyDataStatus.End;
            return new(new S2nSession(connection, config, socket), accepted, []);
        }
        catch
        {
            connection.Dispose();
            config.Dispose();
            socket.Dispose();
            throw;
        }
    }

    private static EarlyDataHandshake S2nServer(Socket socket, CertificateFiles certs)
    {
        var (connection, config) = S2nSetup(socket, certs, isServer: true);
        try
        {
            var buffer = new byte[MaxSize];
            int received = connection.ReceiveEarlyData(buffer);
            connection.Negotiate();
            bool accepted = connection.EarlyDataStatus == S2nEarlyDataStatus.End;
            return new(new S2nSession(connection, config, socket), accepted, buffer[..received]);
        }
        catch
        {
            connection.Dispose();
            config.Dispose();
            socket.Dispose();
            throw;
        }
    }

    private static (S2nConnection Connection, S2nConfig Config) S2nSetup(Socket socket, CertificateFiles certs, bool isServer)
    {
        socket.NoDelay = true;
        var config = new S2nConfig();
        S2nConnection? connection = null;
        try
        {
            config.WipeTrustStore();
            config.SetSecurityPolicy("default_tls13");
            if (isServer)
                config.AddCertChainAndKey(File.ReadAllText(certs.ServerChain), File.ReadAllText(certs.ServerKey));
            else
                config.AddTrustedPem(File.ReadAllText(certs.Ca));
            PskSetup.ConfigureS2n(config, isServer, Scenarios.EarlyData);
            connection = new S2nConnection(isServer ? S2nMode.Server : S2nMode.Client, config);
            if (!isServer)
                connection.SetServerName(Endpoints.ServerName);
            connection.UseSocket(socket);
            return (connection, config);
        }
        catch
        {
            connection?.Dispose();
            config.Dispose();
            throw;
        }
    }
}
