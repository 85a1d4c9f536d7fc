using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Reference.Tls.Certificates;

namespace Reference.Bench;

/// <summary>
/// Helpers for profiling our engine: a steady loop to attach dotnet-trace to (<c>--loop handshake|bulk SECONDS</c>)
/// and a Stopwatch breakdown of the cryptographic primitives one handshake needs (<c>--breakdown</c>).
/// </summary>
internal static class Profiling
{
    public static int Loop(string what, double seconds)
    {
        var harness = new OursHarness();
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        long count = 0;
        if (what == "handshake")
        {
            var handshaker = harness.CreateHandshaker(HandshakeCase.EcdsaX25519);
            while (Stopwatch.GetTimestamp() < deadline) { handshaker.HandshakeOnce(); count++; }
        }
        else
        {
            var scenario = BulkCase.All.First(b => b.Name.StartsWith(what, StringComparison.OrdinalIgnoreCase));
            using var pair = harness.CreateBulkPair(scenario);
            while (Stopwatch.GetTimestamp() < deadline) { pair.Transfer(64); count += 64; }
        }
        Console.WriteLine($"{what}: {count} operations in {seconds} s");
        return 0;
    }

    /// <summary>Average microseconds of each primitive and of each handshake phase, measured in isolation.</summary>
    public static int Breakdown(int iterations)
    {
        var pki = Pki.Get(KeyKind.EcdsaP256);
        Time("our full handshake pair (ECDSA P-256 + X25519)", iterations, new OursHarness().CreateHandshaker(HandshakeCase.EcdsaX25519).HandshakeOnce);
        var scenario = HandshakeCase.EcdsaX25519;
        var (client, server) = OursHarness.Configs(scenario.Cert, scenario.Policy, null);
        var uncached = (client with { TrustStore = TrustStore.FromPem(pki.CaPem, verifiedChainCapacity: 0) }, server);
        Time("  same, verified-chain cache off (X509Chain every handshake)", iterations, () =>
        {
            var (c, s) = OursHarness.Establish(uncached);
            c.Dispose();
            s.Dispose();
        });
        Time("OursHarness.Configs (PEM parse of chain + key)", iterations, () => OursHarness.Configs(KeyKind.EcdsaP256, "20190801", null));
        EngineStepTimes(pki, iterations);
        PrimitiveTimes(pki, iterations);
        return 0;
    }

    /// <summary>The engine's own certificate and connection steps, called directly.</summary>
    private static void EngineStepTimes(GeneratedPki pki, int iterations)
    {
        var (clientConfig, serverConfig) = OursHarness.Configs(KeyKind.EcdsaP256, "20190801", null);
        Time("TlsConnection.CreateServer (no I/O yet)", iterations, () => TlsConnection.CreateServer(serverConfig).Dispose());
        Time("TlsConnection.CreateClient (builds ClientHello, X25519 keygen)", iterations,
            () => TlsConnection.CreateClient(clientConfig, "localhost").Dispose());
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(pki.ServerChainPem);
        var chainDer = chain.Select(c => c.RawData).ToList();
        var uncached = TrustStore.FromPem(pki.CaPem, verifiedChainCapacity: 0);
        Time("TrustStore.ValidateChain cold (X509Chain.Build; first handshake with a chain)", iterations, () => uncached.ValidateChain(chainDer, "localhost"));
        var trust = TrustStore.FromPem(pki.CaPem);
        Time("TrustStore.ValidateChain cached (per handshake after the first)", iterations * 10, () => trust.ValidateChain(chainDer, "localhost"));
        Time("CertificateRules.CheckPeerChain (per handshake, cached or not)", iterations * 10,
            () => CertificateRules.CheckPeerChain(chainDer, clientConfig.SignatureSchemes, trust.IsTrustAnchor));
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pki.ServerKeyPem);
        byte[] message = new byte[130];
        byte[] signature = ecdsa.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        Time("SignatureVerifier.Verify from leaf DER (parse SPKI, import key)", iterations,
            () => SignatureVerifier.Verify(SignatureScheme.EcdsaSecp256r1Sha256, chainDer[0], message, signature));
        LeafPublicKey leafKey = trust.ValidateChain(chainDer, "localhost");
        Time("SignatureVerifier.Verify with the cached leaf key (pooled import)", iterations,
            () => SignatureVerifier.Verify(SignatureScheme.EcdsaSecp256r1Sha256, leafKey, message, signature));
        byte[] secret = new byte[48];
        Time("Hkdf.ExpandLabel (SHA-384, 48 B)", iterations * 10,
            () => Reference.Tls.KeySchedule.Hkdf.ExpandLabel(HashAlgorithmName.SHA384, secret, "c hs traffic", secret, 48));
        byte[] info = new byte[30];
        Time("HMAC-SHA384 one-shot (= HKDF-Expand of one block)", iterations * 10, () => HMACSHA384.HashData(secret, info));
    }

    private static void PrimitiveTimes(GeneratedPki pki, int iterations)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pki.ServerKeyPem);
        byte[] hash = SHA256.HashData("x"u8);
        byte[] signature = ecdsa.SignHash(hash);
        Time("ECDSA P-256 sign (.NET)", iterations, () => ecdsa.SignHash(hash));
        Time("ECDSA P-256 verify (.NET)", iterations, () => ecdsa.VerifyHash(hash, signature));
        Time("ECDH P-256 keygen + derive (.NET)", iterations, () =>
        {
            using var a = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            using var b = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            a.DeriveRawSecretAgreement(b.PublicKey);
        });
        using var fixedPeer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var peerPoint = fixedPeer.ExportParameters(false).Q;
        Time("  ECDH P-256 keygen only: ECDiffieHellman.Create(curve) + export Q", iterations, () =>
        {
            using var a = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            a.ExportParameters(false);
        });
        Time("  ECDH P-256 peer import: ECDiffieHellman.Create(ECParameters{Q})", iterations, () =>
        {
            using var peer = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = peerPoint });
        });
        using var mine = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using var imported = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = peerPoint });
        Time("  ECDH P-256 derive only: DeriveRawSecretAgreement", iterations, () => mine.DeriveRawSecretAgreement(imported.PublicKey));
        var random = new SecureRandom();
        Time("X25519 keygen + agree (BouncyCastle)", iterations, () =>
        {
            var generator = new X25519KeyPairGenerator();
            generator.Init(new X25519KeyGenerationParameters(random));
            var a = generator.GenerateKeyPair();
            var b = generator.GenerateKeyPair();
            var agreement = new X25519Agreement();
            agreement.Init(a.Private);
            var secret = new byte[32];
            agreement.CalculateAgreement(b.Public, secret, 0);
        });
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(pki.ServerChainPem);
        byte[] leafDer = chain[0].RawData;
        Time("X509Certificate2 parse of the leaf (DER)", iterations, () => X509CertificateLoader.LoadCertificate(leafDer).Dispose());
        var root = X509Certificate2.CreateFromPem(pki.CaPem);
        Time("X509Chain.Build leaf->intermediate->root (.NET)", iterations, () =>
        {
            using var x509 = new X509Chain();
            x509.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            x509.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            x509.ChainPolicy.CustomTrustStore.Add(root);
            x509.ChainPolicy.ExtraStore.Add(chain[1]);
            x509.Build(chain[0]);
        });
        AeadFloor(iterations * 20);
        byte[] prk = new byte[48];
        Time("HKDF-Expand-Label (SHA-384, 32 B)", iterations * 10, () => HKDF.Expand(HashAlgorithmName.SHA384, prk, 32, "tls13 key"u8.ToArray()));
    }

    /// <summary>The floor under our bulk figure: .NET's AEADs alone sealing and opening one 16 KiB record in place.</summary>
    private static void AeadFloor(int iterations)
    {
        byte[] key = new byte[32], nonce = new byte[12], tag = new byte[16], data = new byte[BulkCase.WriteSize + 1], header = new byte[5];
        using var aes128 = new AesGcm(key.AsSpan(0, 16), 16);
        using var aes256 = new AesGcm(key, 16);
        using var chacha = new ChaCha20Poly1305(key);
        Time("AesGcm-128 seal+open 16 KiB (.NET, no TLS)", iterations, () => { aes128.Encrypt(nonce, data, data, tag, header); aes128.Decrypt(nonce, data, tag, data, header); });
        Time("AesGcm-256 seal+open 16 KiB (.NET, no TLS)", iterations, () => { aes256.Encrypt(nonce, data, data, tag, header); aes256.Decrypt(nonce, data, tag, data, header); });
        Time("ChaCha20Poly1305 seal+open 16 KiB (.NET, no TLS)", iterations, () => { chacha.Encrypt(nonce, data, data, tag, header); chacha.Decrypt(nonce, data, tag, data, header); });
        byte[] copy = new byte[data.Length];
        Time("memcpy 16 KiB", iterations * 10, () => data.AsSpan().CopyTo(copy));
        var pair = new OursHarness().CreateBulkPair(BulkCase.Aes128);
        Time("our pair: one 16 KiB record AES-128-GCM (seal, feed, open, read)", iterations, () => pair.Transfer(1));
        pair = new OursHarness().CreateBulkPair(BulkCase.Aes256);
        Time("our pair: one 16 KiB record AES-256-GCM", iterations, () => pair.Transfer(1));
        pair = new OursHarness().CreateBulkPair(BulkCase.ChaCha);
        Time("our pair: one 16 KiB record ChaCha20-Poly1305", iterations, () => pair.Transfer(1));
    }

    private static void Time(string what, int iterations, Action action)
    {
        for (int i = 0; i < Math.Max(3, iterations / 10); i++)
            action();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < iterations; i++)
            action();
        double micros = Stopwatch.GetElapsedTime(start).TotalMicroseconds / iterations;
        double bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)iterations;
        Console.WriteLine($"{micros,10:0.0} µs {bytes,10:0} B  {what}");
    }
}
