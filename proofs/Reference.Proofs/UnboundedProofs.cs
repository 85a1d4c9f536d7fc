using Microsoft.Z3;
using Reference.Tls.StateMachine;

namespace Reference.Proofs;

/// <summary>
/// The table proofs for traces of every length. Equivalence: the table runs in lockstep with the RFC model of
/// every supported handshake type (one deterministic product automaton); the invariant "the table accepts exactly
/// when some type's model accepts" is proved inductive. Safety: the table runs with a monitor that remembers which
/// (message, sender) pairs were seen and the previous message, which is all a <see cref="TraceProperty"/> reads; no
/// reachable state may take a violating step. Both are checked by <see cref="InductiveInvariant"/>.
/// </summary>
internal static class UnboundedProofs
{
    private const string Rfc = "https://www.rfc-editor.org/rfc/rfc8446#";
    private static readonly RfcMessage[] Messages = Enum.GetValues<RfcMessage>();
    private static readonly Party[] Parties = Enum.GetValues<Party>();

    /// <summary>Every table property, unbounded, in one Z3 session: the one-step checks, safety, then equivalence.</summary>
    public static List<ProofResult> ProveTable(TableSpec table) => Run(table, stopAtFailure: false);

    /// <summary>The properties up to and including the first that fails (what mutation testing needs).</summary>
    public static List<ProofResult> ProveTableUntilFailure(TableSpec table) => Run(table, stopAtFailure: true);

    private static List<ProofResult> Run(TableSpec table, bool stopAtFailure) => Z3Native.Run(() =>
    {
        using var e = new TraceEncoding(1);
        var results = new List<ProofResult>();
        foreach (var group in Groups(e, table))
        {
            foreach (var result in group())
            {
                results.Add(result);
                e.TakeDefinitions();
                if (stopAtFailure && !result.Holds)
                {
                    return results;
                }
            }
        }

        return results;
    });

    private static IEnumerable<Func<IEnumerable<ProofResult>>> Groups(TraceEncoding e, TableSpec table)
    {
        yield return () => [Unbounded(TableChecks.NoExitFromClosedOrFailed(e, table))];
        yield return () => [Unbounded(TableChecks.Deterministic(e, table))];
        yield return () => [Unbounded(TableChecks.Total(e, table))];
        yield return () => Safety(e, table);
        yield return () => Equivalence(e, table);
    }

    private static ProofResult Unbounded(ProofResult oneStep) => oneStep with { Unbounded = true };

    private static IEnumerable<ProofResult> Safety(TraceEncoding e, TableSpec table)
    {
        var watched = WatchedPairs(e);
        var invariant = new InductiveInvariant(e, SafetySystem(e, table, watched));
        var (failure, closure) = invariant.CheckInductive();
        var covers = $"table × history monitor, inductive invariant of {invariant.Reachable.States.Count} states";
        foreach (var p in SafetyProperties.All)
        {
            var (status, trace, elapsed) = invariant.FindBadStep((s, m, q) =>
                e.Ctx.MkAnd(TableStepAccepted(e, table, s[0], m, q), p.StepViolation(View(e, s, m, q, watched))), includeStep: true);
            yield return Result(p.Name, p.Clause, covers, failure, status, trace, table, closure + elapsed);
            closure = TimeSpan.Zero;
        }
    }

    /// <summary>The (message, sender) pairs whose "seen before" some safety property reads: the only history the monitor keeps.</summary>
    private static List<(RfcMessage, Party)> WatchedPairs(TraceEncoding e)
    {
        var read = new HashSet<(RfcMessage, Party)>();
        var probe = new StepView(e, e.Message(RfcMessage.ClientHello), e.Sender(Party.Client), (m, p) =>
        {
            read.Add((m, p));
            return e.Ctx.MkFalse();
        }, e.Ctx.MkFalse(), e.Message(RfcMessage.ClientHello), e.Sender(Party.Client));
        foreach (var p in SafetyProperties.All)
        {
            p.StepViolation(probe);
        }

        return read.OrderBy(x => x).ToList();
    }

    private static IEnumerable<ProofResult> Equivalence(TraceEncoding e, TableSpec table)
    {
        var types = HandshakeType.Supported;
        var invariant = new InductiveInvariant(e, ProductSystem(e, table, types));
        var (failure, closure) = invariant.CheckInductive();
        var ctx = e.Ctx;
        var covers = $"table × RFC model of {string.Join(", ", types.Select(t => t.Name))}; inductive invariant of {invariant.Reachable.States.Count} product states";
        BoolExpr TableAlive(Expr[] s) => ctx.MkNot(ctx.MkEq(s[0], e.Rejected));
        BoolExpr ModelAlive(Expr[] s, int k) => ctx.MkAnd(
            ctx.MkNot(ctx.MkEq(s[1 + 2 * k], e.Client(ClientState.Stuck))), ctx.MkNot(ctx.MkEq(s[2 + 2 * k], e.Server(ServerState.Stuck))));

        var (status, trace, elapsed) = invariant.FindBadStep((s, _, _) =>
            ctx.MkAnd(TableAlive(s), ctx.MkAnd(types.Select((_, k) => ctx.MkNot(ModelAlive(s, k))).ToArray())), includeStep: false);
        yield return Result("equivalence: every table trace is an RFC-model trace", Rfc + "appendix-A", covers, failure, status, trace, table, closure + elapsed);
        for (int k = 0; k < types.Count; k++)
        {
            int type = k;
            (status, trace, elapsed) = invariant.FindBadStep((s, _, _) => ctx.MkAnd(ModelAlive(s, type), ctx.MkNot(TableAlive(s))), includeStep: false);
            yield return Result($"equivalence: every RFC-model trace is a table trace ({types[k].Name})", Rfc + "appendix-A", covers, failure, status, trace, table, elapsed);
        }
    }

    private static ProofResult Result(string property, string clause, string covers, string? notInductive, Status status, List<(Party, RfcMessage)>? trace, TableSpec table, TimeSpan elapsed)
    {
        bool holds = notInductive is null && status == Status.UNSATISFIABLE;
        string? counterexample = notInductive ?? (trace is null ? (status == Status.UNKNOWN ? "solver returned UNKNOWN" : null) : Counterexamples.Format(trace, table));
        return new ProofResult(property, clause, covers, 0, holds, counterexample, elapsed) { Unbounded = true };
    }

    /// <summary>State: table state, then for each type its client and server machine states. A step is taken while any side accepts.</summary>
    private static FiniteSystem ProductSystem(TraceEncoding e, TableSpec table, IReadOnlyList<HandshakeType> types)
    {
        var components = new List<Component> { TableComponent(e) };
        var client = types.Select(t => WithoutEarlyApplicationData(ModelAcceptor.ForType(RfcMachines.Client, t))).ToList();
        var server = types.Select(t => WithoutEarlyApplicationData(ModelAcceptor.ForType(RfcMachines.Server, t))).ToList();
        foreach (var t in types)
        {
            components.Add(new Component("client_" + t.Name, Enum.GetValues<ClientState>().Select(e.Client).ToArray()));
            components.Add(new Component("server_" + t.Name, Enum.GetValues<ServerState>().Select(e.Server).ToArray()));
        }

        int[] Step(int[] s, RfcMessage m, Party p)
        {
            var next = new int[s.Length];
            next[0] = TableStep(table, s[0], m, p);
            for (int k = 0; k < types.Count; k++)
            {
                next[1 + 2 * k] = (int)ModelStep(client[k], (ClientState)s[1 + 2 * k], m, p, ClientState.Stuck);
                next[2 + 2 * k] = (int)ModelStep(server[k], (ServerState)s[2 + 2 * k], m, p, ServerState.Stuck);
            }

            return next;
        }

        bool Alive(int[] s) => s[0] != Rejected || Enumerable.Range(0, types.Count)
            .Any(k => s[1 + 2 * k] != (int)ClientState.Stuck && s[2 + 2 * k] != (int)ServerState.Stuck);

        (BoolExpr, Expr[]) Symbolic(Expr[] s, Expr m, Expr p)
        {
            var ctx = e.Ctx;
            var next = new Expr[s.Length];
            next[0] = TableAcceptor.Next(e, table, s[0], m, p);
            var alive = new List<BoolExpr> { ctx.MkNot(ctx.MkEq(next[0], e.Rejected)) };
            for (int k = 0; k < types.Count; k++)
            {
                next[1 + 2 * k] = ModelAcceptor.Next(e, client[k], e.Client, ClientState.Stuck, s[1 + 2 * k], m, p);
                next[2 + 2 * k] = ModelAcceptor.Next(e, server[k], e.Server, ServerState.Stuck, s[2 + 2 * k], m, p);
                alive.Add(ctx.MkAnd(ctx.MkNot(ctx.MkEq(next[1 + 2 * k], e.Client(ClientState.Stuck))), ctx.MkNot(ctx.MkEq(next[2 + 2 * k], e.Server(ServerState.Stuck)))));
            }

            return (ctx.MkOr(alive), next);
        }

        return new FiniteSystem(components, new int[components.Count], (s, m, p) => Step(s, m, p) is var n && Alive(n) ? n : null, Symbolic);
    }

    /// <summary>
    /// State: table state, seen[(message, sender)] for every watched pair, whether a message was taken, and the
    /// previous message and sender. Only steps the table accepts are taken.
    /// </summary>
    private static FiniteSystem SafetySystem(TraceEncoding e, TableSpec table, List<(RfcMessage, Party)> watched)
    {
        var ctx = e.Ctx;
        Expr[] booleans = [ctx.MkFalse(), ctx.MkTrue()];
        var components = new List<Component> { TableComponent(e) };
        components.AddRange(watched.Select(w => new Component($"seen_{w.Item2}_{w.Item1}", booleans)));
        components.Add(new Component("hasPrevious", booleans));
        components.Add(new Component("previousMessage", Messages.Select(e.Message).ToArray()));
        components.Add(new Component("previousSender", Parties.Select(e.Sender).ToArray()));

        int[]? Step(int[] s, RfcMessage m, Party p)
        {
            int to = TableStep(table, s[0], m, p);
            if (to == Rejected)
            {
                return null;
            }

            var next = (int[])s.Clone();
            next[0] = to;
            if (watched.IndexOf((m, p)) is var w and >= 0)
            {
                next[1 + w] = 1;
            }

            next[^3] = 1;
            next[^2] = (int)m;
            next[^1] = (int)p;
            return next;
        }

        (BoolExpr, Expr[]) Symbolic(Expr[] s, Expr m, Expr p)
        {
            var next = new Expr[s.Length];
            next[0] = TableAcceptor.Next(e, table, s[0], m, p);
            for (int w = 0; w < watched.Count; w++)
            {
                var (message, party) = watched[w];
                next[1 + w] = ctx.MkOr((BoolExpr)s[1 + w], ctx.MkAnd(ctx.MkEq(m, e.Message(message)), ctx.MkEq(p, e.Sender(party))));
            }

            next[^3] = ctx.MkTrue();
            next[^2] = m;
            next[^1] = p;
            return (TableStepAccepted(e, table, s[0], m, p), next);
        }

        return new FiniteSystem(components, new int[components.Count], Step, Symbolic);
    }

    /// <summary>What a safety property sees at a step from a monitor state.</summary>
    private static StepView View(TraceEncoding e, Expr[] s, Expr m, Expr p, List<(RfcMessage, Party)> watched) =>
        new(e, m, p, (message, party) => (BoolExpr)s[1 + watched.IndexOf((message, party))], (BoolExpr)s[^3], s[^2], s[^1]);

    private static BoolExpr TableStepAccepted(TraceEncoding e, TableSpec table, Expr state, Expr m, Expr p) =>
        e.Ctx.MkNot(e.Ctx.MkEq(TableAcceptor.Next(e, table, state, m, p), e.Rejected));

    private static readonly int Rejected = Enum.GetValues<HandshakeState>().Length;

    private static Component TableComponent(TraceEncoding e) =>
        new("table", [.. Enum.GetValues<HandshakeState>().Select(e.Table), e.Rejected]);

    /// <summary>The table's concrete step: the first row for (state, message, sender), else Rejected (a sink).</summary>
    private static int TableStep(TableSpec table, int state, RfcMessage m, Party p)
    {
        if (state == Rejected || !Enum.TryParse<TableMessage>(m.ToString(), out var message))
        {
            return Rejected;
        }

        var row = table.Find((HandshakeState)state, message, p == Party.Client ? Tls.StateMachine.Sender.Client : Tls.StateMachine.Sender.Server);
        return row is { } r ? (int)r.To : Rejected;
    }

    private static TState ModelStep<TState>(List<ModelRule<TState>> rules, TState state, RfcMessage m, Party p, TState stuck)
        where TState : struct, Enum
    {
        var rule = rules.LastOrDefault(r => EqualityComparer<TState>.Default.Equals(r.From, state) && r.Message == m && r.Sender == p);
        return rule is null ? stuck : rule.To;
    }

    /// <summary>
    /// The model without the client's 0-RTT application data (the self-loops before the client's Finished): the
    /// table keeps those records out of its alphabet, so the languages compared are the model's traces without them,
    /// exactly as the bounded check compares them.
    /// </summary>
    private static List<ModelRule<TState>> WithoutEarlyApplicationData<TState>(List<ModelRule<TState>> rules)
        where TState : struct, Enum =>
        rules.Where(r => !(r.Message == RfcMessage.ApplicationData && r.Sender == Party.Client && r.Guard.Contains(new Literal(Feature.EarlyData, true)))).ToList();
}
