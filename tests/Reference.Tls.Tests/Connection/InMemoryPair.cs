using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.Connection;

/// <summary>Two sans-IO connections wired back to back in memory, with throwaway certificates.</summary>
internal sealed class InMemoryPair : IDisposable
{
    private static readonly Dictionary<KeyKind, GeneratedPki> PkiCache = [];

    public InMemoryPair(TlsConfig clientConfig, TlsConfig serverConfig, string? serverName = "localhost")
    {
        Server = TlsConnection.CreateServer(serverConfig);
        Client = TlsConnection.CreateClient(clientConfig, serverName);
    }

    public TlsConnection Client { get; }

    public TlsConnection Server { get; }

    public static GeneratedPki Pki(KeyKind kind)
    {
        lock (PkiCache)
        {
            if (!PkiCache.TryGetValue(kind, out var pki))
            {
                pki = CertificateGenerator.Generate(kind);
                PkiCache[kind] = pki;
            }

            return pki;
        }
    }

    public static (TlsConfig Client, TlsConfig Server) Configs(KeyKind kind = KeyKind.EcdsaP256, Func<TlsConfig, TlsConfig>? client = null, Func<TlsConfig, TlsConfig>? server = null)
    {
        var pki = Pki(kind);
        var c = new TlsConfig { TrustStore = TrustStore.FromPem(pki.CaPem) };
        var s = new TlsConfig { Certificate = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem), TrustStore = TrustStore.FromPem(pki.CaPem) };
        return (client?.Invoke(c) ?? c, server?.Invoke(s) ?? s);
    }

    /// <summary>Moves bytes both ways until neither side has anything to send.</summary>
    public void Pump(int maxRounds = 100)
    {
        for (int i = 0; i < maxRounds; i++)
        {
            bool moved = Move(Client, Server) | Move(Server, Client);
            if (!moved)
            {
                return;
            }
        }

        throw new InvalidOperationException("pump did not settle");
    }

    public static bool Move(TlsConnection from, TlsConnection to)
    {
        if (!from.HasPendingOutput)
        {
            return false;
        }

        var bytes = from.PendingOutput.ToArray();
        from.ConsumeOutput(bytes.Length);
        to.Feed(bytes);
        return true;
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
