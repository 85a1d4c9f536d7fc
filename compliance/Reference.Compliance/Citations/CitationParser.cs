namespace Reference.Compliance.Citations;

/// <summary>
/// Parses citations out of one source file with duvet's rules: only lines whose
/// first non-blank text is the meta (`//=`) or content (`//#`) prefix count; a
/// citation is a run of consecutive such lines; `//= key=value` sets metadata
/// (source, type, reason, level, format, feature, tracking-issue), a `//=` line
/// without '=' is the target URL; a `//=` line after `//#` lines starts a new
/// citation. On top of duvet, an exception must give a reason and every
/// citation must quote something.
/// </summary>
internal static class CitationParser
{
    private sealed class Pending
    {
        public int Line;
        public string? Target;
        public CitationType? Type;
        public readonly List<string> Reasons = [];
        public string TrackingIssue = "";
        public readonly List<string> Quote = [];
        public readonly HashSet<string> Keys = [];
    }

    public static List<Citation> Parse(string file, string text, CitationType defaultType, CommentStyle style, List<ComplianceError> errors)
    {
        var citations = new List<Citation>();
        Pending? pending = null;
        int previousLine = -10;
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var content = lines[i].TrimStart();
            bool isMeta = content.StartsWith(style.Meta, StringComparison.Ordinal);
            bool isQuote = !isMeta && content.StartsWith(style.Content, StringComparison.Ordinal);
            if (!isMeta && !isQuote)
                continue;
            int lineNo = i + 1;
            if (pending is not null && (lineNo > previousLine + 1 || (isMeta && pending.Quote.Count > 0)))
            {
                Finish(file, pending, defaultType, citations, errors);
                pending = null;
            }
            previousLine = lineNo;
            if (isQuote)
            {
                var quote = content[style.Content.Length..].Trim();
                if (pending is null)
                    errors.Add(new ComplianceError(file, lineNo, $"'{style.Content}' quote line without a '{style.Meta}' target above it"));
                else if (quote.Length > 0)
                    pending.Quote.Add(quote);
                continue;
            }
            pending ??= new Pending { Line = lineNo };
            SetMeta(file, lineNo, pending, content[style.Meta.Length..].Trim(), errors);
        }
        if (pending is not null)
            Finish(file, pending, defaultType, citations, errors);
        return citations;
    }

    private static void SetMeta(string file, int lineNo, Pending pending, string meta, List<ComplianceError> errors)
    {
        int eq = meta.IndexOf('=');
        var key = eq < 0 ? "source" : meta[..eq].Trim();
        var value = eq < 0 ? meta : meta[(eq + 1)..].Trim();
        if (key != "reason" && !pending.Keys.Add(key))
        {
            errors.Add(new ComplianceError(file, lineNo, $"\"{key}\" already specified"));
            return;
        }
        switch (key)
        {
            case "source": pending.Target = value; break;
            case "type":
                pending.Type = Citation.ParseType(value);
                if (pending.Type is null)
                    errors.Add(new ComplianceError(file, lineNo, $"invalid annotation type \"{value}\" (implementation, test, exception, todo, implication)"));
                break;
            case "reason": pending.Reasons.Add(value); break;
            case "tracking-issue": pending.TrackingIssue = value; break;
            case "level" or "format" or "feature": break;
            default: errors.Add(new ComplianceError(file, lineNo, $"invalid metadata field \"{key}\"")); break;
        }
    }

    private static void Finish(string file, Pending pending, CitationType defaultType, List<Citation> citations, List<ComplianceError> errors)
    {
        var type = pending.Type ?? defaultType;
        var reason = string.Join(" ", pending.Reasons).Trim();
        if (pending.Target is null)
        {
            errors.Add(new ComplianceError(file, pending.Line, "citation is missing its target URL (//= https://...#section-X)"));
            return;
        }
        if (reason.Length > 0 && type == CitationType.Todo)
            errors.Add(new ComplianceError(file, pending.Line, "invalid key \"reason\" for type todo"));
        if (type == CitationType.Exception && reason.Length == 0)
            errors.Add(new ComplianceError(file, pending.Line, "exception has no reason (add //= reason=...)"));
        if (pending.Quote.Count == 0)
            errors.Add(new ComplianceError(file, pending.Line, "citation has no quote (add //# lines copied from the section)"));
        citations.Add(new Citation(file, pending.Line, pending.Target, type, reason, string.Join(" ", pending.Quote), pending.TrackingIssue));
    }
}
