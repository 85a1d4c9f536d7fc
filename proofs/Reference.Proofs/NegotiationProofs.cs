using System.Diagnostics;
using Microsoft.Z3;
using Reference.Tls;
using Reference.Tls.Crypto;
using Reference.Tls.Negotiation;

namespace Reference.Proofs;

/// <summary>
/// One decision's inputs as Z3 terms. Items are indexes into a finite universe (every cipher suite, group or
/// scheme the engine names; abstract ALPN protocols). The server's list is an ordered sequence of distinct items
/// of any length up to the universe size; the client's offer is any subset of the universe (the rules only ever ask
/// whether the client offers one of our items, so code points outside the universe cannot change a choice).
/// </summary>
internal sealed class NegotiationInputs
{
    public NegotiationInputs(Context ctx, string name, int universe, int oursBound, int strongBound)
    {
        Ctx = ctx;
        Universe = universe;
        Ours = Sequence(ctx, name + "_ours", oursBound, out var length);
        OursLength = length;
        Strong = Sequence(ctx, name + "_strong", strongBound, out length);
        StrongLength = length;
        Offered = Flags(ctx, name + "_offered", universe);
        Shared = Flags(ctx, name + "_shared", universe);
        KeyCanSign = Flags(ctx, name + "_cansign", universe);
        PskHash = ctx.MkIntConst(name + "_pskhash");
    }

    public Context Ctx { get; }

    public int Universe { get; }

    public IntExpr[] Ours { get; }

    public IntExpr OursLength { get; }

    public IntExpr[] Strong { get; }

    public IntExpr StrongLength { get; }

    public BoolExpr[] Offered { get; }

    public BoolExpr[] Shared { get; }

    public BoolExpr[] KeyCanSign { get; }

    /// <summary>0: no known PSK; k: the PSK's hash is hash number k (see <see cref="NegotiationProofs.Hashes"/>).</summary>
    public IntExpr PskHash { get; }

    /// <summary>Lists of distinct universe items, lengths within their bounds.</summary>
    public BoolExpr WellFormed() => Ctx.MkAnd(
        ListWellFormed(Ours, OursLength), ListWellFormed(Strong, StrongLength),
        Ctx.MkLe(Ctx.MkInt(0), PskHash), Ctx.MkLe(PskHash, Ctx.MkInt(NegotiationProofs.Hashes.Length)));

    public BoolExpr Active(IntExpr length, int i) => Ctx.MkLt(Ctx.MkInt(i), length);

    /// <summary>The item's entry in a per-universe flag vector.</summary>
    public BoolExpr Lookup(BoolExpr[] flags, Expr item) =>
        Ctx.MkOr(Enumerable.Range(0, Universe).Select(u => Ctx.MkAnd(Ctx.MkEq(item, Ctx.MkInt(u)), flags[u])).ToArray());

    /// <summary>The item has a concrete attribute (true for the universe members in <paramref name="members"/>).</summary>
    public BoolExpr Among(Expr item, IEnumerable<int> members) =>
        Ctx.MkOr(members.Select(u => Ctx.MkEq(item, Ctx.MkInt(u))).Append(Ctx.MkFalse()).ToArray());

    public BoolExpr InList(IntExpr[] list, IntExpr length, Expr item) =>
        Ctx.MkOr(list.Select((x, i) => Ctx.MkAnd(Active(length, i), Ctx.MkEq(x, item))).ToArray());

    private BoolExpr ListWellFormed(IntExpr[] list, IntExpr length)
    {
        var facts = new List<BoolExpr> { Ctx.MkLe(Ctx.MkInt(0), length), Ctx.MkLe(length, Ctx.MkInt(list.Length)) };
        for (int i = 0; i < list.Length; i++)
        {
            facts.Add(Ctx.MkLe(Ctx.MkInt(0), list[i]));
            facts.Add(Ctx.MkLt(list[i], Ctx.MkInt(Universe)));
            for (int j = 0; j < i; j++)
            {
                facts.Add(Ctx.MkImplies(Active(length, i), Ctx.MkNot(Ctx.MkEq(list[i], list[j]))));
            }
        }

        return Ctx.MkAnd(facts);
    }

    private static IntExpr[] Sequence(Context ctx, string name, int bound, out IntExpr length)
    {
        length = ctx.MkIntConst(name + "_len");
        return Enumerable.Range(0, bound).Select(i => ctx.MkIntConst($"{name}{i}")).ToArray();
    }

    private static BoolExpr[] Flags(Context ctx, string name, int universe) =>
        Enumerable.Range(0, universe).Select(u => ctx.MkBoolConst($"{name}{u}")).ToArray();
}

/// <summary>
/// A choice as Z3 constants: whether one was made, the item, and its <see cref="Outcome"/>; <paramref name="Definition"/>
/// ties them to the interpreted rules (kept apart so constraints mention three constants, not the whole rule chain).
/// </summary>
internal sealed record SymbolicChoice(BoolExpr Found, IntExpr Item, IntExpr Outcome, BoolExpr Definition);

/// <summary>One specification constraint: its name, the RFC clause (or s2n rule) it encodes, and the formula.</summary>
internal sealed record SpecConstraint(string Name, string Clause, Func<NegotiationInputs, SymbolicChoice, BoolExpr> Holds);

/// <summary>A decision: the engine's rules, its universe, bounds, attributes, and its specification.</summary>
internal sealed record Decision(
    string Name,
    IReadOnlyList<SelectionRule> Rules,
    string[] UniverseNames,
    int OursBound,
    int StrongBound,
    Func<NegotiationInputs, Expr, Require, BoolExpr> Holds,
    IReadOnlyList<SpecConstraint> Specification,
    string Bounds);

/// <summary>
/// The server's negotiation proved against its specification: the engine's <see cref="SelectionRule"/> lists
/// (<see cref="ServerNegotiation"/>), interpreted symbolically exactly as <see cref="ServerNegotiation.Select{T}"/>
/// interprets them, must satisfy every constraint for every input within the bounds; each query asks Z3 for an
/// input that breaks one constraint (UNSAT = proved; SAT = a counterexample input).
/// </summary>
internal static class NegotiationProofs
{
    /// <summary>The hashes of the TLS 1.3 cipher suites, numbered from 1 (0 = no PSK).</summary>
    public static readonly string[] Hashes = Enum.GetValues<CipherSuite>().Select(s => CipherSuiteSpec.Get(s).Hash.Name!).Distinct().ToArray();

    /// <summary>Every decision with its engine rules.</summary>
    public static IReadOnlyList<Decision> Decisions => NegotiationSpec.Decisions(ServerNegotiation.CipherSuiteRules, ServerNegotiation.GroupRules,
        ServerNegotiation.ApplicationProtocolRules, ServerNegotiation.SignatureSchemeRules);

    /// <summary>Proves every constraint of every decision (one Z3 session).</summary>
    public static List<ProofResult> ProveAll() => Z3Native.Run(() => Decisions.SelectMany(d => Prove(d)).ToList());

    /// <summary>The constraints of one decision, stopping at the first that fails when asked (mutation testing).</summary>
    public static List<ProofResult> Prove(Decision decision, bool stopAtFailure = false)
    {
        using var ctx = new Context();
        var inputs = new NegotiationInputs(ctx, decision.Name, decision.UniverseNames.Length, decision.OursBound, decision.StrongBound);
        var choice = Interpret(inputs, decision);
        var results = new List<ProofResult>();
        foreach (var constraint in decision.Specification)
        {
            var clock = Stopwatch.StartNew();
            var solver = ctx.MkSolver();
            solver.Assert(inputs.WellFormed(), choice.Definition, ctx.MkNot(constraint.Holds(inputs, choice)));
            var status = solver.Check();
            string? counterexample = status switch
            {
                Status.SATISFIABLE => Describe(Smallest(inputs, choice, constraint) ?? solver.Model, inputs, choice, decision),
                Status.UNKNOWN => "solver returned UNKNOWN",
                _ => null,
            };
            results.Add(new ProofResult($"{decision.Name}: {constraint.Name}", constraint.Clause, decision.Bounds, 0, status == Status.UNSATISFIABLE, counterexample, clock.Elapsed));
            if (stopAtFailure && status != Status.UNSATISFIABLE)
            {
                break;
            }
        }

        return results;
    }

    /// <summary>A counterexample with the fewest list entries and offered items, so reports show the smallest input.</summary>
    private static Model? Smallest(NegotiationInputs inputs, SymbolicChoice choice, SpecConstraint constraint)
    {
        var ctx = inputs.Ctx;
        var optimize = ctx.MkOptimize();
        optimize.Assert(inputs.WellFormed(), choice.Definition, ctx.MkNot(constraint.Holds(inputs, choice)));
        var size = inputs.Offered.Concat(inputs.Shared).Concat(inputs.KeyCanSign)
            .Select(f => (ArithExpr)ctx.MkITE(f, ctx.MkInt(1), ctx.MkInt(0))).Append(inputs.OursLength).Append(inputs.StrongLength).ToArray();
        optimize.MkMinimize(ctx.MkAdd(size));
        return optimize.Check() == Status.SATISFIABLE ? optimize.Model : null;
    }

    /// <summary>
    /// The symbolic twin of <see cref="ServerNegotiation.Select{T}"/>: the first rule with a candidate meeting its
    /// requirements, that rule's first such candidate in its pool's order; nothing when no rule has one.
    /// </summary>
    public static SymbolicChoice Interpret(NegotiationInputs inputs, Decision decision)
    {
        var ctx = inputs.Ctx;
        BoolExpr found = ctx.MkFalse();
        IntExpr item = ctx.MkInt(0);
        IntExpr outcome = ctx.MkInt(0);
        for (int r = decision.Rules.Count - 1; r >= 0; r--)
        {
            var rule = decision.Rules[r];
            var (pool, length) = rule.Pool == Pool.Ours ? (inputs.Ours, inputs.OursLength) : (inputs.Strong, inputs.StrongLength);
            for (int i = pool.Length - 1; i >= 0; i--)
            {
                var meets = ctx.MkAnd(inputs.Active(length, i), Meets(inputs, decision, pool[i], rule.Require));
                found = (BoolExpr)ctx.MkITE(meets, ctx.MkTrue(), found);
                item = (IntExpr)ctx.MkITE(meets, pool[i], item);
                outcome = (IntExpr)ctx.MkITE(meets, ctx.MkInt((int)rule.Outcome), outcome);
            }
        }

        var name = decision.Name.Replace(' ', '_');
        var choice = new SymbolicChoice(ctx.MkBoolConst(name + "_found"), ctx.MkIntConst(name + "_item"), ctx.MkIntConst(name + "_outcome"), ctx.MkTrue());
        return choice with { Definition = ctx.MkAnd(ctx.MkEq(choice.Found, found), ctx.MkEq(choice.Item, item), ctx.MkEq(choice.Outcome, outcome)) };
    }

    private static BoolExpr Meets(NegotiationInputs inputs, Decision decision, Expr candidate, Require require)
    {
        var all = new List<BoolExpr>();
        for (var flag = Require.ClientOffers; flag <= Require.KeyCanSign; flag = (Require)((int)flag << 1))
        {
            if (require.HasFlag(flag))
            {
                all.Add(decision.Holds(inputs, candidate, flag));
            }
        }

        return inputs.Ctx.MkAnd(all);
    }

    /// <summary>A counterexample input and the choice made on it, in the universe's names.</summary>
    private static string Describe(Model model, NegotiationInputs inputs, SymbolicChoice choice, Decision decision)
    {
        string Name(Expr e) => decision.UniverseNames[((IntNum)model.Eval(e, true)).Int];
        List<string> ListOf(IntExpr[] list, IntExpr length) =>
            list.Take(((IntNum)model.Eval(length, true)).Int).Select(Name).ToList();
        List<string> Set(BoolExpr[] flags) =>
            Enumerable.Range(0, inputs.Universe).Where(u => model.Eval(flags[u], true).IsTrue).Select(u => decision.UniverseNames[u]).ToList();
        var parts = new List<string> { $"server [{string.Join(", ", ListOf(inputs.Ours, inputs.OursLength))}]" };
        if (decision.StrongBound > 0)
        {
            parts.Add($"strongly preferred [{string.Join(", ", ListOf(inputs.Strong, inputs.StrongLength))}]");
        }

        parts.Add($"client offers {{{string.Join(", ", Set(inputs.Offered))}}}");
        // Which inputs a decision shows is fixed by the decision, not its (possibly mutated) rules.
        if (decision.StrongBound > 0)
        {
            parts.Add($"client shares {{{string.Join(", ", Set(inputs.Shared))}}}");
        }

        if (decision.Specification.Any(c => c.Clause.EndsWith("section-4.4.2.2", StringComparison.Ordinal)))
        {
            parts.Add($"key can sign {{{string.Join(", ", Set(inputs.KeyCanSign))}}}");
        }

        if (decision.Specification.Any(c => c.Clause.EndsWith("section-4.2.11", StringComparison.Ordinal)))
        {
            int hash = ((IntNum)model.Eval(inputs.PskHash, true)).Int;
            parts.Add($"PSK hash {(hash == 0 ? "none" : Hashes[hash - 1])}");
        }

        var chosen = model.Eval(choice.Found, true).IsTrue
            ? $"{Name(choice.Item)} ({(Outcome)((IntNum)model.Eval(choice.Outcome, true)).Int})"
            : "nothing";
        return $"{string.Join("; ", parts)} → chose {chosen}";
    }
}
