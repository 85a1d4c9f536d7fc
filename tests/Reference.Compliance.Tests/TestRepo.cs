using Reference.Compliance.Spec;

namespace Reference.Compliance.Tests;

/// <summary>
/// A throw-away repository in a temp directory: Reference.sln, a copy of the
/// real spec/rfc8446.txt, extracted requirement files, and sample sources.
/// Citation lines are built from <see cref="Meta"/>/<see cref="Quote"/> so this
/// file itself contains no citation comments for the real report to scan.
/// </summary>
internal sealed class TestRepo : IDisposable
{
    public const string Meta = "//" + "=";
    public const string Quote = "//" + "#";
    public const string Url = "https://www.rfc-editor.org/rfc/rfc8446";

    public TestRepo(bool extract = true)
    {
        Root = Path.Combine(Path.GetTempPath(), "compliance-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, "spec"));
        File.WriteAllText(Path.Combine(Root, "Reference.sln"), "");
        File.Copy(Path.Combine(RepoRoot, "spec", "rfc8446.txt"), Path.Combine(Root, "spec", "rfc8446.txt"));
        if (extract)
            ExtractCommand.Run(Root, TextWriter.Null);
    }

    public string Root { get; }

    public static string RepoRoot { get; } =
        Program.FindRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("Reference.sln not found above the test binaries");

    public void Write(string relativePath, params string[] lines)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    /// <summary>Comment lines of one citation: target, optional type/reason, then quote lines.</summary>
    public static string[] Cite(string section, string? type, string? reason, params string[] quote)
    {
        var lines = new List<string> { $"    {Meta} {Url}#{section}" };
        if (type is not null)
            lines.Add($"    {Meta} type={type}");
        if (reason is not null)
            lines.Add($"    {Meta} reason={reason}");
        lines.AddRange(quote.Select(q => $"    {Quote} {q}"));
        return lines.ToArray();
    }

    public static string[] Code(params string[][] blocks) =>
        new[] { "namespace Sample;", "internal static class S", "{" }
            .Concat(blocks.SelectMany(b => b.Append("    internal static void M() { }")))
            .Append("}").ToArray();

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
