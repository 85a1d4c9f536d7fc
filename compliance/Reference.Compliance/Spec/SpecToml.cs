using System.Text;

namespace Reference.Compliance.Spec;

/// <summary>
/// duvet's per-section requirement files: `target = "&lt;url&gt;#&lt;section id&gt;"`, the
/// section text as comments, then one `[[spec]]` table per requirement with
/// `level` and a literal multi-line `quote`.
/// </summary>
internal static class SpecToml
{
    public static string Write(string specUrl, RfcSection section, IReadOnlyList<Requirement> requirements)
    {
        var toml = new StringBuilder();
        toml.Append($"target = \"{specUrl}#{section.Id}\"\n\n");
        toml.Append($"# {section.Heading.Trim()}\n#\n");
        foreach (var line in section.Lines)
            toml.Append($"# {line}\n");
        toml.Append('\n');
        foreach (var requirement in requirements)
        {
            if (requirement.QuoteLines.Any(l => l.Contains("'''")))
                throw new InvalidOperationException($"quote in {section.Id} contains ''' and cannot be a TOML literal");
            toml.Append("[[spec]]\n");
            toml.Append($"level = \"{requirement.Level.Name()}\"\n");
            toml.Append("quote = '''\n");
            foreach (var line in requirement.QuoteLines)
                toml.Append(line).Append('\n');
            toml.Append("'''\n\n");
        }
        return toml.ToString();
    }

    /// <summary>A requirement file read back: its target and requirements (line = line of the [[spec]] header).</summary>
    internal sealed record File(string Target, IReadOnlyList<(RequirementLevel Level, string Quote, int Line)> Specs);

    /// <summary>
    /// Reads the subset of TOML these files use (key = "basic string",
    /// key = '''literal''' and [[spec]] tables); anything else is an error.
    /// </summary>
    public static File Read(string text, string path)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        string? target = null;
        var specs = new List<(RequirementLevel, string, int)>();
        string? level = null, quote = null;
        int specLine = 0;
        void FlushSpec()
        {
            if (specLine == 0)
                return;
            if (quote is null)
                throw new FormatException($"{path}:{specLine}: [[spec]] without quote");
            var parsed = RequirementLevels.TryParse(level ?? "AUTO") ?? throw new FormatException($"{path}:{specLine}: bad level {level}");
            specs.Add((parsed, quote, specLine));
            (level, quote, specLine) = (null, null, 0);
        }
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            if (line == "[[spec]]")
            {
                FlushSpec();
                specLine = i + 1;
                continue;
            }
            var (key, value) = ReadKeyValue(lines, ref i, path);
            if (specLine == 0 && key == "target") target = value;
            else if (specLine != 0 && key == "level") level = value;
            else if (specLine != 0 && key == "quote") quote = value;
            else if (specLine == 0 || key is not ("target" or "format"))
                throw new FormatException($"{path}:{i + 1}: unsupported key '{key}'");
        }
        FlushSpec();
        return new File(target ?? throw new FormatException($"{path}: missing target"), specs);
    }

    private static (string Key, string Value) ReadKeyValue(string[] lines, ref int i, string path)
    {
        var line = lines[i];
        int eq = line.IndexOf('=');
        if (eq < 0)
            throw new FormatException($"{path}:{i + 1}: expected key = value");
        var key = line[..eq].Trim();
        var rest = line[(eq + 1)..].Trim();
        if (rest.StartsWith("'''", StringComparison.Ordinal))
            return (key, ReadLiteralBlock(lines, ref i, rest[3..], path));
        if (rest.Length >= 2 && rest[0] == '"' && rest[^1] == '"')
            return (key, rest[1..^1].Replace("\\\"", "\"").Replace("\\\\", "\\"));
        if (rest.Length >= 2 && rest[0] == '\'' && rest[^1] == '\'')
            return (key, rest[1..^1]);
        throw new FormatException($"{path}:{i + 1}: unsupported value for '{key}'");
    }

    private static string ReadLiteralBlock(string[] lines, ref int i, string firstRest, string path)
    {
        int start = i;
        var value = new StringBuilder();
        int close = firstRest.IndexOf("'''", StringComparison.Ordinal);
        if (close >= 0)
            return firstRest[..close];
        if (firstRest.Length > 0)
            value.Append(firstRest).Append('\n');
        for (i++; i < lines.Length; i++)
        {
            close = lines[i].IndexOf("'''", StringComparison.Ordinal);
            if (close >= 0)
                return value.Append(lines[i][..close]).ToString();
            value.Append(lines[i]).Append('\n');
        }
        throw new FormatException($"{path}:{start + 1}: unterminated '''");
    }
}
