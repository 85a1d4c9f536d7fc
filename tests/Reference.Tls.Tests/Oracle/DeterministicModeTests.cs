using System.Security.Cryptography;
using System.Text;
using Reference.Oracle;

namespace Reference.Tls.Tests.Oracle;

/// <summary>
/// Deterministic mode: with the same seeds, configuration and peer bytes, a handshake's output is the
/// same bytes (keys included) in this process, in other processes, and so on any machine.
/// </summary>
public sealed class DeterministicModeTests
{
    [Theory]
    [InlineData("ecdsa", false, false)]
    [InlineData("rsa", true, true)]
    public void Same_seed_gives_identical_bytes_and_keys(string certificate, bool helloRetry, bool mutual)
    {
        var scenario = new HandshakeScenario { Seed = 42, Certificate = certificate, HelloRetry = helloRetry, MutualAuthentication = mutual };
        var first = HexTranscript.Format(DeterministicHandshake.Run(scenario));
        var second = HexTranscript.Format(DeterministicHandshake.Run(scenario));
        Assert.Equal(first, second);
        Assert.Contains("CLIENT_TRAFFIC_SECRET_0", first, StringComparison.Ordinal);
        Assert.True(TranscriptChecker.Check(HexTranscript.Parse(first)).Conforming);
    }

    [Fact]
    public void Different_seeds_and_default_mode_differ()
    {
        var a = HexTranscript.Format(DeterministicHandshake.Run(new HandshakeScenario { Seed = 1 }));
        var b = HexTranscript.Format(DeterministicHandshake.Run(new HandshakeScenario { Seed = 2 }));
        var os1 = HexTranscript.Format(DeterministicHandshake.Run(new HandshakeScenario { Seed = null }));
        var os2 = HexTranscript.Format(DeterministicHandshake.Run(new HandshakeScenario { Seed = null }));
        Assert.NotEqual(a, b);
        Assert.NotEqual(os1, os2);
    }

    [Theory]
    [InlineData(NamedGroup.Secp256r1)]
    [InlineData(NamedGroup.Secp384r1)]
    [InlineData(NamedGroup.Secp521r1)]
    [InlineData(NamedGroup.X25519MlKem768)]
    [InlineData(NamedGroup.SecP256r1MlKem768)]
    public void Every_key_exchange_group_is_deterministic(NamedGroup group)
    {
        var scenario = new HandshakeScenario { Seed = 9, KeyUpdate = false, ClientGroups = [group] };
        var (clientConfig, _) = DeterministicHandshake.Configs(scenario, null);
        var first = HexTranscript.Format(DeterministicHandshake.Run(scenario));
        Assert.Equal(first, HexTranscript.Format(DeterministicHandshake.Run(scenario)));
        Assert.Contains(group, clientConfig.Groups);
    }

    [Fact]
    public void Deterministic_random_stream_is_fixed_by_its_seed()
    {
        var bytes = new byte[40];
        new DeterministicRandom(7).Fill(bytes);
        var expected = SHA256.HashData([0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0]);
        Assert.Equal(expected, bytes[..32]);
    }

    /// <summary>Two child processes running the CLI produce the same transcript as this process.</summary>
    [Fact]
    public void Replay_is_identical_across_processes()
    {
        var dir = Directory.CreateTempSubdirectory("oracle-replay-");
        try
        {
            var files = new[] { "one.txt", "two.txt" }.Select(f => Path.Combine(dir.FullName, f)).ToArray();
            foreach (var file in files)
            {
                var (code, _, error) = OracleFiles.Run("dotnet", OracleFiles.CliDll, "trace", "--seed", "5", "--hrr", "--save", file);
                Assert.True(code == 0, error);
            }

            var inProcess = HexTranscript.Format(DeterministicHandshake.Run(new HandshakeScenario { Seed = 5, HelloRetry = true }));
            Assert.Equal(File.ReadAllText(files[0]), File.ReadAllText(files[1]));
            Assert.Equal(inProcess, File.ReadAllText(files[0]));
            Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(inProcess)), SHA256.HashData(File.ReadAllBytes(files[1])));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
