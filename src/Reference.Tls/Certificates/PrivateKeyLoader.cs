using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;

namespace Reference.Tls.Certificates;

/// <summary>A loaded private key: exactly one of the algorithm objects, or the Ed25519 seed.</summary>
internal sealed class LoadedPrivateKey : IDisposable
{
    public ECDsa? Ecdsa { get; init; }
    public RSA? Rsa { get; init; }
    public byte[]? Ed25519Seed { get; init; }

    public void Dispose()
    {
        Ecdsa?.Dispose();
        Rsa?.Dispose();
        if (Ed25519Seed is not null)
        {
            CryptographicOperations.ZeroMemory(Ed25519Seed);
        }
    }
}

/// <summary>
/// Loads a private key from PEM: PKCS#8 "PRIVATE KEY" (EC, RSA, Ed25519), "EC PRIVATE KEY" (SEC 1) and
/// "RSA PRIVATE KEY" (PKCS#1), the forms s2n-tls and OpenSSL accept. Messages never contain key bytes.
/// </summary>
internal static class PrivateKeyLoader
{
    private const string Pkcs8Label = "PRIVATE KEY";
    private const string EcLabel = "EC PRIVATE KEY";
    private const string RsaLabel = "RSA PRIVATE KEY";

    public static LoadedPrivateKey Load(string privateKeyPem)
    {
        List<Pem.Block> blocks = Pem.ReadAll(privateKeyPem ?? throw TlsErrors.Usage("the private key PEM is null"));
        if (blocks.Any(b => b.Label == "ENCRYPTED PRIVATE KEY"))
        {
            throw TlsErrors.Usage("encrypted private keys are not supported; decrypt the key first");
        }

        // "EC PARAMETERS" blocks (from openssl ecparam -genkey) may precede the key; skip anything that is not a key.
        Pem.Block[] keys = blocks.Where(b => b.Label is Pkcs8Label or EcLabel or RsaLabel).ToArray();
        try
        {
            if (keys.Length != 1)
            {
                throw TlsErrors.Usage($"expected exactly one PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY PEM block, found {keys.Length}");
            }

            return Import(keys[0]);
        }
        finally
        {
            foreach (Pem.Block block in blocks)
            {
                CryptographicOperations.ZeroMemory(block.Der);
            }
        }
    }

    private static LoadedPrivateKey Import(Pem.Block block)
    {
        try
        {
            return block.Label switch
            {
                EcLabel => new LoadedPrivateKey { Ecdsa = ImportEc(ecdsa => ecdsa.ImportECPrivateKey(block.Der, out _)) },
                RsaLabel => new LoadedPrivateKey { Rsa = ImportRsa(rsa => rsa.ImportRSAPrivateKey(block.Der, out _)) },
                _ => ImportPkcs8(block.Der),
            };
        }
        catch (Exception e) when (e is not TlsException)
        {
            // The inner exception is dropped on purpose: library messages could quote parts of the key.
            throw TlsErrors.Usage($"the {block.Label} PEM block could not be parsed as a private key ({e.GetType().Name})");
        }
    }

    private static LoadedPrivateKey ImportPkcs8(byte[] der)
    {
        string oid = ReadPkcs8AlgorithmOid(der);
        switch (oid)
        {
            case PublicKeys.EcPublicKeyOid:
                return new LoadedPrivateKey { Ecdsa = ImportEc(ecdsa => ecdsa.ImportPkcs8PrivateKey(der, out _)) };
            case PublicKeys.RsaEncryptionOid:
                return new LoadedPrivateKey { Rsa = ImportRsa(rsa => rsa.ImportPkcs8PrivateKey(der, out _)) };
            case PublicKeys.Ed25519Oid:
                return new LoadedPrivateKey { Ed25519Seed = ReadEd25519Seed(der) };
            default:
                throw TlsErrors.Usage($"unsupported private key algorithm {oid}; use RSA, ECDSA P-256/P-384/P-521 or Ed25519");
        }
    }

    private static string ReadPkcs8AlgorithmOid(byte[] der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.BER);
        var info = reader.ReadSequence();
        info.ReadInteger();
        var algorithm = info.ReadSequence();
        return algorithm.ReadObjectIdentifier();
    }

    private static byte[] ReadEd25519Seed(byte[] der)
    {
        // RFC 8410 §7: privateKey is an OCTET STRING wrapping the 32-byte CurvePrivateKey OCTET STRING.
        PrivateKeyInfo info = PrivateKeyInfo.GetInstance(Asn1Object.FromByteArray(der));
        byte[] seed = Asn1OctetString.GetInstance(info.ParsePrivateKey()).GetOctets();
        if (seed.Length != 32)
        {
            CryptographicOperations.ZeroMemory(seed);
            throw TlsErrors.Usage("the Ed25519 private key is not 32 bytes long");
        }

        return seed;
    }

    private static ECDsa ImportEc(Action<ECDsa> import)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            import(ecdsa);
            return ecdsa;
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
    }

    private static RSA ImportRsa(Action<RSA> import)
    {
        var rsa = RSA.Create();
        try
        {
            import(rsa);
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }
}
