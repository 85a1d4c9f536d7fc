using Reference.Fuzz;
using Reference.S2n;

namespace Reference.Tls.Tests.Differential;

/// <summary>
/// Differential (c): our protected records opened by C s2n-tls and s2n's by ours, over real connections
/// carrying random-sized application data (up to several records each) and KeyUpdates in both directions.
/// </summary>
public class RecordDifferentialTests
{
    private static S2nConfig S2nEndpoint(bool server)
    {
        var pki = StatefulTargets.Pki;
        var config = new S2nConfig();
        config.SetSecurityPolicy("default_tls13");
        if (server)
        {
            config.AddCertChainAndKey(pki.ServerChainPem, pki.ServerKeyPem);
        }
        else
        {
            config.DisableX509Verification();
        }

        return config;
    }

    /// <summary>s2n side: echoes every byte back, asking for a key update after every third chunk.</summary>
    private static (int Sent, int Received) Echo(S2nConnection c)
    {
        var buffer = new byte[20_000];
        int chunks = 0;
        int n;
        while ((n = c.Receive(buffer)) > 0)
        {
            if (++chunks % 3 == 0)
            {
                c.RequestKeyUpdate();
            }

            c.SendAll(buffer.AsSpan(0, n));
        }

        c.ShutdownSend();
        return c.KeyUpdateCounts;
    }

    /// <summary>Our side: random payload sizes, each echoed back intact; a KeyUpdate of ours every fourth message.</summary>
    private static async Task TalkAsync(TlsStream tls, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < 24; i++)
        {
            var payload = new byte[random.Next(3) == 0 ? random.Next(1, 40_000) : random.Next(1, 600)];
            random.NextBytes(payload);
            await tls.WriteAsync(payload);
            var echo = new byte[payload.Length];
            await tls.ReadExactlyAsync(echo);
            Assert.Equal(Convert.ToHexString(payload), Convert.ToHexString(echo));
            if (i % 4 == 3)
            {
                await tls.UpdateKeysAsync(requestPeerUpdate: random.Next(2) == 0);
            }
        }

        await tls.ShutdownAsync();
    }

    [Fact]
    public async Task OurClientAndAnS2nServerExchangeRandomRecordsAcrossKeyUpdates()
    {
        using var config = S2nEndpoint(server: true);
        var (serverSide, clientSide) = DuplexStream.CreatePair();
        var s2n = S2nPeer.RunAsync(S2nMode.Server, c => c.UseStream(serverSide), config, null, Echo);
        var (client, _) = StatefulTargets.EngineConfigs;
        await using var tls = new TlsStream(clientSide);
        await tls.AuthenticateAsClientAsync(client, "localhost");
        await TalkAsync(tls, seed: 1);
        var (sent, received) = await s2n.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(sent >= 8, $"s2n sent {sent} key updates");
        Assert.True(received >= 6, $"s2n received {received} key updates");
        Assert.True(tls.Connection.KeyUpdateCounts.Received >= 8);
        serverSide.Dispose();
    }

    [Fact]
    public async Task AnS2nClientAndOurServerExchangeRandomRecordsAcrossKeyUpdates()
    {
        using var config = S2nEndpoint(server: false);
        var (serverSide, clientSide) = DuplexStream.CreatePair();
        var s2n = S2nPeer.RunAsync(S2nMode.Client, c => c.UseStream(clientSide), config, "localhost", Echo);
        var (_, server) = StatefulTargets.EngineConfigs;
        await using var tls = new TlsStream(serverSide);
        await tls.AuthenticateAsServerAsync(server);
        await TalkAsync(tls, seed: 2);
        var (sent, received) = await s2n.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(sent >= 8 && received >= 6, $"s2n key updates sent {sent}, received {received}");
        clientSide.Dispose();
    }
}
