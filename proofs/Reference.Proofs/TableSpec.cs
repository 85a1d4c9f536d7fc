using Reference.Tls;
using Reference.Tls.StateMachine;

namespace Reference.Proofs;

/// <summary>
/// A transition table as the proofs see it: rows, alert-specific rejections and the default rejection.
/// <see cref="FromEngine"/> reads the engine's own <see cref="TransitionTable"/>; mutations derive variants.
/// </summary>
internal sealed record TableSpec(IReadOnlyList<Transition> Rows, IReadOnlyList<Rejection> Rejections, AlertDescription DefaultRejection)
{
    /// <summary>The table the engine runs on, straight from the engine assembly (never a copy).</summary>
    public static TableSpec FromEngine() => new(TransitionTable.Rows, TransitionTable.Rejections, TransitionTable.DefaultRejection);

    /// <summary>The first row for a (state, message, sender) key, as a lookup would find it.</summary>
    public Transition? Find(HandshakeState from, TableMessage message, Sender sender)
    {
        foreach (var row in Rows)
        {
            if (row.From == from && row.Message == message && row.Sender == sender)
            {
                return row;
            }
        }

        return null;
    }

    public static string Describe(Transition row) => $"{row.From} --{Short(row.Sender)}:{row.Message}--> {row.To}";

    public static string Describe(Rejection r) => $"{r.From} --{Short(r.Sender)}:{r.Message}--> alert {r.Alert}";

    public static string Short(Sender sender) => sender == Sender.Client ? "C" : "S";
}
