using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Reference.Tls;

namespace Reference.Load;

/// <summary>A throwaway ECDSA P-256 CA and a "localhost" leaf, as PEM, shared by the server and client processes.</summary>
internal sealed record LoadPki(string CaPem, string LeafPem, string KeyPem)
{
    public static LoadPki Create()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Reference Load CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=localhost", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        leafRequest.CertificateExtensions.Add(san.Build());
        using var leaf = leafRequest.Create(ca, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(12));
        return new LoadPki(ca.ExportCertificatePem(), leaf.ExportCertificatePem(), leafKey.ExportPkcs8PrivateKeyPem());
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
