namespace Reference.Compliance.Spec;

/// <summary>
/// Sentence boundaries exactly as duvet finds them: a sentence ends at a '.'
/// followed by a space, a tab or the end of the line, and never crosses an
/// empty line (paragraph break).
/// </summary>
internal static class Sentence
{
    public readonly record struct Position(int Line, int Col);

    public static Position FindOpen(IReadOnlyList<string> lines, int lineNo, int start)
    {
        if (FindOpenLine(lines[lineNo][..start]) is { } offset)
            return new Position(lineNo, offset);
        if (lineNo > 0)
            return FindPreviousOpen(lines, lineNo);
        return new Position(lineNo, 0);
    }

    private static Position FindPreviousOpen(IReadOnlyList<string> lines, int count)
    {
        var open = new Position(count - 1, 0);
        for (int lineNo = count - 1; lineNo >= 0; lineNo--)
        {
            var line = lines[lineNo];
            if (line.Length == 0)
                return open;
            if (FindOpenLine(line) is { } end)
                return new Position(lineNo, end);
            open = new Position(lineNo, 0);
        }
        return open;
    }

    private static int? FindOpenLine(string line)
    {
        int dot = line.LastIndexOf('.');
        if (dot < 0)
            return null;
        int end = dot + 1;
        if (end == line.Length || line[end] is ' ' or '\t')
            return end;
        return FindCloseLine(line[..(end - 1)]);
    }

    public static Position FindClose(IReadOnlyList<string> lines, int lineNo, int end)
    {
        if (FindCloseLine(lines[lineNo][end..]) is { } offset)
            return new Position(lineNo, end + offset);
        var next = FindNextClose(lines, lineNo + 1);
        return next;
    }

    private static Position FindNextClose(IReadOnlyList<string> lines, int first)
    {
        var end = new Position(first, 0);
        for (int lineNo = first; lineNo < lines.Count; lineNo++)
        {
            var line = lines[lineNo];
            if (line.Length == 0)
                return new Position(lineNo, 0);
            if (FindCloseLine(line) is { } close)
                return new Position(lineNo, close);
            end = new Position(lineNo, line.Length);
        }
        return end;
    }

    private static int? FindCloseLine(string line)
    {
        int dot = line.IndexOf('.');
        if (dot < 0)
            return null;
        int end = dot + 1;
        if (end == line.Length || line[end] is ' ' or '\t')
            return end;
        return FindCloseLine(line[(end + 1)..]) is { } rest ? end + 1 + rest : null;
    }

    public static List<string> QuoteFromRange(IReadOnlyList<string> lines, Position start, Position end)
    {
        var quote = new List<string>();
        for (int i = start.Line; i <= end.Line && i < lines.Count; i++)
        {
            var line = lines[i];
            if (i == end.Line)
                line = line[..end.Col];
            if (i == start.Line)
                line = line[start.Col..];
            line = line.Trim();
            if (line.Length > 0)
                quote.Add(line);
        }
        return quote;
    }
}
