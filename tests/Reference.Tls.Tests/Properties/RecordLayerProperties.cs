using FsCheck;
using FsCheck.Fluent;
using Reference.Tls.Crypto;
using Reference.Tls.Record;
using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.Properties;

/// <summary>
/// The record layer's result does not depend on how the byte stream is split; any single flipped bit in a
/// protected record (header AAD or payload) is bad_record_mac.
/// </summary>
public class RecordLayerProperties
{
    private static readonly byte[] Secret = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();

    private static readonly Gen<byte[][]> Contents =
        Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(MessageGenerators.Bytes(1, 2000), n));

    /// <summary>Seals each content as one application_data record with the fixed test key.</summary>
    private static byte[] Seal(byte[][] contents)
    {
        using var writer = new RecordLayer();
        writer.SetWriteProtector(RecordProtector.Create(CipherSuiteSpec.Aes128GcmSha256, Secret));
        foreach (var c in contents)
        {
            writer.WriteRecords(ContentType.ApplicationData, c);
        }

        return writer.PendingOutput.ToArray();
    }

    /// <summary>Feeds <paramref name="stream"/> in the given chunk sizes and returns every record's content, in order.</summary>
    private static List<string> Open(byte[] stream, IEnumerable<int> chunkSizes)
    {
        using var reader = new RecordLayer();
        reader.SetReadProtector(RecordProtector.Create(CipherSuiteSpec.Aes128GcmSha256, Secret));
        var records = new List<string>();
        int at = 0;
        using var sizes = chunkSizes.GetEnumerator();
        while (at < stream.Length)
        {
            int size = sizes.MoveNext() ? Math.Max(1, sizes.Current) : stream.Length - at;
            size = Math.Min(size, stream.Length - at);
            reader.AppendInput(stream.AsSpan(at, size));
            at += size;
            while (reader.TryReadRecord(out var record))
            {
                records.Add($"{record.Type}:{Convert.ToHexString(record.Content)}");
            }
        }

        return records;
    }

    [Fact]
    public void RecordsAreTheSameHoweverTheStreamIsSplit() =>
        Check.One(PropertyHelpers.Quick(100), Prop.ForAll(
            Gen.Zip(Contents, Gen.ArrayOf(Gen.Choose(1, 700), 200)).ToArbitrary(), t =>
            {
                var (contents, chunks) = t;
                var stream = Seal(contents);
                var whole = Open(stream, []);
                Assert.Equal(contents.Select(c => $"ApplicationData:{Convert.ToHexString(c)}"), whole);
                Assert.Equal(whole, Open(stream, chunks));
                Assert.Equal(whole, Open(stream, Enumerable.Repeat(1, stream.Length)));
            }));

    /// <summary>A payload, where to flip (reduced modulo the covered length) and which bit.</summary>
    private static Gen<(byte[] Payload, int Where, int Bit)> FlipGen(Gen<byte[]> payload) =>
        Gen.Zip(payload, Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(0, 7)), (p, wb) => (p, wb.Item1, wb.Item2));

    [Fact]
    public void AnyFlippedBitInAProtectedRecordIsBadRecordMac() =>
        Check.One(PropertyHelpers.Quick(300), Prop.ForAll(
            FlipGen(MessageGenerators.Bytes(0, 300)).ToArbitrary(), t =>
            {
                var (content, where, bit) = t;
                var record = Seal([content]);
                // Bytes 0 and 3-4 are type and length: they frame the record and fail differently (below).
                int[] covered = [1, 2, .. Enumerable.Range(5, record.Length - 5)];
                record[covered[where % covered.Length]] ^= (byte)(1 << bit);
                var e = Assert.Throws<TlsException>(() => Open(record, []));
                Assert.Equal(AlertDescription.BadRecordMac, e.Alert);
            }));

    /// <summary>The same property through whole engines: a bit flipped in a record between two connected peers.</summary>
    [Fact]
    public void AFlippedBitBetweenConnectedPeersIsBadRecordMac()
    {
        var (clientConfig, serverConfig) = InMemoryPair.Configs();
        Check.One(PropertyHelpers.Quick(30), Prop.ForAll(
            FlipGen(MessageGenerators.Bytes(1, 500)).ToArbitrary(), t =>
            {
                var (payload, where, bit) = t;
                using var pair = new InMemoryPair(clientConfig, serverConfig);
                pair.Pump();
                pair.Client.WriteApplicationData(payload);
                var bytes = pair.Client.PendingOutput.ToArray();
                int at = 5 + (where % (bytes.Length - 5));
                bytes[at] ^= (byte)(1 << bit);
                var e = Assert.Throws<TlsException>(() => pair.Server.Feed(bytes));
                Assert.Equal(AlertDescription.BadRecordMac, e.Alert);
            }));
    }
}
