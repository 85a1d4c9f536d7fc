using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.Certificates;

/// <summary>
/// Two test roots (ECDSA P-384 signing ecdsa-with-SHA384, RSA signing RSASSA-PSS-SHA256) and leaves of any key
/// kind under either, so a test can tell chains apart by key type, certificate signature algorithm, issuer or name.
/// Each chain is the leaf alone (the roots are the trust anchors). Built once per test run (RSA is slow).
/// </summary>
internal static class SelectionPki
{
    private static readonly Lazy<(ECDsa Key, X509Certificate2 Certificate)> EcdsaRootLazy = new(() =>
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        return (key, SelfSigned(new CertificateRequest("CN=Selection ECDSA Root, O=Reference Test", key, HashAlgorithmName.SHA384)));
    });

    private static readonly Lazy<(RSA Key, X509Certificate2 Certificate)> RsaRootLazy = new(() =>
    {
        var key = RSA.Create(2048);
        return (key, SelfSigned(new CertificateRequest("CN=Selection RSA Root, O=Reference Test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)));
    });

    private static readonly Dictionary<string, Lazy<Leaf>> Leaves = [];

    internal enum Root
    {
        Ecdsa,
        Rsa,
    }

    /// <summary>A leaf (DER) and the PEM texts to build a <see cref="CertificateKeyPair"/> from.</summary>
    internal sealed record Leaf(byte[] Der, string ChainPem, string KeyPem)
    {
        public CertificateKeyPair Pair() => CertificateKeyPair.FromPem(ChainPem, KeyPem);
    }

    public static X509Certificate2 EcdsaRoot => EcdsaRootLazy.Value.Certificate;

    public static X509Certificate2 RsaRoot => RsaRootLazy.Value.Certificate;

    /// <summary>Both roots, as a trust store.</summary>
    public static TrustStore BothRoots() => TrustStore.FromPem(EcdsaRoot.ExportCertificatePem() + "\n" + RsaRoot.ExportCertificatePem() + "\n");

    public static TrustStore OnlyRoot(Root root) => TrustStore.FromPem((root == Root.Ecdsa ? EcdsaRoot : RsaRoot).ExportCertificatePem() + "\n");

    /// <summary>
    /// A leaf with a <paramref name="keyBits"/>-bit RSA key (0: <paramref name="kind"/>'s key) for the DNS names
    /// given, issued by <paramref name="issuer"/>; cached by its parameters.
    /// </summary>
    public static Leaf Issue(KeyKind kind, Root issuer, string dnsName = "localhost", int keyBits = 0)
    {
        string id = $"{kind}/{issuer}/{dnsName}/{keyBits}";
        Lazy<Leaf> lazy;
        lock (Leaves)
        {
            if (!Leaves.TryGetValue(id, out lazy!))
            {
                lazy = new Lazy<Leaf>(() => Create(kind, issuer, dnsName, keyBits));
                Leaves[id] = lazy;
            }
        }

        return lazy.Value;
    }

    private static Leaf Create(KeyKind kind, Root issuer, string dnsName, int keyBits)
    {
        (PublicKey publicKey, string keyPem) = keyBits > 0 ? NewRsa(keyBits) : CertificateGenerator.NewKeyPair(kind);
        var request = new CertificateRequest(
            new X500DistinguishedName($"CN={dnsName}, O=Reference Selection {kind}"), publicKey, issuer == Root.Ecdsa ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        request.CertificateExtensions.Add(names.Build());
        X509Certificate2 root = issuer == Root.Ecdsa ? EcdsaRoot : RsaRoot;
        X509SignatureGenerator signer = issuer == Root.Ecdsa
            ? X509SignatureGenerator.CreateForECDsa(EcdsaRootLazy.Value.Key)
            : X509SignatureGenerator.CreateForRSA(RsaRootLazy.Value.Key, RSASignaturePadding.Pss);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7f) | 0x01);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 leaf = request.Create(root.SubjectName, signer, now.AddHours(-1), now.AddDays(2), serial);
        return new Leaf(leaf.RawData, leaf.ExportCertificatePem() + "\n", keyPem);
    }

    private static (PublicKey PublicKey, string KeyPem) NewRsa(int bits)
    {
        using RSA rsa = RSA.Create(bits);
        return (new PublicKey(rsa), rsa.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private static X509Certificate2 SelfSigned(CertificateRequest request)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(3));
    }
}
