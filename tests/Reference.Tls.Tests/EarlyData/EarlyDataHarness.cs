using Reference.Tls.StateMachine;
using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.EarlyData;

/// <summary>Tickets that allow 0-RTT, and a resumed client/server pair moved by hand, ours with ours.</summary>
internal static class EarlyDataHarness
{
    public static readonly byte[] TicketKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public const uint MaxEarly = 1000;

    /// <summary>
    /// Configs whose server issues tickets allowing <see cref="MaxEarly"/> bytes of early data and whose client
    /// asks for 0-RTT (<see cref="TlsConfig.OfferEarlyData"/>).
    /// </summary>
    public static (TlsConfig Client, TlsConfig Server) Configs(Func<TlsConfig, TlsConfig>? client = null, Func<TlsConfig, TlsConfig>? server = null) =>
        InMemoryPair.Configs(
            client: c =>
            {
                var offering = c with { OfferEarlyData = true };
                return client?.Invoke(offering) ?? offering;
            },
            server: s =>
            {
                var withTickets = s with { SessionTicketKey = TicketKey, MaxEarlyDataSize = MaxEarly, Blinding = BlindingMode.SelfService };
                return server?.Invoke(withTickets) ?? withTickets;
            });

    /// <summary>A full handshake; returns the first ticket the client received.</summary>
    public static TlsSession Ticket(TlsConfig client, TlsConfig server)
    {
        using var pair = new InMemoryPair(client, server);
        pair.Pump();
        return pair.Client.ReceivedSessions[0];
    }

    public static void Pump(TlsConnection client, TlsConnection server)
    {
        for (int i = 0; i < 100; i++)
        {
            if (!(InMemoryPair.Move(client, server) | InMemoryPair.Move(server, client)))
            {
                return;
            }
        }

        throw new InvalidOperationException("pump did not settle");
    }

    /// <summary>A resumed pair whose client wrote <paramref name="early"/> as 0-RTT; nothing moved yet.</summary>
    public static Resumed Resume(TlsConfig client, TlsConfig server, TlsSession session, byte[] early)
    {
        var transitions = new List<Transition>();
        var s = TlsConnection.CreateServer(server with { TransitionObserver = transitions.Add });
        var c = TlsConnection.CreateClient(client, "localhost", session);
        if (early.Length > 0)
        {
            c.WriteEarlyData(early);
        }

        return new Resumed(c, s, transitions);
    }

    public static byte[] ReadAllEarly(TlsConnection server)
    {
        var buffer = new byte[server.AvailableEarlyData];
        Assert.Equal(buffer.Length, server.ReadEarlyData(buffer));
        return buffer;
    }

    public static byte[] ReadAllApplication(TlsConnection connection)
    {
        var buffer = new byte[connection.AvailableApplicationData];
        Assert.Equal(buffer.Length, connection.ReadApplicationData(buffer));
        return buffer;
    }
}

internal sealed record Resumed(TlsConnection Client, TlsConnection Server, List<Transition> ServerTransitions) : IDisposable
{
    public bool SawEndOfEarlyData => ServerTransitions.Exists(t => t.Message == TableMessage.EndOfEarlyData);

    public void Pump() => EarlyDataHarness.Pump(Client, Server);

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
