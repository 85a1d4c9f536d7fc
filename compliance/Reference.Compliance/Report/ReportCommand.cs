using Reference.Compliance.Citations;
using Reference.Compliance.Spec;

namespace Reference.Compliance.Report;

/// <summary>`report` and `check`: analyse, print errors and the summary, optionally write the report files.</summary>
internal static class ReportCommand
{
    public const string ReportDirectory = "compliance/report";

    public static int Run(string root, bool writeFiles, TextWriter output, TextWriter error)
    {
        var model = Analyzer.Analyze(root);
        var errors = model.Errors.Concat(ExtractCommand.CheckUpToDate(root)).ToList();
        foreach (var e in errors)
            error.WriteLine(e);
        var warnings = SpecIntegrity.Warnings(root);
        foreach (var w in warnings)
            error.WriteLine("warning: " + w);
        Summary.Write(model, errors.Count, output);
        if (writeFiles)
        {
            var directory = Path.Combine(root, ReportDirectory);
            Directory.CreateDirectory(directory);
            var stamp = ReportStamp.Of(root);
            File.WriteAllText(Path.Combine(directory, "report.json"), JsonReport.Write(model, errors, warnings, stamp));
            File.WriteAllText(Path.Combine(directory, "index.html"), HtmlReport.Write(model, errors, warnings, stamp));
            output.WriteLine($"report: {ReportDirectory}/index.html, {ReportDirectory}/report.json");
        }
        if (errors.Count > 0)
            error.WriteLine($"compliance: {errors.Count} error(s)");
        return errors.Count > 0 ? 1 : 0;
    }

    /// <summary>Sections the engine implements: §4–§7 and Appendix D.</summary>
    public static bool IsEngineScope(RfcSection section)
    {
        var first = section.Number.Split('.')[0];
        return first is "4" or "5" or "6" or "7" or "D";
    }
}
