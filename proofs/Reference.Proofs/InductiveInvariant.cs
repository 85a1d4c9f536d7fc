using System.Diagnostics;
using Microsoft.Z3;

namespace Reference.Proofs;

/// <summary>One state variable of a finite system: the Z3 term of each of its concrete values (index = value).</summary>
internal sealed record Component(string Name, Expr[] Values);

/// <summary>
/// A finite transition system over the trace alphabet (message × sender): a concrete step for exploration and
/// the same step as Z3 terms for the proof. A disabled step is one the system does not take.
/// </summary>
internal sealed record FiniteSystem(
    IReadOnlyList<Component> Components,
    int[] Initial,
    Func<int[], RfcMessage, Party, int[]?> Step,
    Func<Expr[], Expr, Expr, (BoolExpr Enabled, Expr[] Next)> SymbolicStep);

/// <summary>The states reachable from the initial state, each with a shortest trace that reaches it.</summary>
internal sealed class ReachableStates
{
    private readonly Dictionary<string, int> _index = [];
    private readonly List<(int Parent, Party Sender, RfcMessage Message)> _via = [];

    public ReachableStates(FiniteSystem system)
    {
        Add(system.Initial, (-1, Party.Client, RfcMessage.ClientHello));
        for (int next = 0; next < States.Count; next++)
        {
            foreach (var m in Enum.GetValues<RfcMessage>())
            {
                foreach (var p in Enum.GetValues<Party>())
                {
                    if (system.Step(States[next], m, p) is { } to && !_index.ContainsKey(Key(to)))
                    {
                        Add(to, (next, p, m));
                    }
                }
            }
        }
    }

    public List<int[]> States { get; } = [];

    public List<int> Depth { get; } = [];

    public int? IndexOf(int[] state) => _index.TryGetValue(Key(state), out var i) ? i : null;

    /// <summary>A shortest trace from the initial state to state <paramref name="index"/> (breadth-first order).</summary>
    public List<(Party Sender, RfcMessage Message)> TraceTo(int index)
    {
        var trace = new List<(Party, RfcMessage)>();
        for (int i = index; _via[i].Parent >= 0; i = _via[i].Parent)
        {
            trace.Add((_via[i].Sender, _via[i].Message));
        }

        trace.Reverse();
        return trace;
    }

    private void Add(int[] state, (int Parent, Party Sender, RfcMessage Message) via)
    {
        _index[Key(state)] = States.Count;
        Depth.Add(via.Parent < 0 ? 0 : Depth[via.Parent] + 1);
        States.Add(state);
        _via.Add(via);
    }

    private static string Key(int[] state) => string.Join(',', state);
}

/// <summary>
/// An unbounded proof by inductive invariant. The candidate invariant is the set of reachable states, found by
/// exploring the finite system; Z3 then checks, with no bound on trace length, that it holds initially and is
/// closed under every step (so every state reachable by a trace of any length is in it), and that no state in it
/// has a bad step. The exploration is not trusted: a missed state makes the closure query fail.
/// </summary>
internal sealed class InductiveInvariant
{
    private readonly TraceEncoding _e;
    private readonly FiniteSystem _system;
    private readonly Expr[] _state;
    private readonly Expr _message;
    private readonly Expr _sender;
    private readonly IntExpr _depth;
    private Solver? _solver;

    public InductiveInvariant(TraceEncoding e, FiniteSystem system)
    {
        _e = e;
        _system = system;
        Reachable = new ReachableStates(system);
        _state = system.Components.Select(c => e.Ctx.MkConst(e.FreshName(c.Name), c.Values[0].Sort)).ToArray();
        _message = e.Ctx.MkConst(e.FreshName("m"), e.MessageSort);
        _sender = e.Ctx.MkConst(e.FreshName("p"), e.PartySort);
        _depth = e.Ctx.MkIntConst(e.FreshName("depth"));
    }

    public ReachableStates Reachable { get; }

    public Expr[] State => _state;

    public Expr Message => _message;

    public Expr Sender => _sender;

    /// <summary>
    /// Checks that the invariant holds in the initial state and that every enabled step from a state of the
    /// invariant lands in the invariant. Returns null when both hold, else what failed.
    /// </summary>
    public (string? Failure, TimeSpan Elapsed) CheckInductive()
    {
        var ctx = _e.Ctx;
        var clock = Stopwatch.StartNew();
        var initial = _system.Initial.Select((v, i) => _system.Components[i].Values[v]).ToArray();
        if (Check([ctx.MkNot(Invariant(initial, null))]) != Status.UNSATISFIABLE)
        {
            return ("the initial state is not in the invariant", clock.Elapsed);
        }

        var (enabled, next) = _system.SymbolicStep(_state, _message, _sender);
        var successor = next.Select((term, i) => ctx.MkConst(_e.FreshName("n"), term.Sort)).ToArray();
        var definitions = successor.Select((v, i) => ctx.MkEq(v, next[i]));
        var status = Check([Invariant(_state, null), enabled, .. definitions, ctx.MkNot(Invariant(successor, null))]);
        return (status == Status.UNSATISFIABLE ? null : $"the invariant is not closed under a step ({status})", clock.Elapsed);
    }

    /// <summary>
    /// Asks for a state of the invariant with a bad step (<paramref name="bad"/> over state, message, sender).
    /// UNSAT proves the property for traces of every length; SAT gives the shortest trace to the bad step.
    /// </summary>
    public (Status Status, List<(Party Sender, RfcMessage Message)>? Trace, TimeSpan Elapsed) FindBadStep(Func<Expr[], Expr, Expr, BoolExpr> bad, bool includeStep)
    {
        var ctx = _e.Ctx;
        var clock = Stopwatch.StartNew();
        var badStep = bad(_state, _message, _sender);
        _solver ??= NewSolverWithInvariant();
        _solver.Push();
        _solver.Assert(badStep);
        var status = _solver.Check();
        _solver.Pop();
        if (status != Status.SATISFIABLE)
        {
            return (status, null, clock.Elapsed);
        }

        BoolExpr[] query = [Invariant(_state, _depth), badStep];

        var optimize = ctx.MkOptimize();
        optimize.Assert(query);
        optimize.MkMinimize(_depth);
        if (optimize.Check() != Status.SATISFIABLE)
        {
            return (Status.UNKNOWN, null, clock.Elapsed);
        }

        var model = optimize.Model;
        var concrete = _state.Select((v, i) => ValueOf(_system.Components[i], model.Eval(v, true))).ToArray();
        var trace = Reachable.TraceTo(Reachable.IndexOf(concrete) ?? throw new InvalidOperationException("Z3 returned a state outside the invariant"));
        if (includeStep)
        {
            trace.Add((Enum.Parse<Party>(model.Eval(_sender, true).ToString()), Enum.Parse<RfcMessage>(model.Eval(_message, true).ToString())));
        }

        return (status, trace, clock.Elapsed);
    }

    /// <summary>The invariant as a formula: the state is one of the reachable states (and, if given, depth is its BFS depth).</summary>
    private BoolExpr Invariant(Expr[] state, IntExpr? depth)
    {
        var ctx = _e.Ctx;
        var disjuncts = new BoolExpr[Reachable.States.Count];
        for (int k = 0; k < disjuncts.Length; k++)
        {
            var values = Reachable.States[k];
            var equalities = values.Select((v, i) => ctx.MkEq(state[i], _system.Components[i].Values[v])).ToList();
            if (depth is not null)
            {
                equalities.Add(ctx.MkEq(depth, ctx.MkInt(Reachable.Depth[k])));
            }

            disjuncts[k] = ctx.MkAnd(equalities);
        }

        return ctx.MkOr(disjuncts);
    }

    /// <summary>One solver holds the invariant for every property query (each pushed and popped).</summary>
    private Solver NewSolverWithInvariant()
    {
        var solver = _e.Ctx.MkSolver();
        solver.Assert(Invariant(_state, _depth));
        return solver;
    }

    private Status Check(BoolExpr[] query)
    {
        var solver = _e.Ctx.MkSolver();
        solver.Assert(query);
        return solver.Check();
    }

    private static int ValueOf(Component component, Expr value)
    {
        var text = value.ToString();
        int index = Array.FindIndex(component.Values, v => v.ToString() == text);
        return index >= 0 ? index : throw new InvalidOperationException($"value {text} of {component.Name} is not a concrete value");
    }
}
