namespace Reference.Compliance.Spec;

/// <summary>
/// Section number parts as duvet parses them: an optional leading appendix
/// letter, then numbers 0..199 (the first part non-zero).
/// </summary>
internal static class SectionNumber
{
    /// <summary>Parts: a number, or a negative value -(letter) for an appendix letter.</summary>
    public static List<int>? Parse(string id)
    {
        int digitOffset = 0;
        for (int i = 0; i < id.Length; i++)
        {
            if (char.IsAsciiDigit(id[i])) { digitOffset = i; break; }
        }
        var raw = new List<string>();
        if (digitOffset > 0)
            raw.Add(id[..digitOffset].TrimEnd('.'));
        raw.AddRange(id[digitOffset..].Split('.'));
        var parts = new List<int>(raw.Count);
        for (int i = 0; i < raw.Count; i++)
        {
            var part = ParsePart(raw[i]);
            if (part is not { } p || (i == 0 && p == 0) || (i > 0 && p < 0))
                return null;
            parts.Add(p);
        }
        return parts;
    }

    private static int? ParsePart(string s)
    {
        if (s.Length > 0 && s.All(char.IsAsciiDigit))
            return int.TryParse(s, out var n) && n <= 199 ? n : null;
        if (s.Length == 1 && char.IsAsciiLetterUpper(s[0]))
            return -s[0];
        return null;
    }

    public static bool IsMonotonic(string previous, string current)
    {
        if (previous == current)
            return false;
        var prev = Parse(previous);
        var cur = Parse(current);
        if (prev is null || cur is null)
            return false;
        for (int i = 0; i < Math.Min(prev.Count, cur.Count); i++)
        {
            if (i > 0 && cur[i] < 0)
                return false;
            if (IsNext(prev[i], cur[i]))
                break;
            if (prev[i] != cur[i])
                return false;
        }
        return true;
    }

    private static bool IsNext(int a, int b) => (a >= 0, b >= 0) switch
    {
        (true, true) => a + 1 == b,
        (true, false) => b == -'A',
        (false, true) => false,
        _ => -a + 1 == -b,
    };
}
