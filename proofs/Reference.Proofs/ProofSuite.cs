using System.Diagnostics;
using Microsoft.Z3;

namespace Reference.Proofs;

/// <summary>
/// Runs every proof over one table: equivalence with the RFC model in both directions, the safety
/// properties, and determinism / totality. Each query asks Z3 for a counterexample; UNSAT means proved.
/// </summary>
internal sealed class ProofSuite : IDisposable
{
    public const int DefaultBound = 16;
    private const string Rfc = "https://www.rfc-editor.org/rfc/rfc8446#";
    private readonly TraceEncoding _e;
    private readonly TableSpec _table;

    private ProofSuite(TableSpec table, int bound = DefaultBound)
    {
        _table = table;
        _e = new TraceEncoding(bound);
    }

    /// <summary>All table properties for <paramref name="table"/>, each in its own guarded Z3 session.</summary>
    public static List<ProofResult> ProveTable(TableSpec table, int bound = DefaultBound) =>
        TableProofs().Select(proof => RunSession(table, bound, proof)).ToList();

    /// <summary>The table properties up to and including the first that fails (what mutation testing needs).</summary>
    public static List<ProofResult> ProveTableUntilFailure(TableSpec table, int bound = DefaultBound)
    {
        var results = new List<ProofResult>();
        foreach (var proof in TableProofs())
        {
            var result = RunSession(table, bound, proof);
            results.Add(result);
            if (!result.Holds)
            {
                break;
            }
        }

        return results;
    }

    /// <summary>The RFC model's own checks, each in its own guarded Z3 session.</summary>
    public static List<ProofResult> CheckModel(int bound = DefaultBound) =>
        ModelChecks().Select(check => RunSession(TableSpec.FromEngine(), bound, check)).ToList();

    /// <summary>
    /// One query per Z3 session (fresh context): a session must stay inside the no-GC budget of
    /// <see cref="Z3Native.Run"/>, and the encodings of eight handshake types over 16 steps outgrow it
    /// when many queries share one context.
    /// </summary>
    private static ProofResult RunSession(TableSpec table, int bound, Func<ProofSuite, ProofResult> proof) => Z3Native.Run(() =>
    {
        using var suite = new ProofSuite(table, bound);
        return proof(suite);
    });

    private static string AllTypes => string.Join(", ", HandshakeType.Supported.Select(t => t.Name));

    /// <summary>Every property about the table, in report order (targeted checks before equivalence).</summary>
    private static IEnumerable<Func<ProofSuite, ProofResult>> TableProofs()
    {
        yield return s => TableChecks.NoExitFromClosedOrFailed(s._e, s._table);
        yield return s => TableChecks.Deterministic(s._e, s._table);
        yield return s => TableChecks.Total(s._e, s._table);
        foreach (var p in SafetyProperties.All)
        {
            yield return s => s.CheckTrace(p.Name, p.Clause, "table (all traces from Start)", t =>
                s._e.Ctx.MkAnd(TableAcceptor.Accepts(s._e, s._table, t), p.Violation(s._e, t)));
        }

        yield return s => s.TableIncludedInModel();
        foreach (var type in HandshakeType.Supported)
        {
            yield return s => s.ModelIncludedInTable(type);
        }
    }

    /// <summary>Checks of the RFC model alone: it reaches Connected for every type it describes, and satisfies the safety properties.</summary>
    private static IEnumerable<Func<ProofSuite, ProofResult>> ModelChecks()
    {
        foreach (var type in HandshakeType.Supported.Concat(HandshakeType.ModelOnly))
        {
            yield return s => s.CheckWitness($"RFC model reaches Connected ({type.Name})", Rfc + "section-2", type.Name,
                t => ModelAcceptor.EndsConnected(s._e, type, t));
        }

        foreach (var p in SafetyProperties.All)
        {
            yield return s => s.CheckTrace(p.Name, p.Clause, "RFC model: " + AllTypes, t =>
                s._e.Ctx.MkOr(HandshakeType.Supported.Select(type => s._e.Ctx.MkAnd(ModelAcceptor.Accepts(s._e, type, t), p.Violation(s._e, t))).ToArray()));
        }
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4
    //# Protocol messages MUST be sent in the order defined in Section 4.4.1
    //# and shown in the diagrams in Section 2.
    private ProofResult TableIncludedInModel() =>
        CheckTrace("equivalence: every table trace is an RFC-model trace", Rfc + "appendix-A", AllTypes, t =>
            _e.Ctx.MkAnd(TableAcceptor.Accepts(_e, _table, t),
                _e.Ctx.MkAnd(HandshakeType.Supported.Select(type => _e.Ctx.MkNot(ModelAcceptor.Accepts(_e, type, t))).ToArray())));

    /// <summary>
    /// For a 0-RTT type the model's traces are taken without the client's early application data: the
    /// engine keeps 0-RTT records out of the table's alphabet (they are record-level data, accepted or
    /// skipped by TlsConnection.EarlyData), so the table covers the handshake messages around them.
    /// </summary>
    private ProofResult ModelIncludedInTable(HandshakeType type) =>
        CheckTrace($"equivalence: every RFC-model trace is a table trace ({type.Name})", Rfc + "appendix-A", type.Name, t =>
            _e.Ctx.MkAnd(ModelAcceptor.Accepts(_e, type, t), WithoutEarlyApplicationData(type, t), _e.Ctx.MkNot(TableAcceptor.Accepts(_e, _table, t))));

    private BoolExpr WithoutEarlyApplicationData(HandshakeType type, SymbolicTrace t) =>
        !type[Feature.EarlyData] ? _e.Ctx.MkTrue() : _e.Ctx.MkNot(_e.AnyActive(t, i =>
            _e.Ctx.MkAnd(_e.Is(t, i, RfcMessage.ApplicationData, Party.Client), _e.Ctx.MkNot(_e.SeenBefore(t, i, RfcMessage.Finished, Party.Client)))));

    /// <summary>Asks for a shortest trace satisfying <paramref name="violation"/>; none means the property holds.</summary>
    private ProofResult CheckTrace(string property, string clause, string types, Func<SymbolicTrace, BoolExpr> violation)
    {
        var t = _e.NewTrace();
        var (status, model, elapsed) = Solve(_e, [_e.WellFormed(t), violation(t)], t.Length);
        string? counterexample = status == Status.SATISFIABLE ? Counterexamples.Format(Counterexamples.Extract(model!, t), _table) : null;
        return new ProofResult(property, clause, types, _e.Bound, status == Status.UNSATISFIABLE, counterexample ?? Unknown(status), elapsed);
    }

    /// <summary>Asks for a trace satisfying <paramref name="goal"/>; the check passes when one exists.</summary>
    private ProofResult CheckWitness(string property, string clause, string types, Func<SymbolicTrace, BoolExpr> goal)
    {
        var t = _e.NewTrace();
        var (status, model, elapsed) = Solve(_e, [_e.WellFormed(t), goal(t)], t.Length);
        string? witness = status == Status.SATISFIABLE ? "witness: " + Counterexamples.Format(Counterexamples.Extract(model!, t), _table) : null;
        return new ProofResult(property, clause, types, _e.Bound, status == Status.SATISFIABLE, witness ?? $"no trace reaches Connected ({status})", elapsed);
    }

    /// <summary>
    /// Runs one Z3 query. A plain solver decides it; only when there is a counterexample does an optimiser
    /// shorten it by minimising <paramref name="minimise"/>, so reports show the shortest trace.
    /// </summary>
    public static (Status Status, Model? Model, TimeSpan Elapsed) Solve(TraceEncoding e, BoolExpr[] query, ArithExpr? minimise)
    {
        var clock = Stopwatch.StartNew();
        var all = query.Concat(e.TakeDefinitions()).ToArray();
        var solver = e.Ctx.MkSolver();
        solver.Assert(all);
        var status = solver.Check();
        if (status != Status.SATISFIABLE)
        {
            return (status, null, clock.Elapsed);
        }

        if (minimise is null)
        {
            return (status, solver.Model, clock.Elapsed);
        }

        var optimize = e.Ctx.MkOptimize();
        optimize.Assert(all);
        optimize.MkMinimize(minimise);
        status = optimize.Check();
        return (status, status == Status.SATISFIABLE ? optimize.Model : null, clock.Elapsed);
    }

    private static string? Unknown(Status status) => status == Status.UNKNOWN ? "solver returned UNKNOWN" : null;

    public void Dispose() => _e.Dispose();
}
