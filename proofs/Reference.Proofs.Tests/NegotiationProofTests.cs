using System.Security.Cryptography;
using Microsoft.Z3;
using Reference.Tls;
using Reference.Tls.Certificates;
using Reference.Tls.Negotiation;

namespace Reference.Proofs.Tests;

/// <summary>Runs the negotiation proofs once and shares the results.</summary>
public sealed class NegotiationProofResults
{
    internal List<ProofResult> Results { get; } = NegotiationProofs.ProveAll();
}

/// <summary>
/// The server's negotiation is proved against its specification, the proofs have teeth (mutated rules are caught
/// with a counterexample input), the symbolic interpreter agrees with the engine's, and the engine really negotiates
/// through <see cref="ServerNegotiation"/>.
/// </summary>
public class NegotiationProofTests(NegotiationProofResults proofs) : IClassFixture<NegotiationProofResults>
{
    private static readonly Lazy<GeneratedPki> Pki = new(() => CertificateGenerator.Generate(KeyKind.EcdsaP256));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
    //= type=test
    //# If the server selects an (EC)DHE group and the client did not offer a
    //# compatible "key_share" extension in the initial ClientHello, the
    //# server MUST respond with a HelloRetryRequest (Section 4.1.4) message.
    [Fact]
    public void Every_constraint_of_every_decision_is_proved_for_every_input_within_the_bounds()
    {
        Assert.Equal(["cipher suite", "group / HelloRetryRequest", "ALPN", "signature scheme"], NegotiationProofs.Decisions.Select(d => d.Name));
        Assert.Equal(NegotiationProofs.Decisions.Sum(d => d.Specification.Count), proofs.Results.Count);
        Assert.All(proofs.Results, p => Assert.True(p.Holds, $"{p.Property}: {p.Counterexample}"));
        Assert.All(proofs.Results, p => Assert.StartsWith("https://", p.Clause));
    }

    [Fact]
    public void The_proofs_read_the_engines_own_rule_lists()
    {
        var decisions = NegotiationProofs.Decisions;
        Assert.Same(ServerNegotiation.CipherSuiteRules, decisions[0].Rules);
        Assert.Same(ServerNegotiation.GroupRules, decisions[1].Rules);
        Assert.Same(ServerNegotiation.ApplicationProtocolRules, decisions[2].Rules);
        Assert.Same(ServerNegotiation.SignatureSchemeRules, decisions[3].Rules);
    }

    public static TheoryData<int> MutationIndexes() => [.. Enumerable.Range(0, NegotiationMutations.All.Count)];

    [Theory]
    [MemberData(nameof(MutationIndexes))]
    public void Mutated_rules_are_caught_with_a_counterexample_input(int index)
    {
        var result = NegotiationMutations.Run(NegotiationMutations.All[index]);
        Assert.True(result.Caught, $"mutation not caught: {result.Mutation.Name}");
        Assert.Matches("^server \\[.*→ chose ", result.Failure!.Counterexample);
    }

    [Fact]
    public void Symbolic_interpretation_agrees_with_the_engine_on_random_inputs()
    {
        var random = new Random(18);
        Z3Native.Run(() =>
        {
            foreach (var decision in NegotiationProofs.Decisions)
            {
                for (int n = 0; n < 40; n++)
                {
                    AssertAgrees(decision, RandomInput(random, decision));
                }
            }

            return 0;
        });
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void The_engine_negotiates_through_ServerNegotiation_and_uses_its_result(bool helloRetry, bool alpn)
    {
        var records = new List<NegotiationRecord>();
        var pki = Pki.Value;
        var client = new TlsConfig
        {
            TrustStore = TrustStore.FromPem(pki.CaPem),
            Groups = [NamedGroup.X25519, NamedGroup.Secp384r1],
            CipherSuites = [CipherSuite.TlsChacha20Poly1305Sha256, CipherSuite.TlsAes256GcmSha384, CipherSuite.TlsAes128GcmSha256],
            ApplicationProtocols = alpn ? ["http/1.1", "h2"] : [],
        };
        var server = new TlsConfig
        {
            Certificate = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem),
            Groups = helloRetry ? [NamedGroup.Secp384r1] : [NamedGroup.Secp256r1, NamedGroup.X25519],
            CipherSuites = [CipherSuite.TlsAes256GcmSha384, CipherSuite.TlsAes128GcmSha256],
            ApplicationProtocols = alpn ? ["h2", "http/1.1"] : [],
            NegotiationObserver = records.Add,
        };
        using var c = TlsConnection.CreateClient(client, "localhost");
        using var s = TlsConnection.CreateServer(server);
        Pump(c, s);
        Assert.True(c.IsHandshakeComplete && s.IsHandshakeComplete);

        Assert.Equal(helloRetry ? 2 : 1, records.Count);
        foreach (var r in records)
        {
            Assert.Equal(r.Suite, ServerNegotiation.ChooseCipherSuite(r.Preferences, r.CipherSuites, r.PskHash));
            Assert.Equal(r.Group, ServerNegotiation.ChooseGroup(r.Preferences, r.Groups, r.KeyShareGroups));
            Assert.Equal(r.ApplicationProtocol, ServerNegotiation.ChooseApplicationProtocol(r.Preferences, r.ApplicationProtocols));
        }

        Assert.Equal(helloRetry ? Outcome.HelloRetry : Outcome.KeyShare, records[0].Group!.Value.Outcome);
        var final = records[^1];
        Assert.Equal(new Selection<NamedGroup>(helloRetry ? NamedGroup.Secp384r1 : NamedGroup.X25519, Outcome.KeyShare), final.Group);
        Assert.Equal(CipherSuite.TlsAes256GcmSha384, final.Suite);
        Assert.Equal(final.Suite, c.Info!.CipherSuite);
        Assert.Equal(final.Group!.Value.Item, c.Info.Group);
        Assert.Equal(alpn ? "h2" : null, final.ApplicationProtocol);
        Assert.Equal(final.ApplicationProtocol, c.Info.ApplicationProtocol);
    }

    /// <summary>A random concrete input for a decision: our list, strongly preferred list, and the client's sets.</summary>
    private static (int[] Ours, int[] Strong, bool[] Offered, bool[] Shared, bool[] CanSign, int PskHash) RandomInput(Random random, Decision decision)
    {
        int u = decision.UniverseNames.Length;
        int[] Shuffled(int max) => Enumerable.Range(0, u).OrderBy(_ => random.Next()).Take(random.Next(0, max + 1)).ToArray();
        bool[] Subset() => Enumerable.Range(0, u).Select(_ => random.Next(2) == 0).ToArray();
        return (Shuffled(decision.OursBound), Shuffled(decision.StrongBound), Subset(), Subset(), Subset(), random.Next(0, NegotiationProofs.Hashes.Length + 1));
    }

    /// <summary>Z3's value of the symbolic interpretation on a concrete input equals the engine's function on it.</summary>
    private static void AssertAgrees(Decision decision, (int[] Ours, int[] Strong, bool[] Offered, bool[] Shared, bool[] CanSign, int PskHash) input)
    {
        using var ctx = new Context();
        var inputs = new NegotiationInputs(ctx, "agree", decision.UniverseNames.Length, decision.OursBound, decision.StrongBound);
        var choice = NegotiationProofs.Interpret(inputs, decision);
        var facts = new List<BoolExpr> { inputs.WellFormed(), choice.Definition, ctx.MkEq(inputs.OursLength, ctx.MkInt(input.Ours.Length)),
            ctx.MkEq(inputs.StrongLength, ctx.MkInt(input.Strong.Length)), ctx.MkEq(inputs.PskHash, ctx.MkInt(input.PskHash)) };
        facts.AddRange(input.Ours.Select((x, i) => ctx.MkEq(inputs.Ours[i], ctx.MkInt(x))));
        facts.AddRange(input.Strong.Select((x, i) => ctx.MkEq(inputs.Strong[i], ctx.MkInt(x))));
        for (int u = 0; u < inputs.Universe; u++)
        {
            facts.Add(ctx.MkEq(inputs.Offered[u], ctx.MkBool(input.Offered[u])));
            facts.Add(ctx.MkEq(inputs.Shared[u], ctx.MkBool(input.Shared[u])));
            facts.Add(ctx.MkEq(inputs.KeyCanSign[u], ctx.MkBool(input.CanSign[u])));
        }

        var solver = ctx.MkSolver();
        solver.Assert([.. facts]);
        Assert.Equal(Status.SATISFIABLE, solver.Check());
        string? symbolic = solver.Model.Eval(choice.Found, true).IsTrue
            ? $"{decision.UniverseNames[((IntNum)solver.Model.Eval(choice.Item, true)).Int]} {(Outcome)((IntNum)solver.Model.Eval(choice.Outcome, true)).Int}"
            : null;
        Assert.Equal(EngineChoice(decision, input), symbolic);
    }

    /// <summary>The engine's own function on the same input, named like the universe.</summary>
    private static string? EngineChoice(Decision decision, (int[] Ours, int[] Strong, bool[] Offered, bool[] Shared, bool[] CanSign, int PskHash) input)
    {
        T[] Values<T>(int[] items) where T : struct, Enum => items.Select(i => Enum.Parse<T>(decision.UniverseNames[i])).ToArray();
        ushort[] Codes<T>(bool[] set) where T : struct, Enum =>
            Enumerable.Range(0, set.Length).Where(u => set[u]).Select(u => Convert.ToUInt16(Enum.Parse<T>(decision.UniverseNames[u]), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        HashAlgorithmName? hash = input.PskHash == 0 ? null : new HashAlgorithmName(NegotiationProofs.Hashes[input.PskHash - 1]);
        switch (decision.Name)
        {
            case "cipher suite":
                var prefs = new ServerPreferences(Values<CipherSuite>(input.Ours), [], [], []);
                return ServerNegotiation.ChooseCipherSuite(prefs, Codes<CipherSuite>(input.Offered), hash) is { } suite ? $"{suite} {Outcome.Selected}" : null;
            case "group / HelloRetryRequest":
                var groups = new ServerPreferences([], Values<NamedGroup>(input.Ours), Values<NamedGroup>(input.Strong), []);
                return ServerNegotiation.ChooseGroup(groups, Codes<NamedGroup>(input.Offered), Codes<NamedGroup>(input.Shared)) is { } g ? $"{g.Item} {g.Outcome}" : null;
            case "ALPN":
                var protocols = new ServerPreferences([], [], [], input.Ours.Select(i => decision.UniverseNames[i]).ToArray());
                var offered = Enumerable.Range(0, input.Offered.Length).Where(u => input.Offered[u]).Select(u => decision.UniverseNames[u]).ToArray();
                return ServerNegotiation.ChooseApplicationProtocol(protocols, offered) is { } p ? $"{p} {Outcome.Selected}" : null;
            default:
                var canSign = Values<SignatureScheme>(Enumerable.Range(0, input.CanSign.Length).Where(u => input.CanSign[u]).ToArray());
                return ServerNegotiation.ChooseSignatureScheme(Values<SignatureScheme>(input.Ours), Codes<SignatureScheme>(input.Offered), canSign) is { } sc ? $"{sc} {Outcome.Selected}" : null;
        }
    }

    private static void Pump(TlsConnection client, TlsConnection server)
    {
        for (int round = 0; round < 100; round++)
        {
            bool moved = false;
            foreach (var (from, to) in new[] { (client, server), (server, client) })
            {
                if (from.HasPendingOutput)
                {
                    var bytes = from.PendingOutput.ToArray();
                    from.ConsumeOutput(bytes.Length);
                    to.Feed(bytes);
                    moved = true;
                }
            }

            if (!moved)
            {
                return;
            }
        }

        throw new InvalidOperationException("pump did not settle");
    }
}
