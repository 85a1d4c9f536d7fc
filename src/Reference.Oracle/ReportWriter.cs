using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reference.Oracle;

/// <summary>Prints a <see cref="CheckReport"/> as text (check), as a per-message trace, or as JSON.</summary>
internal sealed class ReportWriter(TextWriter output, bool colour)
{
    private string Paint(string text, string code) => colour ? $"\u001b[{code}m{text}\u001b[0m" : text;

    /// <summary>`reference check`: the verdict, then each violation with its clause.</summary>
    public void WriteCheck(CheckReport report, string source)
    {
        output.WriteLine($"{source}: {Paint(report.Verdict.ToUpperInvariant(), report.Conforming ? "32" : "31")} ({report.Entries.Count} events, {report.Violations.Count} violations)");
        foreach (var v in report.Violations)
        {
            var at = v.MessageIndex >= 0 ? report.Entries[v.MessageIndex] : null;
            output.WriteLine($"  {Paint("violation", "31")} {v.Rule.Id} at #{v.MessageIndex} {(at is null ? "" : $"{TranscriptChecker.Name(at.Direction)} {at.Message}")}: {v.Detail}");
            output.WriteLine($"    RFC 8446 {v.Rule.Citation} <{v.Rule.Url}>");
            output.WriteLine($"    \"{v.Rule.Quote}\"");
        }

        foreach (var p in report.Problems)
        {
            output.WriteLine($"  {Paint("cannot check", "33")}: {p}");
        }

        foreach (var n in report.Notes)
        {
            output.WriteLine($"  note: {n}");
        }
    }

    /// <summary>`reference trace`: every message, its fields, the transition taken and the clauses it satisfied.</summary>
    public void WriteTrace(CheckReport report)
    {
        foreach (var e in report.Entries)
        {
            var arrow = e.Direction == Direction.ClientToServer ? "client -> server" : "server -> client";
            output.WriteLine($"#{e.Index,-3} {Paint(arrow, e.Direction == Direction.ClientToServer ? "36" : "35")}  {Paint(e.Message, "1")}" + (e.Length > 0 ? $" ({e.Length} bytes)" : ""));
            if (e.Transition is { } t)
            {
                output.WriteLine($"       transition  {Paint(t, "34")}");
            }

            foreach (var f in e.Fields)
            {
                output.WriteLine($"       {f.Name,-28} {f.Value}");
            }

            foreach (var r in e.Satisfied)
            {
                output.WriteLine($"       {Paint("ok", "32")} {r.Citation,-10} {Paint(Shorten(r.Quote), "2")}");
            }

            foreach (var v in e.Violations)
            {
                output.WriteLine($"       {Paint("VIOLATION", "31")} {v.Rule.Citation} {v.Rule.Id}: {v.Detail}");
                output.WriteLine($"         \"{v.Rule.Quote}\"");
            }
        }

        output.WriteLine();
        WriteCheck(report, "verdict");
    }

    public static string Json(CheckReport report, string source)
    {
        var root = new JsonObject
        {
            ["source"] = source,
            ["verdict"] = report.Verdict,
            ["exitCode"] = report.ExitCode,
            ["violations"] = new JsonArray(report.Violations.Select(v => (JsonNode)new JsonObject
            {
                ["rule"] = v.Rule.Id,
                ["section"] = v.Rule.Section,
                ["url"] = v.Rule.Url,
                ["quote"] = v.Rule.Quote,
                ["message"] = v.MessageIndex,
                ["sender"] = v.Direction is { } d ? TranscriptChecker.Name(d) : null,
                ["detail"] = v.Detail,
            }).ToArray()),
            ["problems"] = new JsonArray(report.Problems.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
            ["notes"] = new JsonArray(report.Notes.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
            ["messages"] = new JsonArray(report.Entries.Select(e => (JsonNode)new JsonObject
            {
                ["index"] = e.Index,
                ["sender"] = TranscriptChecker.Name(e.Direction),
                ["message"] = e.Message,
                ["length"] = e.Length,
                ["transition"] = e.Transition,
                ["fields"] = new JsonObject(e.Fields.Select(f => KeyValuePair.Create(f.Name, (JsonNode?)JsonValue.Create(f.Value)))),
                ["satisfied"] = new JsonArray(e.Satisfied.Select(r => (JsonNode)JsonValue.Create(r.Id)).ToArray()),
            }).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static string Shorten(string quote) => quote.Length <= 90 ? quote : quote[..87] + "...";
}
