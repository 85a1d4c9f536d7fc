using global::Reference.Bench;

namespace Reference.Tls.Tests.Bench;

/// <summary>
/// Runs the benchmark's core measurement functions (what `--quick` runs) for one scenario with tiny
/// counts, so CI notices when the harness breaks. Only positivity is asserted, never a timing.
/// </summary>
public class BenchSmokeTests
{
    [Theory]
    [InlineData(Engine.Ours)]
    [InlineData(Engine.S2n)]
    [InlineData(Engine.SslStream)]
    internal void HandshakeAndBulkMeasurementsArePositive(Engine engine)
    {
        var harness = Harnesses.For(engine);
        double handshakes = Measurements.HandshakesPerSecond(harness, HandshakeCase.EcdsaX25519, pairs: 1,
            TimeSpan.FromMilliseconds(20), TimeSpan.Zero, out string negotiated);
        double gigabytes = Measurements.BulkGigabytesPerSecond(harness, BulkCase.Aes128, TimeSpan.FromMilliseconds(20),
            TimeSpan.Zero, out string suite);

        Assert.True(handshakes > 0, $"{engine}: {handshakes} handshakes/s");
        Assert.Contains("AES_256_GCM", negotiated.Replace("Aes256Gcm", "AES_256_GCM", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(gigabytes > 0, $"{engine}: {gigabytes} GB/s");
        Assert.Contains("128", suite, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Engine.Ours, SocketBulk.Mode.Sync)]
    [InlineData(Engine.Ours, SocketBulk.Mode.Async)]
    [InlineData(Engine.Ours, SocketBulk.Mode.BlockedAsync)]
    [InlineData(Engine.SslStream, SocketBulk.Mode.Sync)]
    [InlineData(Engine.SslStream, SocketBulk.Mode.Async)]
    internal void SocketBulkMovesEveryByteOverLoopback(Engine engine, SocketBulk.Mode mode)
    {
        var result = SocketBulk.Measure(engine, mode, bytes: 1 << 20, writeSize: 16 * 1024);

        Assert.True(result.MegabytesPerSecond > 0, $"{engine} {mode}: {result.MegabytesPerSecond} MB/s");
        Assert.True(result.CpuMicrosecondsPerMegabyte > 0, $"{engine} {mode}: {result.CpuMicrosecondsPerMegabyte} CPU µs per MB");
    }

    [Fact]
    public void TheBreakdownPrintedBesideTheTableTimesOurHandshakeSteps()
    {
        var steps = Profiling.Steps(iterations: 2);
        string table = Profiling.Table(steps);

        var handshake = Assert.Single(steps, s => s.What == "our full handshake pair (ECDSA P-256 + X25519)");
        Assert.Contains(steps, s => s.What.StartsWith("our full handshake pair, ECDSA P-256 + secp256r1", StringComparison.Ordinal));
        Assert.True(handshake.Microseconds > 0 && handshake.AllocatedBytes > 0, $"{handshake}");
        Assert.Contains(steps, s => s.What.StartsWith("TrustStore.ValidateChain", StringComparison.Ordinal));
        Assert.Equal(steps.Count + 2, table.TrimEnd().Split('\n').Length);
    }

    [Fact]
    public void OurAllocationAndIdleMemoryFiguresAreMeasured()
    {
        var harness = Harnesses.For(Engine.Ours);

        double perHandshake = Measurements.AllocatedPerHandshake(harness, HandshakeCase.EcdsaX25519, count: 3);
        double perRecord = Measurements.AllocatedPerRecord(harness, BulkCase.ChaCha, count: 16);
        var idle = Measurements.IdleMemoryPerConnection(harness, HandshakeCase.EcdsaX25519, pairs: 16);

        Assert.True(perHandshake > 0, $"{perHandshake} B per handshake");
        Assert.InRange(perRecord, 0, 1024); // the target is 0; a per-record buffer would show as >= 16 KiB
        Assert.True(idle.ManagedHeapBytes > 0, $"{idle.ManagedHeapBytes} B managed heap per idle connection");
    }
}
