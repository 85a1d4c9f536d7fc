using Reference.Compliance.Citations;
using Reference.Compliance.Spec;

namespace Reference.Compliance.Report;

/// <summary>The one-screen console summary: level × status tables for all sections and for the engine's scope.</summary>
internal static class Summary
{
    public static void Write(ComplianceModel model, int errorCount, TextWriter output)
    {
        var byType = model.Citations.GroupBy(c => c.Type).OrderBy(g => g.Key)
            .Select(g => $"{g.Count()} {Citation.TypeName(g.Key)}");
        var kinds = model.Citations.Count == 0 ? "" : $" ({string.Join(", ", byType)})";
        output.WriteLine($"RFC compliance: {model.Requirements.Count} requirements, {model.Citations.Count} citations{kinds}, {errorCount} errors");
        WriteTable("all sections", model.Requirements, output);
        WriteTable("engine scope: §4-§7 and Appendix D", model.Requirements.Where(r => ReportCommand.IsEngineScope(r.Section)).ToList(), output);
    }

    internal static void WriteTable(string title, IReadOnlyList<RequirementCoverage> requirements, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(title);
        var header = string.Join("", CoverageStatuses.All.Select(s => ShortName(s).PadLeft(11)));
        output.WriteLine($"{"",-8}{header}{"total",8}{"done%",8}");
        foreach (var level in RequirementLevels.Reported)
            WriteRow(level.Name(), requirements.Where(r => r.Level == level).ToList(), output);
        WriteRow("all", requirements, output);
    }

    private static void WriteRow(string label, IReadOnlyList<RequirementCoverage> rows, TextWriter output)
    {
        var cells = string.Join("", CoverageStatuses.All.Select(s => rows.Count(r => r.Status == s).ToString().PadLeft(11)));
        int done = rows.Count(r => r.Status == CoverageStatus.ImplementedAndTested);
        var percent = rows.Count == 0 ? "-" : $"{100.0 * done / rows.Count:0}%";
        output.WriteLine($"{label,-8}{cells}{rows.Count,8}{percent,8}");
    }

    private static string ShortName(CoverageStatus status) => status switch
    {
        CoverageStatus.ImplementedAndTested => "impl+test",
        CoverageStatus.ImplementedOnly => "impl only",
        CoverageStatus.TestedOnly => "test only",
        CoverageStatus.Exception => "exception",
        CoverageStatus.Todo => "todo",
        _ => "none",
    };
}
