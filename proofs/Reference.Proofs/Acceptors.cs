using Microsoft.Z3;
using Reference.Tls.StateMachine;

namespace Reference.Proofs;

/// <summary>Encodes "the table accepts this trace from Start": the run never reaches the Rejected sink.</summary>
internal static class TableAcceptor
{
    /// <summary>The table's next state as a Z3 term; the first matching row wins, no row means Rejected.</summary>
    public static Expr Next(TraceEncoding e, TableSpec table, Expr state, Expr message, Expr sender)
    {
        var ctx = e.Ctx;
        Expr next = e.Rejected;
        for (int r = table.Rows.Count - 1; r >= 0; r--)
        {
            var row = table.Rows[r];
            var matches = ctx.MkAnd(
                ctx.MkEq(state, e.Table(row.From)),
                ctx.MkEq(message, e.Message(TraceEncoding.ToRfc(row.Message))),
                ctx.MkEq(sender, e.Sender(TraceEncoding.ToParty(row.Sender))));
            next = ctx.MkITE(matches, e.Table(row.To), next);
        }

        return next;
    }

    public static BoolExpr Accepts(TraceEncoding e, TableSpec table, SymbolicTrace t)
    {
        var ctx = e.Ctx;
        Expr state = e.Table(HandshakeState.Start);
        var steps = new List<BoolExpr>();
        for (int i = 0; i < e.Bound; i++)
        {
            var next = ctx.MkConst(e.FreshName("st"), e.TableStateSort);
            e.Define(ctx.MkEq(next, Next(e, table, state, t.Messages[i], t.Senders[i])));
            steps.Add(ctx.MkImplies(e.Active(t, i), ctx.MkNot(ctx.MkEq(next, e.Rejected))));
            state = next;
        }

        return ctx.MkAnd(steps);
    }
}

/// <summary>
/// Encodes "the RFC model accepts this trace for handshake type T": the client and server machines both
/// take every message in lockstep. Rules whose guards do not hold for T are dropped first.
/// </summary>
internal static class ModelAcceptor
{
    public static BoolExpr Accepts(TraceEncoding e, HandshakeType type, SymbolicTrace t)
    {
        var ctx = e.Ctx;
        var clientRules = ForType(RfcMachines.Client, type);
        var serverRules = ForType(RfcMachines.Server, type);
        Expr client = e.Client(ClientState.Start);
        Expr server = e.Server(ServerState.Start);
        var steps = new List<BoolExpr>();
        for (int i = 0; i < e.Bound; i++)
        {
            var nextClient = ctx.MkConst(e.FreshName("cs"), client.Sort);
            var nextServer = ctx.MkConst(e.FreshName("ss"), server.Sort);
            e.Define(ctx.MkEq(nextClient, Next(e, clientRules, e.Client, ClientState.Stuck, client, t.Messages[i], t.Senders[i])));
            e.Define(ctx.MkEq(nextServer, Next(e, serverRules, e.Server, ServerState.Stuck, server, t.Messages[i], t.Senders[i])));
            steps.Add(ctx.MkImplies(e.Active(t, i), ctx.MkAnd(
                ctx.MkNot(ctx.MkEq(nextClient, e.Client(ClientState.Stuck))),
                ctx.MkNot(ctx.MkEq(nextServer, e.Server(ServerState.Stuck))))));
            client = nextClient;
            server = nextServer;
        }

        return ctx.MkAnd(steps);
    }

    /// <summary>The trace ends with both machines Connected (used to show the model is not vacuous).</summary>
    public static BoolExpr EndsConnected(TraceEncoding e, HandshakeType type, SymbolicTrace t)
    {
        var ctx = e.Ctx;
        var accepted = Accepts(e, type, t);
        var clientRules = ForType(RfcMachines.Client, type);
        var serverRules = ForType(RfcMachines.Server, type);
        Expr client = e.Client(ClientState.Start);
        Expr server = e.Server(ServerState.Start);
        var ends = new List<BoolExpr>();
        for (int i = 0; i < e.Bound; i++)
        {
            client = Next(e, clientRules, e.Client, ClientState.Stuck, client, t.Messages[i], t.Senders[i]);
            server = Next(e, serverRules, e.Server, ServerState.Stuck, server, t.Messages[i], t.Senders[i]);
            ends.Add(ctx.MkAnd(ctx.MkEq(t.Length, ctx.MkInt(i + 1)),
                ctx.MkEq(client, e.Client(ClientState.Connected)), ctx.MkEq(server, e.Server(ServerState.Connected))));
        }

        return ctx.MkAnd(accepted, ctx.MkOr(ends));
    }

    /// <summary>
    /// The rules that apply to <paramref name="type"/>. Throws if two remain for one (state, sender, message):
    /// the model must be deterministic per type for the if-then-else encoding to be exact.
    /// </summary>
    public static List<ModelRule<TState>> ForType<TState>(IReadOnlyList<ModelRule<TState>> rules, HandshakeType type)
        where TState : struct, Enum
    {
        var applicable = rules.Where(r => r.Guard.All(l => type[l.Feature] == l.Value)).ToList();
        var clash = applicable.GroupBy(r => (r.From, r.Sender, r.Message)).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new InvalidOperationException($"RFC model is ambiguous for {type.Name} at {clash.Key}");
        }

        return applicable;
    }

    public static Expr Next<TState>(TraceEncoding e, List<ModelRule<TState>> rules, Func<TState, Expr> term, TState stuck, Expr state, Expr message, Expr sender)
        where TState : struct, Enum
    {
        var ctx = e.Ctx;
        Expr next = term(stuck);
        foreach (var rule in rules)
        {
            var matches = ctx.MkAnd(ctx.MkEq(state, term(rule.From)), ctx.MkEq(message, e.Message(rule.Message)), ctx.MkEq(sender, e.Sender(rule.Sender)));
            next = ctx.MkITE(matches, term(rule.To), next);
        }

        return next;
    }
}
