using Microsoft.Z3;
using Reference.Tls.StateMachine;

namespace Reference.Proofs;

/// <summary>A bounded symbolic trace: its length and, per position, the message and its sender.</summary>
internal sealed record SymbolicTrace(IntExpr Length, Expr[] Messages, Expr[] Senders);

/// <summary>
/// Z3 sorts and encodings shared by every proof: messages, parties, the table's states (plus a
/// Rejected sink) and the RFC machines' states (plus a Stuck sink). One instance per Z3 context.
/// </summary>
internal sealed class TraceEncoding : IDisposable
{
    private readonly EnumSort _messages;
    private readonly EnumSort _parties;
    private readonly EnumSort _tableStates;
    private readonly EnumSort _clientStates;
    private readonly EnumSort _serverStates;
    private readonly List<BoolExpr> _definitions = [];
    private int _fresh;

    public TraceEncoding(int bound)
    {
        Z3Native.EnsureLoaded();
        Bound = bound;
        Ctx = new Context();
        // Constant names are unique across sorts (Z3 4.8 asserts on clashes); Name() strips the prefix.
        _messages = Ctx.MkEnumSort("Message", Enum.GetNames<RfcMessage>());
        _parties = Ctx.MkEnumSort("Party", Enum.GetNames<Party>());
        _tableStates = Ctx.MkEnumSort("TableState", [.. Enum.GetNames<HandshakeState>().Select(n => "table." + n), "table.Rejected"]);
        _clientStates = Ctx.MkEnumSort("ClientState", Enum.GetNames<ClientState>().Select(n => "client." + n).ToArray());
        _serverStates = Ctx.MkEnumSort("ServerState", Enum.GetNames<ServerState>().Select(n => "server." + n).ToArray());
    }

    public Context Ctx { get; }

    public int Bound { get; }

    public Sort MessageSort => _messages;

    public Sort PartySort => _parties;

    public Sort TableStateSort => _tableStates;

    public Expr Message(RfcMessage m) => _messages.Consts[(int)m];

    public Expr Sender(Party p) => _parties.Consts[(int)p];

    public Expr Table(HandshakeState s) => _tableStates.Consts[(int)s];

    public Expr Rejected => _tableStates.Consts[^1];

    public Expr Client(ClientState s) => _clientStates.Consts[(int)s];

    public Expr Server(ServerState s) => _serverStates.Consts[(int)s];

    /// <summary>The RFC message an engine table message stands for, matched by name; none means the proof must fail.</summary>
    public static RfcMessage ToRfc(TableMessage m) =>
        Enum.TryParse<RfcMessage>(m.ToString(), out var rfc) ? rfc : throw new InvalidOperationException($"table message {m} has no RFC 8446 counterpart in the model");

    public static Party ToParty(Sender s) => s == Tls.StateMachine.Sender.Client ? Party.Client : Party.Server;

    /// <summary>
    /// Records a definition (fresh state variable = its next-state term). Definitions are asserted at the
    /// top level of the next query, never under a negation, so "not accepted" cannot be satisfied by
    /// breaking a definition.
    /// </summary>
    public void Define(BoolExpr definition) => _definitions.Add(definition);

    /// <summary>Hands the recorded definitions to a query and forgets them.</summary>
    public BoolExpr[] TakeDefinitions()
    {
        var all = _definitions.ToArray();
        _definitions.Clear();
        return all;
    }

    public string FreshName(string prefix) => $"{prefix}{_fresh++}";

    public SymbolicTrace NewTrace()
    {
        string p = FreshName("t");
        var len = Ctx.MkIntConst(p + "_len");
        var msgs = Enumerable.Range(0, Bound).Select(i => Ctx.MkConst($"{p}_m{i}", _messages)).ToArray();
        var snds = Enumerable.Range(0, Bound).Select(i => Ctx.MkConst($"{p}_s{i}", _parties)).ToArray();
        return new SymbolicTrace(len, msgs, snds);
    }

    /// <summary>0 ≤ length ≤ bound: every trace up to the bound, not only the longest.</summary>
    public BoolExpr WellFormed(SymbolicTrace t) => Ctx.MkAnd(Ctx.MkLe(Ctx.MkInt(0), t.Length), Ctx.MkLe(t.Length, Ctx.MkInt(Bound)));

    /// <summary>Position <paramref name="i"/> lies inside the trace.</summary>
    public BoolExpr Active(SymbolicTrace t, int i) => Ctx.MkLt(Ctx.MkInt(i), t.Length);

    public BoolExpr Is(SymbolicTrace t, int i, RfcMessage m) => Ctx.MkEq(t.Messages[i], Message(m));

    public BoolExpr Is(SymbolicTrace t, int i, RfcMessage m, Party p) => Ctx.MkAnd(Is(t, i, m), Ctx.MkEq(t.Senders[i], Sender(p)));

    /// <summary>Some position before <paramref name="i"/> carries <paramref name="m"/> from <paramref name="p"/>.</summary>
    public BoolExpr SeenBefore(SymbolicTrace t, int i, RfcMessage m, Party p) =>
        Ctx.MkOr(Enumerable.Range(0, i).Select(j => Is(t, j, m, p)).ToArray());

    public BoolExpr AnyActive(SymbolicTrace t, Func<int, BoolExpr> violation) =>
        Ctx.MkOr(Enumerable.Range(0, Bound).Select(i => Ctx.MkAnd(Active(t, i), violation(i))).ToArray());

    /// <summary>Position <paramref name="i"/> of a bounded trace as a property sees it.</summary>
    public StepView ViewAt(SymbolicTrace t, int i) => new(this, t.Messages[i], t.Senders[i], (m, p) => SeenBefore(t, i, m, p),
        Ctx.MkBool(i > 0), i > 0 ? t.Messages[i - 1] : Message(RfcMessage.ClientHello), i > 0 ? t.Senders[i - 1] : Sender(Party.Client));

    /// <summary>The enum member name of a constant of one of our sorts, as evaluated in a model.</summary>
    public static string Name(Expr value)
    {
        var text = value.ToString();
        return text[(text.IndexOf('.') + 1)..];
    }

    public void Dispose() => Ctx.Dispose();
}
