using System.Net;
using System.Text;
using Reference.Compliance.Citations;
using Reference.Compliance.Spec;
using Reference.Compliance.Text;

namespace Reference.Compliance.Report;

/// <summary>
/// compliance/report/index.html: a static page (inline CSS and a little JS,
/// no network) with the totals, a filter by level/status/scope, one table per
/// section and the section text with the cited spans highlighted. Source links
/// are relative to the report directory.
/// </summary>
internal static class HtmlReport
{
    public static string Write(ComplianceModel model, IReadOnlyList<ComplianceError> errors, IReadOnlyList<string> warnings, ReportStamp? stamp = null)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>RFC 8446 compliance report</title>\n<style>").Append(HtmlAssets.Css).Append("</style></head><body>\n");
        html.Append("<h1>RFC 8446 compliance report</h1>\n");
        if (stamp is not null)
            html.Append($"<p id=\"stamp\">commit <code>{Escape(stamp.Commit)}</code>, made {Escape(stamp.Date)}. Tested here means cited by a test, not run by this report.</p>\n");
        html.Append($"<p id=\"counts\">{model.Requirements.Count} requirements, {model.Citations.Count} citations, <span class=\"{(errors.Count > 0 ? "bad" : "good")}\">{errors.Count} errors</span>. ");
        html.Append("A requirement is <b>implemented+tested</b> when an implementation citation and a test citation overlap its sentence.</p>\n");
        WriteTotals(html, "All sections", model.Requirements, "totals-all");
        WriteTotals(html, "Engine scope (§4–§7, Appendix D)", model.Requirements.Where(r => ReportCommand.IsEngineScope(r.Section)).ToList(), "totals-scope");
        WriteErrors(html, errors);
        foreach (var w in warnings)
            html.Append($"<p class=\"warning\">warning: {Escape(w)}</p>\n");
        html.Append(HtmlAssets.Filters);
        foreach (var group in model.Requirements.GroupBy(r => (r.SpecUrl, r.Section)))
            WriteSection(html, model, group.Key.SpecUrl, group.Key.Section, group.ToList());
        html.Append("<script>").Append(HtmlAssets.Script).Append("</script>\n</body></html>\n");
        return html.ToString();
    }

    private static void WriteTotals(StringBuilder html, string title, IReadOnlyList<RequirementCoverage> rows, string id)
    {
        html.Append($"<table class=\"totals\" id=\"{id}\"><caption>{Escape(title)}</caption><tr><th>level</th>");
        foreach (var status in CoverageStatuses.All)
            html.Append($"<th>{Escape(status.Name().Replace("+", " + "))}</th>");
        html.Append("<th>total</th></tr>\n");
        foreach (var level in RequirementLevels.Reported)
        {
            var ofLevel = rows.Where(r => r.Level == level).ToList();
            html.Append($"<tr><th>{level.Name()}</th>");
            foreach (var status in CoverageStatuses.All)
                html.Append($"<td class=\"{Css(status)}\">{ofLevel.Count(r => r.Status == status)}</td>");
            html.Append($"<td>{ofLevel.Count}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void WriteErrors(StringBuilder html, IReadOnlyList<ComplianceError> errors)
    {
        if (errors.Count == 0)
            return;
        html.Append("<h2 class=\"bad\">Errors</h2><ul id=\"errors\">\n");
        foreach (var e in errors)
            html.Append($"<li>{SourceLink(e.File, e.Line)} {Escape(e.Message)}</li>\n");
        html.Append("</ul>\n");
    }

    private static void WriteSection(StringBuilder html, ComplianceModel model, string specUrl, RfcSection section, List<RequirementCoverage> rows)
    {
        var scope = ReportCommand.IsEngineScope(section) ? "1" : "0";
        html.Append($"<section class=\"spec\" id=\"{section.Id}\" data-scope=\"{scope}\">\n");
        html.Append($"<h2><a href=\"{specUrl}#{section.Id}\">{Escape(section.Heading.Trim())}</a></h2>\n");
        html.Append("<table class=\"reqs\"><colgroup><col class=\"c-level\"><col class=\"c-status\"><col><col class=\"c-cites\"></colgroup>\n");
        html.Append("<tr><th>level</th><th>status</th><th>requirement</th><th>citations</th></tr>\n");
        foreach (var r in rows)
        {
            html.Append($"<tr class=\"req\" data-level=\"{r.Level.Name()}\" data-status=\"{r.Status.Name()}\">");
            html.Append($"<td>{r.Level.Name()}</td><td class=\"{Css(r.Status)}\">{Escape(r.Status.Name())}");
            if (r.Reason.Length > 0)
                html.Append($"<div class=\"reason\">{Escape(r.Reason)}</div>");
            html.Append($"</td><td>{Escape(string.Join(" ", r.Quote.Split('\n', StringSplitOptions.TrimEntries)))}</td><td>");
            foreach (var c in r.Citations)
                html.Append($"<div>{Citation.TypeName(c.Type)}: {SourceLink(c.File, c.Line)}</div>");
            html.Append("</td></tr>\n");
        }
        html.Append("</table>\n<details><summary>section text (requirements coloured by status)</summary><pre class=\"rfc\">");
        WriteSectionText(html, model.Specs.Text(specUrl, section), model.Resolved.Where(c => c.SpecUrl == specUrl && c.Section.Id == section.Id), rows);
        html.Append("</pre></details>\n</section>\n");
    }

    /// <summary>
    /// The section's lines with highlights: a requirement sentence is coloured
    /// by its status (red when not covered); cited text outside any requirement
    /// by the kinds of citation on it.
    /// </summary>
    private static void WriteSectionText(StringBuilder html, SectionText text, IEnumerable<ResolvedCitation> citations, List<RequirementCoverage> requirements)
    {
        var charClass = new string[text.Value.Length];
        var cited = new int[text.Value.Length];
        foreach (var c in citations)
        {
            int flag = c.Citation.Type switch
            {
                CitationType.Implementation => 1, CitationType.Test => 2, CitationType.Implication => 3,
                CitationType.Exception => 4, _ => 8,
            };
            for (int i = c.Range.Start; i < c.Range.End; i++)
                cited[i] |= flag;
        }
        for (int i = 0; i < cited.Length; i++)
            charClass[i] = HighlightClass(cited[i]);
        foreach (var r in requirements)
        {
            for (int i = r.Range.Start; i < r.Range.End; i++)
                charClass[i] = StatusHighlight(r.Status);
        }
        var lines = text.Section.Lines;
        var lineClasses = lines.Select(l => new string[l.Length]).ToArray();
        for (int i = 0; i < charClass.Length; i++)
        {
            if (text.LineOf[i] >= 0)
                lineClasses[text.LineOf[i]][text.ColumnOf[i]] = charClass[i];
        }
        for (int line = 0; line < lines.Count; line++)
        {
            WriteHighlightedLine(html, lines[line], lineClasses[line]);
            html.Append('\n');
        }
    }

    private static void WriteHighlightedLine(StringBuilder html, string line, string?[] classes)
    {
        int start = 0;
        while (start < line.Length)
        {
            var css = classes[start] ?? "";
            int end = start + 1;
            while (end < line.Length && (classes[end] ?? "") == css)
                end++;
            var chunk = Escape(line[start..end]);
            html.Append(css.Length == 0 ? chunk : $"<mark class=\"{css}\">{chunk}</mark>");
            start = end;
        }
    }

    private static string HighlightClass(int flag) =>
        (flag & 3) == 3 ? "h-done" : (flag & 4) != 0 ? "h-exc" : (flag & 3) != 0 ? "h-part" : (flag & 8) != 0 ? "h-todo" : "";

    private static string StatusHighlight(CoverageStatus status) => status switch
    {
        CoverageStatus.ImplementedAndTested => "h-done",
        CoverageStatus.ImplementedOnly or CoverageStatus.TestedOnly => "h-part",
        CoverageStatus.Exception => "h-exc",
        CoverageStatus.Todo => "h-todo",
        _ => "h-none",
    };

    private static string SourceLink(string file, int line)
    {
        var label = line > 0 ? $"{file}:{line}" : file;
        var href = "../../" + string.Join('/', file.Split('/').Select(Uri.EscapeDataString)) + (line > 0 ? $"#L{line}" : "");
        return $"<a href=\"{Escape(href)}\">{Escape(label)}</a>";
    }

    private static string Css(CoverageStatus status) => "s-" + status.ToString().ToLowerInvariant();

    private static string Escape(string value) => WebUtility.HtmlEncode(value);
}
