using Reference.Tls;

namespace Reference.Load;

/// <summary>A throwaway ECDSA P-256 CA and a "localhost" chain, as PEM, shared by the server and client processes.</summary>
internal sealed record LoadPki(string CaPem, string LeafPem, string KeyPem)
{
    /// <summary>The engine's own throwaway PKI generator (an intermediate included), not a second one.</summary>
    public static LoadPki Create()
    {
        var pki = Reference.Tls.Certificates.CertificateGenerator.Generate(Reference.Tls.Certificates.KeyKind.EcdsaP256);
        return new LoadPki(pki.CaPem, pki.ServerChainPem, pki.ServerKeyPem);
    }

    public static LoadPki Read(string dir) =>
        new(File.ReadAllText(Path.Combine(dir, "ca.pem")), File.ReadAllText(Path.Combine(dir, "leaf.pem")), File.ReadAllText(Path.Combine(dir, "key.pem")));

    public void Write(string dir)
    {
        File.WriteAllText(Path.Combine(dir, "ca.pem"), CaPem);
        File.WriteAllText(Path.Combine(dir, "leaf.pem"), LeafPem);
        File.WriteAllText(Path.Combine(dir, "key.pem"), KeyPem);
    }

    public TlsConfig ServerConfig() => new() { Certificate = CertificateKeyPair.FromPem(LeafPem, KeyPem) };

    public TlsConfig ClientConfig() => new() { TrustStore = TrustStore.FromPem(CaPem) };
}
