using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Reference.Tls;
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

    /// <summary>One timed step: average microseconds and managed bytes allocated per call.</summary>
    internal readonly record struct StepTime(string What, double Microseconds, double AllocatedBytes);

    /// <summary>Average microseconds of each primitive and of each handshake phase, measured in isolation.</summary>
    public static int Breakdown(int iterations)
    {
        Console.Write(Table(Steps(iterations)));
        return 0;
    }

    /// <summary>The breakdown as a markdown table.</summary>
    public static string Table(IEnumerable<StepTime> steps)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("| µs per call | B allocated per call | step |");
        text.AppendLine("|---:|---:|---|");
        foreach (var step in steps)
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"| {step.Microseconds:#,0.0} | {(double.IsNaN(step.AllocatedBytes) ? "—" : step.AllocatedBytes.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture))} | {step.What} |");
        return text.ToString();
    }

    /// <summary>Each step of our handshake and each primitive under it, timed alone <paramref name="iterations"/> times.</summary>
    public static List<StepTime> Steps(int iterations)
    {
        var steps = new List<StepTime>();
        var pki = Pki.Get(KeyKind.EcdsaP256);
        Time(steps, "our full handshake pair (ECDSA P-256 + X25519)", iterations, new OursHarness().CreateHandshaker(HandshakeCase.EcdsaX25519).HandshakeOnce);
        var scenario = HandshakeCase.EcdsaX25519;
        var (client, server) = OursHarness.Configs(scenario.Cert, scenario.Policy, null);
        var uncached = (client with { TrustStore = TrustStore.FromPem(pki.CaPem, verifiedChainCapacity: 0) }, server);
        Time(steps, "  same, verified-chain cache off (X509Chain every handshake)", iterations, () =>
        {
            var (c, s) = OursHarness.Establish(uncached);
            c.Dispose();
            s.Dispose();
        });
        foreach (var each in HandshakeCase.All)
        {
            var handshaker = new OursHarness().CreateHandshaker(each);
            Compare(steps, $"our full handshake pair, {each.Name}", Math.Max(10, iterations / 10), ("handshake pair", handshaker.HandshakeOnce));
        }
        Time(steps, "OursHarness.Configs (PEM parse of chain + key)", iterations, () => OursHarness.Configs(KeyKind.EcdsaP256, "20190801", null));
        EngineStepTimes(steps, pki, iterations);
        PrimitiveTimes(steps, pki, iterations);
        return steps;
    }

    /// <summary>The engine's own certificate and connection steps, called directly.</summary>
    private static void EngineStepTimes(List<StepTime> steps, GeneratedPki pki, int iterations)
    {
        var (clientConfig, serverConfig) = OursHarness.Configs(KeyKind.EcdsaP256, "20190801", null);
        Time(steps, "TlsConnection.CreateServer (no I/O yet)", iterations, () => TlsConnection.CreateServer(serverConfig).Dispose());
        Time(steps, "TlsConnection.CreateClient (builds ClientHello, X25519 keygen)", iterations,
            () => TlsConnection.CreateClient(clientConfig, "localhost").Dispose());
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(pki.ServerChainPem);
        var chainDer = chain.Select(c => c.RawData).ToList();
        var uncached = TrustStore.FromPem(pki.CaPem, verifiedChainCapacity: 0);
        Time(steps, "TrustStore.ValidateChain cold (X509Chain.Build; first handshake with a chain)", iterations, () => uncached.ValidateChain(chainDer, "localhost"));
        var trust = TrustStore.FromPem(pki.CaPem);
        Time(steps, "TrustStore.ValidateChain cached (per handshake after the first)", iterations * 10, () => trust.ValidateChain(chainDer, "localhost"));
        Time(steps, "CertificateRules.CheckPeerChain (per handshake, cached or not)", iterations * 10,
            () => CertificateRules.CheckPeerChain(chainDer, clientConfig.SignatureSchemes, trust.IsTrustAnchor));
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pki.ServerKeyPem);
        byte[] message = new byte[130];
        byte[] signature = ecdsa.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        Time(steps, "SignatureVerifier.Verify from leaf DER (parse SPKI, import key)", iterations,
            () => SignatureVerifier.Verify(SignatureScheme.EcdsaSecp256r1Sha256, chainDer[0], message, signature));
        LeafPublicKey leafKey = trust.ValidateChain(chainDer, "localhost");
        Time(steps, "SignatureVerifier.Verify with the cached leaf key (pooled import)", iterations,
            () => SignatureVerifier.Verify(SignatureScheme.EcdsaSecp256r1Sha256, leafKey, message, signature));
        byte[] leafSpki = X509CertificateLoader.LoadCertificate(chainDer[0]).PublicKey.ExportSubjectPublicKeyInfo();
        Compare(steps, "CertificateVerify check, ECDSA P-256", iterations / 3,
            ("SignatureVerifier.Verify (engine)", () => SignatureVerifier.Verify(SignatureScheme.EcdsaSecp256r1Sha256, chainDer[0], message, signature)),
            ("ECDsa.Create + ImportSubjectPublicKeyInfo + VerifyData", () =>
            {
                using var key = ECDsa.Create();
                key.ImportSubjectPublicKeyInfo(leafSpki, out _);
                key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }),
            ("VerifyData with the key imported once", () => ecdsa.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
        byte[] secret = new byte[48];
        Time(steps, "Hkdf.ExpandLabel (SHA-384, 48 B)", iterations * 10,
            () => Reference.Tls.KeySchedule.Hkdf.ExpandLabel(HashAlgorithmName.SHA384, secret, "c hs traffic", secret, 48));
        byte[] info = new byte[30];
        Time(steps, "HMAC-SHA384 one-shot (= HKDF-Expand of one block)", iterations * 10, () => HMACSHA384.HashData(secret, info));
        byte[] okm = new byte[48];
        byte[] block = new byte[49];
        Compare(steps, "HKDF-Expand SHA-384, 48 B (one block)", iterations,
            (".NET HKDF.Expand", () => HKDF.Expand(HashAlgorithmName.SHA384, secret, okm, info)),
            ("HMAC-SHA384 one-shot of info||0x01 into a span", () => HMACSHA384.HashData(secret, block, okm)));
    }

    private static void PrimitiveTimes(List<StepTime> steps, GeneratedPki pki, int iterations)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pki.ServerKeyPem);
        byte[] hash = SHA256.HashData("x"u8);
        byte[] signature = ecdsa.SignHash(hash);
        Time(steps, "ECDSA P-256 sign (.NET)", iterations, () => ecdsa.SignHash(hash));
        Time(steps, "ECDSA P-256 verify (.NET)", iterations, () => ecdsa.VerifyHash(hash, signature));
        Time(steps, "ECDH P-256 keygen + derive (.NET)", iterations, () =>
        {
            using var a = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            using var b = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            a.DeriveRawSecretAgreement(b.PublicKey);
        });
        using var fixedPeer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var peerPoint = fixedPeer.ExportParameters(false).Q;
        Time(steps, "  ECDH P-256 keygen only: ECDiffieHellman.Create(curve) + export Q", iterations, () =>
        {
            using var a = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            a.ExportParameters(false);
        });
        Time(steps, "  ECDH P-256 peer import: ECDiffieHellman.Create(ECParameters{Q})", iterations, () =>
        {
            using var peer = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = peerPoint });
        });
        using var mine = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using var imported = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = peerPoint });
        Time(steps, "  ECDH P-256 derive only: DeriveRawSecretAgreement", iterations, () => mine.DeriveRawSecretAgreement(imported.PublicKey));
        var random = new SecureRandom();
        Time(steps, "X25519 keygen + agree (BouncyCastle)", iterations, () =>
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
        X25519Times(steps, iterations);
        P256Variants(steps, iterations);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(pki.ServerChainPem);
        byte[] leafDer = chain[0].RawData;
        Time(steps, "X509Certificate2 parse of the leaf (DER)", iterations, () => X509CertificateLoader.LoadCertificate(leafDer).Dispose());
        var root = X509Certificate2.CreateFromPem(pki.CaPem);
        Time(steps, "X509Chain.Build leaf->intermediate->root (.NET)", iterations, () =>
        {
            using var x509 = new X509Chain();
            x509.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            x509.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            x509.ChainPolicy.CustomTrustStore.Add(root);
            x509.ChainPolicy.ExtraStore.Add(chain[1]);
            x509.Build(chain[0]);
        });
        AeadFloor(steps, iterations * 20);
        byte[] prk = new byte[48];
        Time(steps, "HKDF-Expand-Label (SHA-384, 32 B)", iterations * 10, () => HKDF.Expand(HashAlgorithmName.SHA384, prk, 32, "tls13 key"u8.ToArray()));
    }

    /// <summary>X25519: the engine's key share (libsodium through Geralt) and its primitives next to BouncyCastle's.</summary>
    private static void X25519Times(List<StepTime> steps, int iterations)
    {
        using var peer = Reference.Tls.Crypto.KeyShare.Generate(NamedGroup.X25519);
        byte[] peerPublic = peer.PublicKey;
        Time(steps, "X25519 KeyShare.Respond (engine: keygen + agree, one side)", iterations,
            () => Reference.Tls.Crypto.KeyShare.Respond(NamedGroup.X25519, peerPublic));
        byte[] privateKey = RandomNumberGenerator.GetBytes(32), publicKey = new byte[32], shared = new byte[32];
        Time(steps, "  X25519 public key (libsodium scalarmult_base)", iterations, () => Geralt.X25519.ComputePublicKey(publicKey, privateKey));
        Time(steps, "  X25519 agree (libsodium scalarmult)", iterations, () => Geralt.X25519.ComputeSharedSecret(shared, privateKey, peerPublic));
        Compare(steps, "X25519 keygen + agree, one side", iterations / 3,
            ("libsodium (Geralt)", () => { Geralt.X25519.ComputePublicKey(publicKey, privateKey); Geralt.X25519.ComputeSharedSecret(shared, privateKey, peerPublic); }),
            ("BouncyCastle", () =>
            {
                Org.BouncyCastle.Math.EC.Rfc7748.X25519.GeneratePublicKey(privateKey, 0, publicKey, 0);
                Org.BouncyCastle.Math.EC.Rfc7748.X25519.CalculateAgreement(privateKey, 0, peerPublic, 0, shared, 0);
            }));
        Time(steps, "  X25519 public key (BouncyCastle)", iterations,
            () => Org.BouncyCastle.Math.EC.Rfc7748.X25519.GeneratePublicKey(privateKey, 0, publicKey, 0));
        Time(steps, "  X25519 agree (BouncyCastle)", iterations,
            () => Org.BouncyCastle.Math.EC.Rfc7748.X25519.CalculateAgreement(privateKey, 0, peerPublic, 0, shared, 0));
    }

    /// <summary>One side of a P-256 ECDHE (keygen, export, peer import, derive) through each API we could use.</summary>
    private static void P256Variants(List<StepTime> steps, int iterations)
    {
        var curve = ECCurve.NamedCurves.nistP256;
        using var peerKey = ECDiffieHellman.Create(curve);
        byte[] peerSpki = peerKey.ExportSubjectPublicKeyInfo();
        var peerQ = peerKey.ExportParameters(false).Q;
        byte[] peerPoint = [0x04, .. peerQ.X!, .. peerQ.Y!];
        Time(steps, "P-256 KeyShare.Respond (engine: keygen + import + derive, one side)", iterations,
            () => Reference.Tls.Crypto.KeyShare.Respond(NamedGroup.Secp256r1, peerPoint));
        Time(steps, "  Create(curve) + ExportParameters(false)", iterations, () => { using var k = ECDiffieHellman.Create(curve); k.ExportParameters(false); });
        Time(steps, "  Create() + GenerateKey(curve) + ExportParameters(false)", iterations,
            () => { using var k = ECDiffieHellman.Create(); k.GenerateKey(curve); k.ExportParameters(false); });
        Time(steps, "  Create(curve) + ExportSubjectPublicKeyInfo", iterations, () => { using var k = ECDiffieHellman.Create(curve); k.ExportSubjectPublicKeyInfo(); });
        Time(steps, "  peer: Create(ECParameters{Q})", iterations,
            () => { using var k = ECDiffieHellman.Create(new ECParameters { Curve = curve, Q = peerQ }); });
        Time(steps, "  peer: Create() + ImportParameters(Q)", iterations,
            () => { using var k = ECDiffieHellman.Create(); k.ImportParameters(new ECParameters { Curve = curve, Q = peerQ }); });
        Time(steps, "  peer: Create() + ImportSubjectPublicKeyInfo", iterations,
            () => { using var k = ECDiffieHellman.Create(); k.ImportSubjectPublicKeyInfo(peerSpki, out _); });
        using var mine = ECDiffieHellman.Create(curve);
        using var imported = ECDiffieHellman.Create();
        imported.ImportSubjectPublicKeyInfo(peerSpki, out _);
        using var importedPublic = imported.PublicKey;
        Time(steps, "  DeriveRawSecretAgreement (public key object reused)", iterations, () => mine.DeriveRawSecretAgreement(importedPublic));
        Time(steps, "  DeriveRawSecretAgreement(imported.PublicKey)", iterations, () => { using var p = imported.PublicKey; mine.DeriveRawSecretAgreement(p); });
        Compare(steps, "P-256 peer import + derive", iterations / 3,
            ("Create(ECParameters{Q}) + PublicKey + derive", () =>
            {
                using var k = ECDiffieHellman.Create(new ECParameters { Curve = curve, Q = peerQ });
                using var pk = k.PublicKey;
                mine.DeriveRawSecretAgreement(pk);
            }),
            ("Create() + ImportSubjectPublicKeyInfo + PublicKey + derive", () =>
            {
                using var k = ECDiffieHellman.Create();
                k.ImportSubjectPublicKeyInfo(peerSpki, out _);
                using var pk = k.PublicKey;
                mine.DeriveRawSecretAgreement(pk);
            }));
        Compare(steps, "P-256 keygen + public key bytes", iterations / 3,
            ("Create(curve) + ExportParameters(false)", () => { using var k = ECDiffieHellman.Create(curve); k.ExportParameters(false); }),
            ("Create(curve) + ExportSubjectPublicKeyInfo", () => { using var k = ECDiffieHellman.Create(curve); k.ExportSubjectPublicKeyInfo(); }));
        BouncyCastleP256(steps, iterations, peerPoint);
    }

    /// <summary>BouncyCastle's custom-curve SecP256R1: fixed-point comb keygen, and its ECDH (variable time: w-NAF).</summary>
    private static void BouncyCastleP256(List<StepTime> steps, int iterations, byte[] peerPoint)
    {
        var parameters = Org.BouncyCastle.Crypto.EC.CustomNamedCurves.GetByName("P-256");
        var domain = new ECDomainParameters(parameters.Curve, parameters.G, parameters.N, parameters.H);
        var comb = new Org.BouncyCastle.Math.EC.Multiplier.FixedPointCombMultiplier();
        var random = new SecureRandom();
        Time(steps, "  BouncyCastle SecP256R1 keygen (fixed-point comb) + encode", iterations, () =>
        {
            var d = new Org.BouncyCastle.Math.BigInteger(256, random).Mod(parameters.N);
            comb.Multiply(parameters.G, d).GetEncoded(false);
        });
        var peer = new ECPublicKeyParameters(parameters.Curve.DecodePoint(peerPoint), domain);
        var mine = new ECPrivateKeyParameters(new Org.BouncyCastle.Math.BigInteger(256, random).Mod(parameters.N), domain);
        Time(steps, "  BouncyCastle SecP256R1 peer decode + validate", iterations, () => parameters.Curve.DecodePoint(peerPoint));
        Time(steps, "  BouncyCastle SecP256R1 ECDH agree (w-NAF, not constant time)", iterations, () =>
        {
            var agreement = new ECDHBasicAgreement();
            agreement.Init(mine);
            agreement.CalculateAgreement(peer);
        });
    }

    /// <summary>The floor under our bulk figure: .NET's AEADs alone sealing and opening one 16 KiB record in place.</summary>
    private static void AeadFloor(List<StepTime> steps, int iterations)
    {
        byte[] key = new byte[32], nonce = new byte[12], tag = new byte[16], data = new byte[BulkCase.WriteSize + 1], header = new byte[5];
        using var aes128 = new AesGcm(key.AsSpan(0, 16), 16);
        using var aes256 = new AesGcm(key, 16);
        using var chacha = new ChaCha20Poly1305(key);
        Time(steps, "AesGcm-128 seal+open 16 KiB (.NET, no TLS)", iterations, () => { aes128.Encrypt(nonce, data, data, tag, header); aes128.Decrypt(nonce, data, tag, data, header); });
        Time(steps, "AesGcm-256 seal+open 16 KiB (.NET, no TLS)", iterations, () => { aes256.Encrypt(nonce, data, data, tag, header); aes256.Decrypt(nonce, data, tag, data, header); });
        Time(steps, "ChaCha20Poly1305 seal+open 16 KiB (.NET, no TLS)", iterations, () => { chacha.Encrypt(nonce, data, data, tag, header); chacha.Decrypt(nonce, data, tag, data, header); });
        byte[] copy = new byte[data.Length];
        Time(steps, "memcpy 16 KiB", iterations * 10, () => data.AsSpan().CopyTo(copy));
        var pair = new OursHarness().CreateBulkPair(BulkCase.Aes128);
        Time(steps, "our pair: one 16 KiB record AES-128-GCM (seal, feed, open, read)", iterations, () => pair.Transfer(1));
        pair = new OursHarness().CreateBulkPair(BulkCase.Aes256);
        Time(steps, "our pair: one 16 KiB record AES-256-GCM", iterations, () => pair.Transfer(1));
        pair = new OursHarness().CreateBulkPair(BulkCase.ChaCha);
        Time(steps, "our pair: one 16 KiB record ChaCha20-Poly1305", iterations, () => pair.Transfer(1));
    }

    /// <summary>
    /// Alternatives measured in alternating rounds, the best round of each printed: on a shared, loaded machine
    /// the minimum is the figure least disturbed by other processes, and alternating exposes each to the same load.
    /// </summary>
    private static void Compare(List<StepTime> steps, string title, int iterations, params (string Name, Action Action)[] variants)
    {
        var best = new double[variants.Length];
        Array.Fill(best, double.MaxValue);
        for (int round = 0; round < 15; round++)
        {
            for (int v = 0; v < variants.Length; v++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < iterations; i++)
                    variants[v].Action();
                best[v] = Math.Min(best[v], Stopwatch.GetElapsedTime(start).TotalMicroseconds / iterations);
            }
        }
        for (int v = 0; v < variants.Length; v++)
            steps.Add(new StepTime($"{title}: {variants[v].Name} (best of 15 alternating rounds)", best[v], double.NaN));
    }

    private static void Time(List<StepTime> steps, string what, int iterations, Action action)
    {
        for (int i = 0; i < Math.Max(3, iterations / 10); i++)
            action();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < iterations; i++)
            action();
        double micros = Stopwatch.GetElapsedTime(start).TotalMicroseconds / iterations;
        double bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)iterations;
        steps.Add(new StepTime(what, micros, bytes));
    }
}
