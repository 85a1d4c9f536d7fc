using System.Diagnostics;
using Reference.Tls.Certificates;
using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.Malformed;

/// <summary>
/// Robustness: random and mutated input (fixed seeds, so any failure replays) must leave a connection
/// either waiting for more data or failed with a <see cref="TlsException"/> carrying an alert; no other
/// exception type, no internal error, and no case may take long.
/// </summary>
public class FuzzTests
{
    private const int Cases = 2000;
    private static readonly TimeSpan PerCaseLimit = TimeSpan.FromSeconds(2);

    private static readonly Lazy<(TlsConfig Client, TlsConfig Server)> Configs = new(() => InMemoryPair.Configs());

    private enum Outcome
    {
        NoError,
        Alert,
    }

    /// <summary>Feeds one input; returns null if the outcome is acceptable, else a description for the report.</summary>
    private static string? Check(TlsConnection connection, byte[] input, out Outcome outcome)
    {
        outcome = Outcome.NoError;
        var clock = Stopwatch.StartNew();
        Exception? caught = null;
        try
        {
            connection.Feed(input);
        }
        catch (Exception e)
        {
            caught = e;
        }

        clock.Stop();
        if (clock.Elapsed > PerCaseLimit)
        {
            return $"took {clock.Elapsed}";
        }

        if (caught is null)
        {
            return null;
        }

        outcome = Outcome.Alert;
        if (caught is not TlsException tls)
        {
            return $"escaped {caught.GetType().Name}: {caught.Message}";
        }

        var expectedType = tls.AlertFromPeer ? TlsErrorType.Alert : TlsErrorType.Protocol;
        if (tls.Alert is null || tls.ErrorType != expectedType)
        {
            return $"TlsException without a protocol alert: {tls} INNER {tls.InnerException?.StackTrace}";
        }

        return null;
    }

    private static void AssertNoFailures(List<string> failures) =>
        Assert.True(failures.Count == 0, $"{failures.Count} bad case(s):\n" + string.Join("\n", failures.Take(10)));

    /// <summary>Random bytes; half of them start with a plausible record header so they reach the parsers.</summary>
    private static byte[] RandomInput(Random random)
    {
        var input = new byte[random.Next(0, 700)];
        random.NextBytes(input);
        if (input.Length >= 5 && random.Next(2) == 0)
        {
            input[0] = (byte)random.Next(20, 24);
            input[1] = 3;
            input[2] = 3;
            int length = Math.Min(input.Length - 5, random.Next(0, 700));
            input[3] = (byte)(length >> 8);
            input[4] = (byte)length;
            if (input[0] == 22 && input.Length > 9)
            {
                input[5] = (byte)random.Next(1, 25); // a real handshake type now and then
                input[6] = 0;
            }
        }

        return input;
    }

    /// <summary>One to four structural mutations: bit flips, boundary bytes, truncation, insertion, deletion, duplication.</summary>
    internal static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        int rounds = random.Next(1, 5);
        for (int i = 0; i < rounds && bytes.Count > 0; i++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = new byte[] { 0, 1, 0x7F, 0x80, 0xFE, 0xFF }[random.Next(6)]; break;
                case 2: bytes.RemoveRange(at, bytes.Count - at); break;
                case 3: bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256))); break;
                case 4: bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 9))); break;
                default:
                    int length = Math.Min(bytes.Count - at, random.Next(1, 17));
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
            }
        }

        return bytes.ToArray();
    }

    /// <summary>A protected handshake record may not be empty, so an emptied mutation keeps one byte.</summary>
    private static byte[] NonEmpty(byte[] bytes) => bytes.Length > 0 ? bytes : [0];

    [Fact]
    public void Random_bytes_to_a_fresh_server_wait_or_fail_with_an_alert()
    {
        var random = new Random(8446);
        var failures = new List<string>();
        for (int i = 0; i < Cases; i++)
        {
            var input = RandomInput(random);
            using var server = TlsConnection.CreateServer(Configs.Value.Server);
            if (Check(server, input, out var outcome) is { } failure)
            {
                failures.Add($"case {i}: {failure}: {Convert.ToHexString(input)}");
            }
            else if (outcome == Outcome.NoError && (server.HasPendingOutput || server.IsHandshakeComplete))
            {
                failures.Add($"case {i}: random bytes made progress: {Convert.ToHexString(input)}");
            }
        }

        AssertNoFailures(failures);
    }

    [Fact]
    public void Random_bytes_to_a_fresh_client_wait_or_fail_with_an_alert()
    {
        var random = new Random(5246);
        var failures = new List<string>();
        for (int i = 0; i < Cases; i++)
        {
            var input = RandomInput(random);
            using var client = TlsConnection.CreateClient(Configs.Value.Client, "localhost");
            client.ConsumeOutput(client.PendingOutput.Length);
            if (Check(client, input, out var outcome) is { } failure)
            {
                failures.Add($"case {i}: {failure}: {Convert.ToHexString(input)}");
            }
            else if (outcome == Outcome.NoError && (client.HasPendingOutput || client.IsHandshakeComplete))
            {
                failures.Add($"case {i}: random bytes made progress: {Convert.ToHexString(input)}");
            }
        }

        AssertNoFailures(failures);
    }

    [Fact]
    public void Mutated_ClientHello_records_to_a_fresh_server_wait_proceed_or_fail_with_an_alert()
    {
        using var source = TlsConnection.CreateClient(Configs.Value.Client, "localhost");
        var hello = source.PendingOutput.ToArray();
        var random = new Random(1301);
        var failures = new List<string>();
        int alerts = 0;
        for (int i = 0; i < Cases; i++)
        {
            var input = Mutate(hello, random);
            using var server = TlsConnection.CreateServer(Configs.Value.Server);
            if (Check(server, input, out var outcome) is { } failure)
            {
                failures.Add($"case {i}: {failure}: {Convert.ToHexString(input)}");
            }

            alerts += outcome == Outcome.Alert ? 1 : 0;
        }

        AssertNoFailures(failures);
        Assert.InRange(alerts, Cases / 10, Cases); // the mutations do reach the checks
    }

    [Fact]
    public void Mutated_server_flights_to_a_fresh_client_wait_proceed_or_fail_with_an_alert()
    {
        var random = new Random(1302);
        var failures = new List<string>();
        int alerts = 0;
        for (int i = 0; i < Cases; i++)
        {
            using var s = new Scenario();
            var flight = s.ServerFlight();
            // Half on the wire (mostly caught by the record layer), half inside the protected messages,
            // re-sealed so that the handshake parsers see them.
            var input = i % 2 == 0
                ? Mutate(flight, random)
                : Bytes.RewriteProtectedHandshake(flight, Scenario.Suite, s.ServerKeys["SERVER_HANDSHAKE_TRAFFIC_SECRET"],
                    messages => [NonEmpty(Mutate(messages.SelectMany(m => m).ToArray(), random))]);
            if (Check(s.Client, input, out var outcome) is { } failure)
            {
                failures.Add($"case {i}: {failure}: {Convert.ToHexString(input)}");
            }

            alerts += outcome == Outcome.Alert ? 1 : 0;
        }

        AssertNoFailures(failures);
        Assert.InRange(alerts, Cases / 2, Cases);
    }

    [Fact]
    public void Mutated_client_authentication_flights_to_the_server_wait_proceed_or_fail_with_an_alert()
    {
        var pki = InMemoryPair.Pki(KeyKind.EcdsaP256);
        var clientCertificate = CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem);
        var random = new Random(4433);
        var failures = new List<string>();
        int alerts = 0;
        for (int i = 0; i < Cases / 2; i++)
        {
            using var s = new Scenario(ClientAuthMode.Required, client: c => new TlsConfig
            {
                TrustStore = c.TrustStore, CipherSuites = c.CipherSuites, KeyLogCallback = c.KeyLogCallback, Certificate = clientCertificate,
            });
            var flight = s.ClientFinalFlight();
            var input = i % 2 == 0
                ? Mutate(flight, random)
                : Bytes.RewriteProtectedHandshake(flight, Scenario.Suite, s.ClientKeys["CLIENT_HANDSHAKE_TRAFFIC_SECRET"],
                    messages => [NonEmpty(Mutate(messages.SelectMany(m => m).ToArray(), random))]);
            if (Check(s.Server, input, out var outcome) is { } failure)
            {
                failures.Add($"case {i}: {failure}: {Convert.ToHexString(input)}");
            }

            alerts += outcome == Outcome.Alert ? 1 : 0;
        }

        AssertNoFailures(failures);
        Assert.InRange(alerts, Cases / 4, Cases / 2);
    }
}
