using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Reference.Tls.Certificates;

/// <summary>The key types <see cref="CertificateGenerator"/> can issue leaves for.</summary>
internal enum KeyKind
{
    EcdsaP256,
    EcdsaP384,
    Rsa2048,
    Ed25519,
}

/// <summary>A throwaway PKI: PEM texts of a root CA, a server chain and a client chain with their PKCS#8 keys.</summary>
internal sealed record GeneratedPki(string CaPem, string ServerChainPem, string ServerKeyPem, string ClientChainPem, string ClientKeyPem)
{
    /// <summary>Writes the files under the names the s2n-tls interop runner uses.</summary>
    public void WriteTo(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "ca-certificate.pem"), CaPem);
        File.WriteAllText(Path.Combine(dir, "server-chain.pem"), ServerChainPem);
        File.WriteAllText(Path.Combine(dir, "server-key.pem"), ServerKeyPem);
        File.WriteAllText(Path.Combine(dir, "client-certificate.pem"), ClientChainPem);
        File.WriteAllText(Path.Combine(dir, "client-key.pem"), ClientKeyPem);
    }
}

/// <summary>
/// Issues a throwaway PKI for tests and the demo: ECDSA P-256 root CA → ECDSA P-256 intermediate → server and
/// client leaves of the requested key kinds. Only for testing; keys are fresh on every call.
/// </summary>
/// <remarks>
/// .NET's CertificateRequest cannot hold or sign with an Ed25519 key, but it can issue a certificate for any
/// SubjectPublicKeyInfo when the issuer signs with ECDSA; so an Ed25519 leaf is made from a BouncyCastle
/// Ed25519 key and an ECDSA-signed CertificateRequest. The CA and intermediate are always ECDSA.
/// </remarks>
internal static class CertificateGenerator
{
    internal const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    internal const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public static GeneratedPki Generate(KeyKind serverKind, string hostName = "localhost", KeyKind clientKind = KeyKind.EcdsaP256)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return Generate(serverKind, hostName, clientKind, now.AddHours(-1), now.AddDays(2));
    }

    /// <summary>Issues leaves valid from <paramref name="leafNotBefore"/> to <paramref name="leafNotAfter"/>
    /// (tests use past dates for an expired leaf); the CAs cover both that window and the next two days.</summary>
    internal static GeneratedPki Generate(KeyKind serverKind, string hostName, KeyKind clientKind, DateTimeOffset leafNotBefore, DateTimeOffset leafNotAfter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostName);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        DateTimeOffset caNotBefore = Min(leafNotBefore, now.AddHours(-1));
        DateTimeOffset caNotAfter = Max(leafNotAfter, now.AddDays(2));

        // A P-384 server gets an all-P-384, SHA-384 chain: s2n's CNSA policies (rfc9151, 20260720)
        // check every certificate's key and signature against the policy.
        var (caCurve, hash) = serverKind == KeyKind.EcdsaP384
            ? (ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384)
            : (ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256);
        using ECDsa rootKey = ECDsa.Create(caCurve);
        using X509Certificate2 root = CreateRoot(rootKey, hash, caNotBefore, caNotAfter);
        using ECDsa intermediateKey = ECDsa.Create(caCurve);
        using X509Certificate2 intermediate = CreateIntermediate(intermediateKey, hash, root, rootKey, caNotBefore, caNotAfter);
        var issuer = new Issuer(intermediate, intermediateKey, hash);

        (string serverLeafPem, string serverKeyPem) = CreateLeaf(
            serverKind, issuer, new X500DistinguishedName($"CN={hostName}, O=Reference Test"), ServerAuthOid,
            ServerNames(hostName), leafNotBefore, leafNotAfter);
        (string clientLeafPem, string clientKeyPem) = CreateLeaf(
            clientKind, issuer, new X500DistinguishedName("CN=Reference Test Client, O=Reference Test"), ClientAuthOid,
            subjectAltNames: null, leafNotBefore, leafNotAfter);

        string intermediatePem = intermediate.ExportCertificatePem() + "\n";
        return new GeneratedPki(
            root.ExportCertificatePem() + "\n",
            serverLeafPem + intermediatePem,
            serverKeyPem,
            clientLeafPem + intermediatePem,
            clientKeyPem);
    }

    private readonly record struct Issuer(X509Certificate2 Certificate, ECDsa Key, HashAlgorithmName Hash);

    private static X509Certificate2 CreateRoot(ECDsa key, HashAlgorithmName hash, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest("CN=Reference Test Root CA, O=Reference Test", key, hash);
        AddCaExtensions(request, pathLength: 1);
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    private static X509Certificate2 CreateIntermediate(ECDsa key, HashAlgorithmName hash, X509Certificate2 root, ECDsa rootKey, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest("CN=Reference Test Intermediate CA, O=Reference Test", key, hash);
        AddCaExtensions(request, pathLength: 0);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using X509Certificate2 publicOnly = request.Create(
            root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), notBefore, notAfter, NewSerial());
        return publicOnly.CopyWithPrivateKey(key);
    }

    private static void AddCaExtensions(CertificateRequest request, int pathLength)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, pathLength, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
    }

    private static X509Extension ServerNames(string hostName)
    {
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(hostName, out IPAddress? address))
        {
            names.AddIpAddress(address);
        }
        else
        {
            names.AddDnsName(hostName);
        }

        if (hostName != "localhost")
        {
            names.AddDnsName("localhost");
        }

        if (hostName != "127.0.0.1")
        {
            names.AddIpAddress(IPAddress.Loopback);
        }

        return names.Build();
    }

    private static (string CertificatePem, string KeyPem) CreateLeaf(
        KeyKind kind, Issuer issuer, X500DistinguishedName subject, string extendedUsage, X509Extension? subjectAltNames,
        DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        (PublicKey publicKey, string keyPem) = NewKeyPair(kind);
        var request = new CertificateRequest(subject, publicKey, issuer.Hash);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedUsage)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Certificate, true, false));
        if (subjectAltNames is not null)
        {
            request.CertificateExtensions.Add(subjectAltNames);
        }

        using X509Certificate2 leaf = request.Create(
            issuer.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(issuer.Key), notBefore, notAfter, NewSerial());
        return (leaf.ExportCertificatePem() + "\n", keyPem);
    }

    /// <summary>A fresh key of <paramref name="kind"/>: its public key and its PKCS#8 PEM private key.</summary>
    internal static (PublicKey PublicKey, string KeyPem) NewKeyPair(KeyKind kind)
    {
        switch (kind)
        {
            case KeyKind.EcdsaP256:
            case KeyKind.EcdsaP384:
                using (ECDsa ecdsa = ECDsa.Create(kind == KeyKind.EcdsaP256 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384))
                {
                    return (new PublicKey(ecdsa), ecdsa.ExportPkcs8PrivateKeyPem() + "\n");
                }

            case KeyKind.Rsa2048:
                using (RSA rsa = RSA.Create(2048))
                {
                    return (new PublicKey(rsa), rsa.ExportPkcs8PrivateKeyPem() + "\n");
                }

            case KeyKind.Ed25519:
                var privateKey = new Ed25519PrivateKeyParameters(new SecureRandom());
                byte[] spki = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(privateKey.GeneratePublicKey()).GetDerEncoded();
                byte[] pkcs8 = Ed25519Pkcs8V1(privateKey);
                string pem = PemEncoding.WriteString("PRIVATE KEY", pkcs8) + "\n";
                CryptographicOperations.ZeroMemory(pkcs8);
                return (PublicKey.CreateFromSubjectPublicKeyInfo(spki, out _), pem);

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown key kind");
        }
    }

    /// <summary>
    /// The RFC 8410 §7 PKCS#8 v1 form (no embedded public key). BouncyCastle writes the v2 OneAsymmetricKey
    /// form with the public key, which OpenSSL 3.0's decoder rejects, so s2n-tls and s_server could not load it.
    /// </summary>
    private static byte[] Ed25519Pkcs8V1(Ed25519PrivateKeyParameters privateKey)
    {
        byte[] seed = privateKey.GetEncoded();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(PublicKeys.Ed25519Oid);
            }

            using (writer.PushOctetString())
            {
                writer.WriteOctetString(seed);
            }
        }

        CryptographicOperations.ZeroMemory(seed);
        return writer.Encode();
    }

    private static byte[] NewSerial()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // a positive INTEGER (RFC 5280 §4.1.2.2)
        serial[0] |= 0x01; // and never a leading zero byte
        return serial;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
