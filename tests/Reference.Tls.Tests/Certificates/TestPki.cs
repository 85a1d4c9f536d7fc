using System.Collections.Concurrent;
using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.Certificates;

/// <summary>Generated PKIs shared across tests, one per server key kind (RSA key generation is slow).</summary>
internal static class TestPki
{
    private static readonly ConcurrentDictionary<KeyKind, Lazy<GeneratedPki>> Cache = new();

    public static GeneratedPki For(KeyKind serverKind) =>
        Cache.GetOrAdd(serverKind, k => new Lazy<GeneratedPki>(() => CertificateGenerator.Generate(k, "localhost", k))).Value;

    public static CertificateKeyPair ServerPair(KeyKind kind)
    {
        GeneratedPki pki = For(kind);
        return CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem);
    }

    public static CertificateKeyPair ClientPair(KeyKind kind)
    {
        GeneratedPki pki = For(kind);
        return CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem);
    }

    public static byte[] Message(int seed)
    {
        var message = new byte[130];
        new Random(seed).NextBytes(message);
        return message;
    }
}
