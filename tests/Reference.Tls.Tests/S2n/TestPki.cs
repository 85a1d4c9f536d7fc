using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Reference.Tls.Tests.S2n;

/// <summary>A throwaway CA and a leaf it signed, PEM-encoded the way s2n loads them.</summary>
internal sealed record TestPki(string CaPem, string LeafChainPem, string LeafKeyPem)
{
    /// <summary>ECDSA P-256 CA and leaf; the leaf names "localhost" and serves as server or client.</summary>
    internal static TestPki CreateEcdsaP256(string caName = "Reference S2n Test CA")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=localhost", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        leafRequest.CertificateExtensions.Add(san.Build());
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F; // positive
        using var leaf = leafRequest.Create(ca, now.AddHours(-1), now.AddDays(1), serial);

        return new TestPki(ca.ExportCertificatePem(), leaf.ExportCertificatePem(), leafKey.ExportPkcs8PrivateKeyPem());
    }
}
