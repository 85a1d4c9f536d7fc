using BenchmarkDotNet.Attributes;

namespace Reference.Bench;

/// <summary>
/// BenchmarkDotNet micro benchmarks of our engine with the MemoryDiagnoser (allocated bytes per
/// operation): from the repository root,
/// <c>dotnet run -c Release --project bench/Reference.Bench -- --bdn --filter '*' --artifacts /tmp/bdn</c>.
/// </summary>
[MemoryDiagnoser]
public class OurEngineBenchmarks
{
    private IHandshaker? _handshaker;
    private IBulkPair? _aes128;
    private IBulkPair? _chaCha;

    [GlobalSetup]
    public void Setup()
    {
        var harness = new OursHarness();
        _handshaker = harness.CreateHandshaker(HandshakeCase.EcdsaX25519);
        _aes128 = harness.CreateBulkPair(BulkCase.Aes128);
        _chaCha = harness.CreateBulkPair(BulkCase.ChaCha);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aes128?.Dispose();
        _chaCha?.Dispose();
    }

    /// <summary>One full ECDSA P-256 + X25519 handshake, client and server.</summary>
    [Benchmark]
    public void HandshakePair() => _handshaker!.HandshakeOnce();

    /// <summary>One 16 KiB record sealed by the client and opened by the server, AES-128-GCM.</summary>
    [Benchmark]
    public TimeSpan RecordAes128Gcm() => _aes128!.Transfer(1);

    /// <summary>One 16 KiB record sealed by the client and opened by the server, ChaCha20-Poly1305.</summary>
    [Benchmark]
    public TimeSpan RecordChaCha20Poly1305() => _chaCha!.Transfer(1);
}
