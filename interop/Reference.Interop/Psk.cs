using Reference.S2n;
using Reference.Tls;

namespace Reference.Interop;

/// <summary>
/// A client's saved session for session_resumption: whatever the first connection's implementation
/// produced (our <see cref="TlsSession"/> or s2n's serialized session), offered on the second connection.
/// </summary>
internal sealed class ResumptionTicket
{
    public TlsSession? Ours { get; set; }
    public byte[]? S2n { get; set; }
}

/// <summary>
/// The fixed key material of the PSK scenarios. Every endpoint (each its own process under interop/run)
/// derives the same values, so a server restarted per connection still opens its own tickets, and both
/// sides of oob_psk hold the same out-of-band key. Public test material, like the committed certificates.
/// </summary>
internal static class PskSetup
{
    /// <summary>oob_psk: identity and 32-byte secret, used with SHA-256 (TLS_AES_128_GCM_SHA256's hash).</summary>
    public static readonly byte[] Identity = "reference-interop-oob-psk"u8.ToArray();
    public static readonly byte[] Secret = Enumerable.Range(0, 32).Select(i => (byte)(0xA0 ^ i)).ToArray();

    /// <summary>session_resumption: the servers' ticket encryption key (ours and s2n's each use it their own way).</summary>
    public static readonly byte[] TicketKey = Enumerable.Range(0, 32).Select(i => (byte)(0x5C ^ i)).ToArray();
    private static readonly byte[] S2nTicketKeyName = "interop-key-1"u8.ToArray();

    /// <summary>Our config with the scenario's PSK settings added (unchanged for other scenarios).</summary>
    public static TlsConfig ConfigureOurs(TlsConfig config, bool isServer, string scenario) => scenario switch
    {
        Scenarios.SessionResumption when isServer => config with { SessionTicketKey = TicketKey },
        Scenarios.EarlyData when isServer => config with { SessionTicketKey = TicketKey, MaxEarlyDataSize = EarlyDataScenario.MaxSize },
        Scenarios.OobPsk => config with { PreSharedKeys = [TlsSession.External(Identity, Secret)] },
        _ => config,
    };

    /// <summary>
    /// s2n config: tickets on for session_resumption and early_data (with the key on a server; for early_data
    /// the server also allows early data, which puts an early_data extension in its tickets).
    /// </summary>
    public static void ConfigureS2n(S2nConfig config, bool isServer, string scenario)
    {
        if (scenario is not (Scenarios.SessionResumption or Scenarios.EarlyData))
            return;
        config.EnableSessionTickets();
        if (!isServer)
            return;
        config.AddTicketKey(S2nTicketKeyName, TicketKey);
        if (scenario == Scenarios.EarlyData)
            config.SetServerMaxEarlyDataSize(EarlyDataScenario.MaxSize);
    }

    /// <summary>s2n connection, before the handshake: append the external PSK, or offer the saved session.</summary>
    public static void PrepareS2n(S2nConnection connection, string scenario, ResumptionTicket? ticket)
    {
        if (scenario == Scenarios.OobPsk)
            connection.AppendExternalPsk(Identity, Secret, S2nPskHmac.Sha256);
        if (ticket?.S2n is { } session)
            connection.SetSession(session);
    }
}

/// <summary>
/// Runs one endpoint of any scenario: opens the connection(s), handshakes and plays its side.
/// session_resumption and early_data take two connections; every other scenario one.
/// </summary>
internal static class ScenarioDriver
{
    public static string Run(string impl, bool isServer, string scenario, Func<System.Net.Sockets.Socket> open,
        CertificateFiles certs, ScenarioSettings settings)
    {
        if (scenario == Scenarios.SessionResumption)
            return isServer ? ResumptionServer(impl, open, certs) : ResumptionClient(impl, open, certs);
        if (scenario == Scenarios.EarlyData)
            return isServer ? EarlyDataScenario.Server(impl, open, certs) : EarlyDataScenario.Client(impl, open, certs);
        using var session = Endpoints.Handshake(impl, isServer, scenario, open(), certs);
        return isServer
            ? ScenarioLogic.RunServer(scenario, session, settings)
            : ScenarioLogic.RunClient(scenario, session, settings);
    }

    private static string ResumptionClient(string impl, Func<System.Net.Sockets.Socket> open, CertificateFiles certs)
    {
        var ticket = new ResumptionTicket();
        using (var first = Endpoints.Handshake(impl, false, Scenarios.SessionResumption, open(), certs))
        {
            ScenarioLogic.Check(!first.PskUsed, $"{first.Implementation} client: the first connection already used a PSK");
            ScenarioLogic.ClientRequestResponse(first); // the ticket arrives before the response
            ScenarioLogic.Check(first.TrySaveTicket(ticket), $"{first.Implementation} client: no session ticket received");
            first.CloseWrite();
            first.ExpectClose();
        }

        using var second = Endpoints.Handshake(impl, false, Scenarios.SessionResumption, open(), certs, ticket);
        ScenarioLogic.Check(second.PskUsed, $"{second.Implementation} client: the second connection was not resumed");
        ScenarioLogic.ClientRequestResponse(second);
        second.CloseWrite();
        second.ExpectClose();
        return "full handshake, then resumed from its ticket";
    }

    private static string ResumptionServer(string impl, Func<System.Net.Sockets.Socket> open, CertificateFiles certs)
    {
        using (var first = Endpoints.Handshake(impl, true, Scenarios.SessionResumption, open(), certs))
        {
            ScenarioLogic.Check(!first.PskUsed, $"{first.Implementation} server: the first connection already used a PSK");
            ScenarioLogic.ServerRequestResponse(first);
        }

        using var second = Endpoints.Handshake(impl, true, Scenarios.SessionResumption, open(), certs);
        ScenarioLogic.Check(second.PskUsed, $"{second.Implementation} server: the second connection was not resumed");
        ScenarioLogic.ServerRequestResponse(second);
        return "issued a ticket, then resumed";
    }
}
