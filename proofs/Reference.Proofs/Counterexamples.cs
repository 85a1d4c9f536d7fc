using System.Text;
using Microsoft.Z3;
using Reference.Tls.StateMachine;

namespace Reference.Proofs;

/// <summary>Turns a Z3 model of a symbolic trace into a readable message trace ("C:ClientHello S:ServerHello ...").</summary>
internal static class Counterexamples
{
    public static List<(Party Sender, RfcMessage Message)> Extract(Model model, SymbolicTrace t)
    {
        int length = ((IntNum)model.Eval(t.Length, true)).Int;
        var trace = new List<(Party, RfcMessage)>();
        for (int i = 0; i < length; i++)
        {
            var m = Enum.Parse<RfcMessage>(model.Eval(t.Messages[i], true).ToString());
            var p = Enum.Parse<Party>(model.Eval(t.Senders[i], true).ToString());
            trace.Add((p, m));
        }

        return trace;
    }

    /// <summary>The trace, with the first message the table rejects marked "✗" and the table state reached at the end.</summary>
    public static string Format(IReadOnlyList<(Party Sender, RfcMessage Message)> trace, TableSpec table)
    {
        var text = new StringBuilder();
        var state = (HandshakeState?)HandshakeState.Start;
        foreach (var (sender, message) in trace)
        {
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(sender == Party.Client ? "C:" : "S:").Append(message);
            if (state is { } s)
            {
                state = Step(table, s, sender, message);
                if (state is null)
                {
                    text.Append("✗");
                }
            }
        }

        if (trace.Count == 0)
        {
            text.Append("(empty trace)");
        }

        return state is { } end ? $"{text} [table: {end}]" : $"{text} [table rejects at ✗]";
    }

    private static HandshakeState? Step(TableSpec table, HandshakeState s, Party sender, RfcMessage message)
    {
        if (!Enum.TryParse<TableMessage>(message.ToString(), out var m))
        {
            return null;
        }

        var row = table.Find(s, m, sender == Party.Client ? Sender.Client : Sender.Server);
        return row?.To;
    }
}
