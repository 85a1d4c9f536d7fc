using System.Text;

namespace Reference.Compliance.Spec;

/// <summary>
/// Splits a plain-text RFC into sections with the same rules as duvet's IETF
/// parser (tokenize lines, detect page/line breaks, section headings, page
/// headers/footers and named sections, drop duplicate breaks), so section ids
/// and section text agree with what duvet would compute on the same file.
/// </summary>
internal static class IetfParser
{
    public static IReadOnlyList<RfcSection> Parse(string text)
    {
        var tokens = Classify(SplitLines(text));
        tokens = NamedSections.Apply(tokens);
        tokens = FilterBreaks(tokens);
        return BuildSections(tokens);
    }

    /// <summary>Rust's str::lines: split on \n, drop a trailing \r; BOM removed.</summary>
    internal static List<string> SplitLines(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
            text = text[1..];
        var lines = new List<string>(text.Split('\n'));
        if (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].EndsWith('\r'))
                lines[i] = lines[i][..^1];
        }
        return lines;
    }

    private static List<IetfToken> Classify(List<string> lines)
    {
        var headings = new SectionHeadings();
        var tokens = new List<IetfToken>(lines.Count);
        for (int i = 0; i < lines.Count; i++)
        {
            var token = ClassifyBreak(lines[i], i + 1);
            token = headings.OnToken(token);
            if (token.Kind == IetfTokenKind.Content && PageHeaders.IsHeaderOrFooter(token.Value))
                token = token with { Kind = IetfTokenKind.Header };
            tokens.Add(token);
        }
        return tokens;
    }

    private static IetfToken ClassifyBreak(string value, int line)
    {
        if (value == "\f")
            return new IetfToken(IetfTokenKind.PageBreak, value, line);
        if (value.Trim().Length == 0)
            return new IetfToken(IetfTokenKind.LineBreak, value, line);
        return new IetfToken(IetfTokenKind.Content, value, line);
    }

    /// <summary>
    /// duvet's break filter: collapse runs of breaks, drop page headers/footers
    /// (which count as a break), and drop the first content line after a page
    /// break (a header that did not match the header patterns).
    /// </summary>
    private static List<IetfToken> FilterBreaks(List<IetfToken> tokens)
    {
        var kept = new List<IetfToken>(tokens.Count);
        IetfTokenKind? pendingBreak = null;
        foreach (var token in tokens)
        {
            var previous = pendingBreak;
            pendingBreak = null;
            if (token.IsBreak)
            {
                pendingBreak = token.Kind;
                if (previous is not null)
                    continue;
            }
            else if (token.Kind == IetfTokenKind.Content && previous == IetfTokenKind.PageBreak)
            {
                pendingBreak = IetfTokenKind.LineBreak;
                continue;
            }
            else if (token.Kind == IetfTokenKind.Header)
            {
                pendingBreak = IetfTokenKind.LineBreak;
                continue;
            }
            kept.Add(token);
        }
        return kept;
    }

    private static List<RfcSection> BuildSections(List<IetfToken> tokens)
    {
        var sections = new List<RfcSection>();
        IetfToken? heading = null;
        var lines = new List<string>();
        foreach (var token in tokens)
        {
            if (token.IsHeading)
            {
                Flush(sections, heading, lines);
                heading = token;
                lines = new List<string>();
            }
            else if (heading is not null && token.Kind != IetfTokenKind.Header)
            {
                var value = token.IsBreak ? "" : token.Value;
                if (lines.Count > 0 || value.Trim().Length > 0)
                    lines.Add(value);
            }
        }
        Flush(sections, heading, lines);
        return sections;
    }

    private static void Flush(List<RfcSection> sections, IetfToken? heading, List<string> lines)
    {
        if (heading is not { } h)
            return;
        while (lines.Count > 0 && lines[^1].Trim().Length == 0)
            lines.RemoveAt(lines.Count - 1);
        var (id, number) = h.Kind switch
        {
            IetfTokenKind.Section => ("section-" + h.Id, h.Id),
            IetfTokenKind.Appendix => ("appendix-" + h.Id, h.Id),
            _ => ("name-" + Slugify(h.Title), ""),
        };
        sections.Add(new RfcSection(id, number, h.Title, h.Value, h.Line, lines));
    }

    /// <summary>Lower-case ASCII letters/digits, other runs become one '-' (slug crate).</summary>
    internal static string Slugify(string title)
    {
        var slug = new StringBuilder();
        foreach (var c in title.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
                slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-')
                slug.Append('-');
        }
        return slug.ToString().TrimEnd('-');
    }
}
