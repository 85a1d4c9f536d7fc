namespace Reference.Interop;

/// <summary>Which implementation can play which scenario; anything else is shown as "n/a" with the reason.</summary>
internal static class Capabilities
{
    public const string OpenSsl = "openssl";

    public static readonly string[] DefaultImplementations = [Endpoints.Ours, Endpoints.OursAsync, Endpoints.S2n, OpenSsl];

    // s_client/s_server relay stdin/stdout: fine for a request and a response, not for scripted
    // closes, key updates, block checks or paced writes.
    private static readonly HashSet<string> OpenSslScenarios = [Scenarios.Handshake, Scenarios.RequestResponse, Scenarios.MtlsRequestResponse];

    /// <summary>Null if the pair can run the scenario; otherwise why not.</summary>
    public static string? NotAvailable(string scenario, string client, string server)
    {
        if ((client == OpenSsl || server == OpenSsl) && !OpenSslScenarios.Contains(scenario))
            return "openssl s_client/s_server relay stdin/stdout and cannot script this scenario";
        if (scenario == Scenarios.KeyUpdateFlood && client == Endpoints.S2n)
            return "s2n can only send KeyUpdate(update_not_requested) (s2n_connection_request_key_update), not update_requested";
        return null;
    }
}
