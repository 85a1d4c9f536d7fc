using Microsoft.Z3;
using Reference.Tls;
using Reference.Tls.StateMachine;

namespace Reference.Proofs;

/// <summary>Properties of the table's step function itself (not of traces): no exit from terminal states, determinism, totality.</summary>
internal static class TableChecks
{
    private const string Rfc = "https://www.rfc-editor.org/rfc/rfc8446#";

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //# Upon receiving an error alert, the TLS implementation
    //# SHOULD indicate an error to the application and MUST NOT allow any
    //# further data to be sent or received on the connection.
    public static ProofResult NoExitFromClosedOrFailed(TraceEncoding e, TableSpec table)
    {
        var ctx = e.Ctx;
        var state = ctx.MkConst("terminal", e.TableStateSort);
        var message = ctx.MkConst("m", e.MessageSort);
        var sender = ctx.MkConst("p", e.PartySort);
        var next = TableAcceptor.Next(e, table, state, message, sender);
        var (status, model, elapsed) = ProofSuite.Solve(e, [
            ctx.MkOr(ctx.MkEq(state, e.Table(HandshakeState.Closed)), ctx.MkEq(state, e.Table(HandshakeState.Failed))),
            ctx.MkNot(ctx.MkEq(next, e.Rejected))], null);
        string? example = model is null ? null
            : $"{TraceEncoding.Name(model.Eval(state, true))} --{Short(model.Eval(sender, true))}:{model.Eval(message, true)}--> {TraceEncoding.Name(model.Eval(next, true))}";
        return new ProofResult("no transition out of Closed or Failed", Rfc + "section-6", "every state, message, sender", 1,
            status == Status.UNSATISFIABLE, example, elapsed);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4
    //# A peer which receives a
    //# handshake message in an unexpected order MUST abort the handshake
    //# with an "unexpected_message" alert.
    public static ProofResult Deterministic(TraceEncoding e, TableSpec table)
    {
        var ctx = e.Ctx;
        var keys = table.Rows.Select(r => (r.From, r.Message, r.Sender, What: TableSpec.Describe(r)))
            .Concat(table.Rejections.Select(r => (r.From, r.Message, r.Sender, What: TableSpec.Describe(r)))).ToList();
        var keySort = ctx.MkTupleSort(ctx.MkSymbol("Key"), [ctx.MkSymbol("s"), ctx.MkSymbol("m"), ctx.MkSymbol("p")], [e.TableStateSort, e.MessageSort, e.PartySort]);
        var i = ctx.MkIntConst("i");
        var j = ctx.MkIntConst("j");
        var (status, model, elapsed) = ProofSuite.Solve(e, [
            ctx.MkLe(ctx.MkInt(0), i), ctx.MkLt(i, j), ctx.MkLt(j, ctx.MkInt(keys.Count)),
            ctx.MkEq(KeyAt(e, keySort, keys, i), KeyAt(e, keySort, keys, j))], null);
        string? example = model is null ? null
            : $"two outcomes for one key: {keys[((IntNum)model.Eval(i, true)).Int].What} and {keys[((IntNum)model.Eval(j, true)).Int].What}";
        return new ProofResult("determinism: at most one outcome (row or named rejection) per (state, message, sender)", Rfc + "section-4",
            "every state, message, sender", 1, status == Status.UNSATISFIABLE, example, elapsed);
    }

    /// <summary>Every (state, message, sender) has an outcome: a row, a named rejection, or the default rejection, which must be an error alert.</summary>
    public static ProofResult Total(TraceEncoding e, TableSpec table)
    {
        var ctx = e.Ctx;
        var state = ctx.MkConst("s", e.TableStateSort);
        var message = ctx.MkConst("m", e.MessageSort);
        var sender = ctx.MkConst("p", e.PartySort);
        var inAlphabet = ctx.MkOr(Enum.GetValues<TableMessage>().Select(m => ctx.MkEq(message, e.Message(TraceEncoding.ToRfc(m)))).ToArray());
        var named = table.Rejections.Where(r => IsErrorAlert(r.Alert)).Select(r => Matches(e, state, message, sender, r.From, r.Message, r.Sender)).ToArray();
        var hasRejection = ctx.MkOr([.. named, ctx.MkBool(IsErrorAlert(table.DefaultRejection))]);
        var (status, model, elapsed) = ProofSuite.Solve(e, [
            ctx.MkNot(ctx.MkEq(state, e.Rejected)), inAlphabet,
            ctx.MkEq(TableAcceptor.Next(e, table, state, message, sender), e.Rejected), ctx.MkNot(hasRejection)], null);
        string? example = model is null ? null
            : $"no outcome for {TraceEncoding.Name(model.Eval(state, true))} --{Short(model.Eval(sender, true))}:{model.Eval(message, true)}-->: default rejection {table.DefaultRejection} is not an error alert";
        return new ProofResult("totality: every (state, message, sender) has a next state or a named alert", Rfc + "section-4",
            "every state, message, sender", 1, status == Status.UNSATISFIABLE, example, elapsed);
    }

    /// <summary>A defined, fatal alert (close_notify and user_canceled end a connection without naming an error).</summary>
    public static bool IsErrorAlert(AlertDescription alert) =>
        Enum.IsDefined(alert) && alert is not AlertDescription.CloseNotify and not AlertDescription.UserCanceled;

    private static Expr KeyAt(TraceEncoding e, TupleSort keySort, List<(HandshakeState From, TableMessage Message, Sender Sender, string What)> keys, IntExpr index)
    {
        var ctx = e.Ctx;
        Expr key = keySort.MkDecl.Apply(e.Rejected, e.Message(RfcMessage.ClientHello), e.Sender(Party.Client));
        for (int k = keys.Count - 1; k >= 0; k--)
        {
            var (from, message, sender, _) = keys[k];
            var tuple = keySort.MkDecl.Apply(e.Table(from), e.Message(TraceEncoding.ToRfc(message)), e.Sender(TraceEncoding.ToParty(sender)));
            key = ctx.MkITE(ctx.MkEq(index, ctx.MkInt(k)), tuple, key);
        }

        return key;
    }

    private static BoolExpr Matches(TraceEncoding e, Expr state, Expr message, Expr sender, HandshakeState from, TableMessage m, Sender p) =>
        e.Ctx.MkAnd(e.Ctx.MkEq(state, e.Table(from)), e.Ctx.MkEq(message, e.Message(TraceEncoding.ToRfc(m))), e.Ctx.MkEq(sender, e.Sender(TraceEncoding.ToParty(p))));

    private static string Short(Expr party) => party.ToString() == nameof(Party.Client) ? "C" : "S";
}
