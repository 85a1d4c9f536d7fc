using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.Session;

/// <summary>A received ticket written out with TlsSession.Export and read back with Import still resumes.</summary>
public class SessionExportTests
{
    private static readonly byte[] TicketKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static (TlsConnection Client, TlsConnection Server) Handshake(TlsConfig client, TlsConfig server, TlsSession? session)
    {
        var c = TlsConnection.CreateClient(client, "localhost", session);
        var s = TlsConnection.CreateServer(server);
        for (int i = 0; i < 50 && (c.HasPendingOutput || s.HasPendingOutput); i++)
        {
            InMemoryPair.Move(c, s);
            InMemoryPair.Move(s, c);
        }

        Assert.True(c.IsHandshakeComplete && s.IsHandshakeComplete);
        return (c, s);
    }

    [Fact]
    public void An_exported_ticket_imported_again_resumes_the_session()
    {
        var (client, server) = InMemoryPair.Configs(server: s => s with { SessionTicketKey = TicketKey });
        var (c1, s1) = Handshake(client, server, null);
        byte[] exported = c1.ReceivedSessions.Single().Export();
        c1.Dispose();
        s1.Dispose();

        var imported = TlsSession.Import(exported);
        var (c2, s2) = Handshake(client, server, imported);
        Assert.True(c2.Info!.PreSharedKeyAccepted);
        Assert.True(s2.Info!.PreSharedKeyAccepted);
        Assert.Equal(exported, imported.Export());
        c2.Dispose();
        s2.Dispose();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(20)]
    [InlineData(-1)]
    public void Truncated_or_foreign_data_is_a_usage_error(int keep)
    {
        var (client, server) = InMemoryPair.Configs(server: s => s with { SessionTicketKey = TicketKey });
        var (c, s) = Handshake(client, server, null);
        byte[] exported = c.ReceivedSessions.Single().Export();
        c.Dispose();
        s.Dispose();
        byte[] damaged = keep >= 0 ? exported[..keep] : [.. exported, 0];
        var e = Assert.Throws<TlsException>(() => TlsSession.Import(damaged));
        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
    }
}
