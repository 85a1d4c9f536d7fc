namespace Reference.Compliance.Spec;

/// <summary>
/// Sanity check of a local RFC copy: the published plain-text RFC 8446 is pure
/// ASCII, so non-ASCII lines mean the copy carries text that is not in the RFC
/// (duvet, which downloads the published text, would not see it).
/// </summary>
internal static class SpecIntegrity
{
    public static List<string> Warnings(string root)
    {
        var warnings = new List<string>();
        var relative = SpecLibrary.LocalPath(ExtractCommand.Rfc8446Url);
        var path = Path.Combine(root, relative);
        if (!File.Exists(path))
            return warnings;
        var lines = IetfParser.SplitLines(File.ReadAllText(path));
        var nonAscii = Enumerable.Range(0, lines.Count).Where(i => lines[i].Any(c => c > 0x7F)).Select(i => i + 1).ToList();
        if (nonAscii.Count > 0)
        {
            warnings.Add($"{relative}: {nonAscii.Count} non-ASCII lines (first at line {nonAscii[0]}): not the published RFC 8446 " +
                "text, which is ASCII; replace it with https://www.rfc-editor.org/rfc/rfc8446.txt");
        }
        return warnings;
    }
}
