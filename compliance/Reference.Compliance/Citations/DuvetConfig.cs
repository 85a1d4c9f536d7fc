namespace Reference.Compliance.Citations;

/// <summary>
/// The parts of duvet.toml this tool uses: `[[source]]` tables (pattern, type,
/// comment-style) and `[[requirement]]` patterns. Other tables are ignored.
/// </summary>
internal sealed record DuvetConfig(IReadOnlyList<SourcePattern> Sources, IReadOnlyList<string> RequirementPatterns)
{
    public static readonly DuvetConfig Default = new(
        [
            new SourcePattern("src/**/*.cs", CitationType.Implementation, CommentStyle.Default),
            new SourcePattern("tests/**/*.cs", CitationType.Test, CommentStyle.Default),
        ],
        ["compliance/specs/**/*.toml"]);

    public static DuvetConfig Load(string root)
    {
        var path = Path.Combine(root, "duvet.toml");
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : Default;
    }

    public static DuvetConfig Parse(string text)
    {
        var sources = new List<SourcePattern>();
        var requirements = new List<string>();
        string table = "";
        Dictionary<string, string> values = new();
        void Flush()
        {
            if (table == "source" && values.TryGetValue("pattern", out var pattern))
            {
                var type = values.TryGetValue("type", out var t) ? Citation.ParseType(t) ?? CitationType.Implementation : CitationType.Implementation;
                var style = new CommentStyle(values.GetValueOrDefault("meta", "//="), values.GetValueOrDefault("content", "//#"));
                sources.Add(new SourcePattern(pattern, type, style));
            }
            else if (table == "requirement" && values.TryGetValue("pattern", out var requirement))
                requirements.Add(requirement);
            values = new();
        }
        foreach (var raw in text.Split('\n'))
        {
            var line = StripComment(raw).Trim();
            if (line.StartsWith('['))
            {
                Flush();
                table = line.Trim('[', ']', ' ');
                continue;
            }
            int eq = line.IndexOf('=');
            if (eq > 0)
                ReadValue(line[..eq].Trim(), line[(eq + 1)..].Trim(), values);
        }
        Flush();
        return new DuvetConfig(sources.Count > 0 ? sources : Default.Sources, requirements.Count > 0 ? requirements : Default.RequirementPatterns);
    }

    private static void ReadValue(string key, string value, Dictionary<string, string> values)
    {
        if (key == "comment-style" && value.StartsWith('{'))
        {
            foreach (var part in value.Trim('{', '}').Split(','))
            {
                int eq = part.IndexOf('=');
                if (eq > 0)
                    values[part[..eq].Trim()] = Unquote(part[(eq + 1)..].Trim());
            }
            return;
        }
        values[key] = Unquote(value);
    }

    private static string Unquote(string value) => value.Length >= 2 && (value[0] == '"' || value[0] == '\'') ? value[1..^1] : value;

    private static string StripComment(string line)
    {
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '"') quoted = !quoted;
            else if (line[i] == '#' && !quoted) return line[..i];
        }
        return line;
    }
}
