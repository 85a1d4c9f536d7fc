using System.Net;
using System.Net.Sockets;
using static Reference.Tls.Tests.EarlyData.EarlyDataHarness;

namespace Reference.Tls.Tests.EarlyData;

/// <summary>0-RTT through <see cref="TlsStream"/> over loopback TCP, ours with ours.</summary>
public class EarlyDataStreamTests
{
    [Fact]
    public async Task A_stream_client_sends_early_data_that_the_stream_server_reads_apart()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await clientSocket.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        var serverSocket = await listener.AcceptSocketAsync();
        using var server = new TlsStream(new NetworkStream(serverSocket, ownsSocket: true));
        using var client = new TlsStream(new NetworkStream(clientSocket, ownsSocket: true));
        var serverHandshake = server.AuthenticateAsServerAsync(s);
        await client.AuthenticateAsClientAsync(c, "localhost", ticket, "early hello"u8.ToArray());
        await serverHandshake;
        Assert.Equal(EarlyDataStatus.Accepted, client.Connection.EarlyDataStatus);
        var early = new byte[64];
        int n = server.ReadEarlyData(early);
        Assert.Equal("early hello"u8.ToArray(), early[..n]);
        await client.WriteAsync("late"u8.ToArray());
        var late = new byte[4];
        await server.ReadExactlyAsync(late);
        Assert.Equal("late"u8.ToArray(), late);
    }

    [Fact]
    public void A_stream_client_without_a_capable_session_cannot_send_early_data()
    {
        var (c, _) = Configs();
        using var client = new TlsStream(new MemoryStream());
        var psk = TlsSession.External("x"u8, new byte[32]);
        var e = Assert.Throws<TlsException>(() => client.AuthenticateAsClient(c, "localhost", psk, new byte[1]));
        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
    }
}
