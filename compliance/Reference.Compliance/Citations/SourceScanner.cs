namespace Reference.Compliance.Citations;

/// <summary>Finds the files named by the config's source patterns and parses their citations.</summary>
internal static class SourceScanner
{
    private static readonly HashSet<string> SkippedDirectories = new(StringComparer.Ordinal) { "bin", "obj", ".git", "node_modules" };

    public static List<Citation> Scan(string root, DuvetConfig config, List<ComplianceError> errors)
    {
        var citations = new List<Citation>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in config.Sources)
        {
            foreach (var relative in EnumerateFiles(root, source.BaseDirectory))
            {
                if (!source.Matches(relative) || !seen.Add(relative))
                    continue;
                var text = File.ReadAllText(Path.Combine(root, relative));
                if (!text.Contains(source.Style.Meta, StringComparison.Ordinal) && !text.Contains(source.Style.Content, StringComparison.Ordinal))
                    continue;
                citations.AddRange(CitationParser.Parse(relative, text, source.DefaultType, source.Style, errors));
            }
        }
        return citations;
    }

    /// <summary>Files under root/baseDirectory as sorted '/'-separated paths relative to root.</summary>
    public static IEnumerable<string> EnumerateFiles(string root, string baseDirectory)
    {
        var start = Path.Combine(root, baseDirectory);
        if (!Directory.Exists(start))
            yield break;
        var pending = new Stack<string>();
        pending.Push(start);
        var files = new List<string>();
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(directory))
            {
                if (!SkippedDirectories.Contains(Path.GetFileName(sub)))
                    pending.Push(sub);
            }
            foreach (var file in Directory.EnumerateFiles(directory))
                files.Add(Path.GetRelativePath(root, file).Replace('\\', '/'));
        }
        files.Sort(StringComparer.Ordinal);
        foreach (var file in files)
            yield return file;
    }
}
