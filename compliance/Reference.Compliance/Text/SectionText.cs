using Reference.Compliance.Spec;

namespace Reference.Compliance.Text;

/// <summary>
/// The searchable text of a section, as duvet builds it: every non-empty line
/// trimmed and joined with one space, so a quote can cross line breaks. Keeps
/// the map back to (line, column) for highlighting, and the normalised form
/// for whitespace-insensitive search.
/// </summary>
internal sealed class SectionText
{
    private readonly string _normalized;
    private readonly int[] _normalizedOffsets;

    public SectionText(RfcSection section)
    {
        Section = section;
        var builder = new System.Text.StringBuilder();
        var lineOf = new List<int>();
        var colOf = new List<int>();
        for (int lineNo = 0; lineNo < section.Lines.Count; lineNo++)
        {
            var line = section.Lines[lineNo];
            var trimmed = line.Trim();
            if (trimmed.Length == 0)
                continue;
            if (builder.Length > 0)
            {
                builder.Append(' ');
                lineOf.Add(-1);
                colOf.Add(-1);
            }
            int startCol = line.Length - line.TrimStart().Length;
            builder.Append(trimmed);
            for (int i = 0; i < trimmed.Length; i++)
            {
                lineOf.Add(lineNo);
                colOf.Add(startCol + i);
            }
        }
        Value = builder.ToString();
        LineOf = lineOf.ToArray();
        ColumnOf = colOf.ToArray();
        _normalized = Whitespace.Normalize(Value, out _normalizedOffsets);
    }

    public RfcSection Section { get; }

    public string Value { get; }

    /// <summary>Section line index of each character of <see cref="Value"/> (-1 for joining spaces).</summary>
    public int[] LineOf { get; }

    public int[] ColumnOf { get; }

    /// <summary>
    /// duvet's quote search: an exact substring first, then a substring of the
    /// whitespace-normalised text. Returns the range in <see cref="Value"/>.
    /// (duvet also tries a fuzzy match with edit distance 1; this tool does not,
    /// so a quote it accepts is accepted by duvet too.)
    /// </summary>
    public TextRange? Find(string quote)
    {
        if (quote.Trim().Length == 0)
            return null;
        int exact = Value.IndexOf(quote, StringComparison.Ordinal);
        if (exact >= 0)
            return new TextRange(exact, exact + quote.Length);
        var needle = Whitespace.Normalize(quote);
        if (needle.Length == 0)
            return null;
        int found = _normalized.IndexOf(needle, StringComparison.Ordinal);
        if (found < 0)
            return null;
        int start = _normalizedOffsets[found];
        int end = _normalizedOffsets[found + needle.Length];
        end = start + Value[start..end].TrimEnd().Length;
        return new TextRange(start, end);
    }
}

/// <summary>A half-open character range [Start, End).</summary>
internal readonly record struct TextRange(int Start, int End)
{
    public bool Overlaps(TextRange other) => Start < other.End && other.Start < End;
}
