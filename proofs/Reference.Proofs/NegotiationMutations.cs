using Reference.Tls.Negotiation;

namespace Reference.Proofs;

/// <summary>A deliberate bug planted in a copy of the engine's selection rules.</summary>
internal sealed record NegotiationMutation(string Name, string Decision, Func<IReadOnlyList<SelectionRule>, IReadOnlyList<SelectionRule>> Apply);

/// <summary>What the negotiation proofs said about one mutant: caught when a constraint fails with a counterexample input.</summary>
internal sealed record NegotiationMutationResult(NegotiationMutation Mutation, ProofResult? Failure, TimeSpan SolverTime)
{
    public bool Caught => Failure is not null;
}

/// <summary>The negotiation mutation set: each breaks one decision's rules in a way the specification must notice.</summary>
internal static class NegotiationMutations
{
    private const string Suite = "cipher suite";
    private const string Group = "group / HelloRetryRequest";

    public static IReadOnlyList<NegotiationMutation> All { get; } =
    [
        new("suite: ignore the PSK's hash (drop the PSK-hash rule)", Suite, r => r.Skip(1).ToList()),
        new("suite: PSK-hash rule after the plain rule", Suite, r => [r[1], r[0]]),
        new("suite: PSK-hash rule without ClientOffers (a suite the client did not offer)", Suite, r => [r[0] with { Require = Require.PskHash }, r[1]]),
        new("group: drop the ML-KEM key-share rule", Group, r => r.Skip(1).ToList()),
        new("group: drop the ML-KEM HelloRetryRequest rule (downgrade a PQ client)", Group, r => r.Where((_, k) => k != 1).ToList()),
        new("group: key-share rule without ClientShared", Group, r => r.Select(x => x.Outcome == Outcome.KeyShare && !x.Require.HasFlag(Require.Kem) ? x with { Require = x.Require & ~Require.ClientShared } : x).ToList()),
        new("group: strongly preferred rule without NotShared", Group, r => r.Select(x => x.Pool == Pool.StronglyPreferred ? x with { Require = x.Require & ~Require.NotShared } : x).ToList()),
        new("group: last-resort HelloRetryRequest before the plain key-share rule", Group, r => [r[0], r[1], r[2], r[4], r[3]]),
        new("group: last-resort rule without EngineSupports (a group with no key share implementation)", Group, r => r.Select((x, k) => k == r.Count - 1 ? x with { Require = x.Require & ~Require.EngineSupports } : x).ToList()),
        new("ALPN: no requirement (a protocol the client did not offer)", "ALPN", r => r.Select(x => x with { Require = Require.None }).ToList()),
        new("signature scheme: drop KeyCanSign (a scheme the key cannot sign with)", "signature scheme", r => r.Select(x => x with { Require = x.Require & ~Require.KeyCanSign }).ToList()),
    ];

    /// <summary>Proves the mutated decision's constraints, stopping at the first that fails.</summary>
    public static NegotiationMutationResult Run(NegotiationMutation mutation) => Z3Native.Run(() =>
    {
        var decision = NegotiationProofs.Decisions.Single(d => d.Name == mutation.Decision);
        var results = NegotiationProofs.Prove(decision with { Rules = mutation.Apply(decision.Rules) }, stopAtFailure: true);
        return new NegotiationMutationResult(mutation, results.FirstOrDefault(p => !p.Holds), ProofRun.Sum(results));
    });

    public static List<NegotiationMutationResult> RunAll() => All.Select(Run).ToList();
}
