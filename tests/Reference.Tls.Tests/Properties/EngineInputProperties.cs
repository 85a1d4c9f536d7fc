using FsCheck;
using FsCheck.Fluent;
using Reference.Fuzz;
using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.Properties;

/// <summary>
/// Whole engines: a real handshake gives the same result however its bytes are chunked, and any byte
/// string fed to a fresh client or server ends in "needs more data" or a TlsException with an alert.
/// </summary>
public class EngineInputProperties
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(10);

    /// <summary>Runs a handshake moving each flight in the given chunk sizes, then one application record each way.</summary>
    private static string HandshakeResult(int[] chunks)
    {
        var (clientConfig, serverConfig) = InMemoryPair.Configs();
        using var pair = new InMemoryPair(clientConfig, serverConfig);
        int next = 0;
        for (int round = 0; round < 20; round++)
        {
            bool moved = MoveChunked(pair.Client, pair.Server, chunks, ref next) | MoveChunked(pair.Server, pair.Client, chunks, ref next);
            if (!moved)
            {
                break;
            }
        }

        pair.Client.WriteApplicationData("ping"u8);
        MoveChunked(pair.Client, pair.Server, chunks, ref next);
        var buffer = new byte[16];
        int read = pair.Server.ReadApplicationData(buffer);
        var info = pair.Client.Info!;
        return $"{pair.Client.IsHandshakeComplete}/{pair.Server.IsHandshakeComplete} {info.CipherSuite} {info.Group} " +
               $"{info.ServerSignatureScheme} hrr={info.HelloRetryRequest} data={System.Text.Encoding.ASCII.GetString(buffer, 0, read)}";
    }

    private static bool MoveChunked(TlsConnection from, TlsConnection to, int[] chunks, ref int next)
    {
        if (!from.HasPendingOutput)
        {
            return false;
        }

        var bytes = from.PendingOutput.ToArray();
        from.ConsumeOutput(bytes.Length);
        for (int at = 0; at < bytes.Length;)
        {
            int size = Math.Min(bytes.Length - at, chunks.Length == 0 ? bytes.Length : chunks[next++ % chunks.Length]);
            to.Feed(bytes.AsSpan(at, size));
            at += size;
        }

        return true;
    }

    [Fact]
    public void AHandshakeEndsTheSameHoweverItsBytesAreSplit()
    {
        string whole = HandshakeResult([]);
        Assert.Equal("True/True TlsAes128GcmSha256 X25519 EcdsaSecp256r1Sha256 hrr=False data=ping", whole);
        Assert.Equal(whole, HandshakeResult([1]));
        Check.One(PropertyHelpers.Quick(25), Prop.ForAll(
            Gen.Choose(1, 40).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 600), n)).ToArbitrary(),
            chunks => Assert.Equal(whole, HandshakeResult(chunks))));
    }

    private static void AssertNeedsMoreOrAlerts(Action feed)
    {
        var run = Task.Run(() =>
        {
            try
            {
                feed();
                return null;
            }
            catch (TlsException e)
            {
                return e;
            }
        });
        Assert.True(run.Wait(NoHang), "the engine did not return");
        if (run.Result is { } e)
        {
            Assert.True(FuzzTarget.IsAllowedRejection(e), $"not a clean rejection: {e}");
        }
    }

    [Fact]
    public void RandomBytesToAFreshServerNeedMoreDataOrAlert()
    {
        var (_, server) = StatefulTargets.EngineConfigs;
        var arb = Gen.OneOf(PropertyHelpers.Bytes().Generator, PropertyHelpers.Mutated(ServerInputs).Generator).ToArbitrary();
        Check.One(PropertyHelpers.Quick(300), Prop.ForAll(arb, h => AssertNeedsMoreOrAlerts(() =>
        {
            using var s = TlsConnection.CreateServer(server);
            s.Feed(h.Value);
        })));
    }

    [Fact]
    public void RandomBytesToAFreshClientNeedMoreDataOrAlert()
    {
        var (client, _) = StatefulTargets.EngineConfigs;
        var arb = Gen.OneOf(PropertyHelpers.Bytes().Generator, PropertyHelpers.Mutated(ClientInputs).Generator).ToArbitrary();
        Check.One(PropertyHelpers.Quick(300), Prop.ForAll(arb, h => AssertNeedsMoreOrAlerts(() =>
        {
            using var c = TlsConnection.CreateClient(client, "localhost");
            c.ConsumeOutput(c.PendingOutput.Length);
            c.Feed(h.Value);
        })));
    }

    /// <summary>Real first flights (from the committed s2n corpora) as mutation bases, so inputs get past the first checks.</summary>
    private static Gen<byte[]> ServerInputs => Corpus("ServerEngine", "ClientHello", 22);

    private static Gen<byte[]> ClientInputs => Corpus("ClientEngine", "ServerHello", 22);

    private static Gen<byte[]> Corpus(string stream, string message, byte recordType)
    {
        var seeds = Targets.CorpusFiles(stream).Select(File.ReadAllBytes).ToList();
        foreach (var body in Targets.CorpusFiles(message).Select(File.ReadAllBytes))
        {
            byte type = message == "ClientHello" ? (byte)1 : (byte)2;
            byte[] msg = [type, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];
            seeds.Add([recordType, 3, 3, (byte)(msg.Length >> 8), (byte)msg.Length, .. msg]);
        }

        Assert.NotEmpty(seeds);
        return Gen.Elements<byte[]>((IEnumerable<byte[]>)seeds);
    }
}
