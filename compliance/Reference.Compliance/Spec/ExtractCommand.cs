namespace Reference.Compliance.Spec;

/// <summary>
/// `extract`: writes compliance/specs/www.rfc-editor.org/rfc/rfc8446/&lt;section id&gt;.toml
/// from spec/rfc8446.txt, one file per section that has requirements.
/// </summary>
internal static class ExtractCommand
{
    public const string Rfc8446Url = "https://www.rfc-editor.org/rfc/rfc8446";

    public static string OutputDirectory(string root, string specUrl) =>
        Path.Combine(root, "compliance", "specs", new Uri(specUrl).Host, Path.Combine(new Uri(specUrl).AbsolutePath.Trim('/').Split('/')));

    /// <summary>File name → content for every section with requirements.</summary>
    public static SortedDictionary<string, string> Generate(RfcDocument document, string specUrl)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (section, requirements) in RequirementExtractor.Extract(document))
            files[section.Id + ".toml"] = SpecToml.Write(specUrl, section, requirements);
        return files;
    }

    public static int Run(string root, TextWriter output)
    {
        var document = RfcDocument.Load(Path.Combine(root, SpecLibrary.LocalPath(Rfc8446Url)));
        var files = Generate(document, Rfc8446Url);
        var directory = OutputDirectory(root, Rfc8446Url);
        if (Directory.Exists(directory))
        {
            foreach (var stale in Directory.EnumerateFiles(directory, "*.toml"))
                File.Delete(stale);
        }
        Directory.CreateDirectory(directory);
        foreach (var (name, content) in files)
            File.WriteAllText(Path.Combine(directory, name), content);
        var counts = RequirementExtractor.Extract(document).SelectMany(s => s.Requirements).GroupBy(r => r.Level).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"extracted {counts.Values.Sum()} requirements in {files.Count} sections " +
            $"(MUST {counts.GetValueOrDefault(RequirementLevel.Must)}, SHOULD {counts.GetValueOrDefault(RequirementLevel.Should)}, " +
            $"MAY {counts.GetValueOrDefault(RequirementLevel.May)}) into {Path.GetRelativePath(root, directory)}");
        foreach (var warning in SpecIntegrity.Warnings(root))
            output.WriteLine("warning: " + warning);
        return 0;
    }

    /// <summary>Errors for committed requirement files that differ from a fresh extraction.</summary>
    public static List<Citations.ComplianceError> CheckUpToDate(string root)
    {
        var errors = new List<Citations.ComplianceError>();
        var rfc = Path.Combine(root, SpecLibrary.LocalPath(Rfc8446Url));
        var directory = OutputDirectory(root, Rfc8446Url);
        if (!File.Exists(rfc) || !Directory.Exists(directory))
            return errors;
        var expected = Generate(RfcDocument.Load(rfc), Rfc8446Url);
        var relative = Path.GetRelativePath(root, directory).Replace('\\', '/');
        foreach (var (name, content) in expected)
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path) || File.ReadAllText(path) != content)
                errors.Add(new Citations.ComplianceError($"{relative}/{name}", 0, "requirement file is missing or out of date; run `extract`"));
        }
        foreach (var path in Directory.EnumerateFiles(directory, "*.toml"))
        {
            if (!expected.ContainsKey(Path.GetFileName(path)))
                errors.Add(new Citations.ComplianceError($"{relative}/{Path.GetFileName(path)}", 0, "requirement file not produced by extraction; run `extract`"));
        }
        return errors;
    }
}
