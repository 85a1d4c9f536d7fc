using System.Net;
using System.Net.Sockets;
using Reference.Interop;
using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.InteropRunner;

/// <summary>
/// Both sides of one of our connections write continuously and both send KeyUpdate(update_requested) over and
/// over, so each side's reader keeps receiving requests that oblige it to answer while its own writer is
/// blocked on a full socket: the shape of the JDK-8329548 deadlock.
/// </summary>
public sealed class MutualKeyUpdateFloodTests
{
    private const int KeyUpdates = 3000;
    private const int ChunkSize = 16 * 1024;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Both_sides_flooding_update_requested_while_writing_finish_without_deadlock(bool useAsync)
    {
        var pki = CertificateGenerator.Generate(KeyKind.EcdsaP256);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        var server = await listener.AcceptSocketAsync();
        using var serverTls = new TlsStream(new NetworkStream(server, ownsSocket: true));
        using var clientTls = new TlsStream(new NetworkStream(client, ownsSocket: true));
        var serverHandshake = serverTls.AuthenticateAsServerAsync(new TlsConfig { Certificate = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem) });
        await clientTls.AuthenticateAsClientAsync(new TlsConfig { TrustStore = TrustStore.FromPem(pki.CaPem) }, "localhost");
        await serverHandshake;

        var sides = new[] { Flood(clientTls, useAsync), Flood(serverTls, useAsync) };
        var all = Task.WhenAll(sides);
        var finished = await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(40)));
        if (finished != all)
        {
            server.Dispose();
            client.Dispose();
        }

        Assert.True(finished == all, "the two sides deadlocked: neither finished within 40 s");
        var results = await all;
        foreach (var (read, counts) in results)
        {
            Assert.Equal((long)KeyUpdates * ChunkSize, read);
            Assert.True(counts.Received >= KeyUpdates, $"received {counts.Received} key updates, expected at least {KeyUpdates}");
        }
    }

    /// <summary>Reads on one thread while the other requests key updates and writes; then closes and drains.</summary>
    private static Task<(long Read, (int Received, int Sent) Counts)> Flood(TlsStream tls, bool useAsync) => Task.Factory.StartNew(() =>
    {
        var session = new OursSession(tls, useAsync);
        long read = 0;
        var reader = new Thread(() =>
        {
            try
            {
                var buffer = new byte[ChunkSize];
                int n;
                while ((n = session.Read(buffer)) > 0)
                    read += n;
            }
            catch (TlsException)
            {
                read = -1; // the transport was torn down after a hang; the assertion reports it
            }
        }) { IsBackground = true };
        reader.Start();
        var chunk = new byte[ChunkSize];
        for (int k = 0; k < KeyUpdates; k++)
        {
            session.TryUpdateKey(requestPeerUpdate: true);
            session.Write(chunk);
        }
        session.CloseWrite();
        reader.Join();
        return (read, tls.Connection.KeyUpdateCounts);
    }, TaskCreationOptions.LongRunning);
}
