using System.Diagnostics;
using System.Text.RegularExpressions;
using Reference.Compliance.Report;
using Xunit;

namespace Reference.Compliance.Tests;

/// <summary>
/// The HTML report as an auditor's browser shows it: headless Chromium renders the real repository's
/// report, and the rendered DOM must hold the totals and one table per RFC section.
/// </summary>
public class HtmlReportBrowserTests
{
    [Fact]
    public void Headless_chromium_renders_the_totals_and_section_tables()
    {
        var model = Analyzer.Analyze(TestRepo.RepoRoot);
        var dir = Directory.CreateTempSubdirectory("compliance-html-");
        try
        {
            var page = Path.Combine(dir.FullName, "index.html");
            File.WriteAllText(page, HtmlReport.Write(model, [], []));
            var dom = DumpDom(page);
            Assert.Contains("id=\"counts\"", dom);
            Assert.Contains("class=\"totals\"", dom);
            Assert.Contains("id=\"section-4.1.2\"", dom);
            Assert.True(Regex.Matches(dom, "<section class=\"spec\"").Count >= 50, "expected one section per RFC section with requirements");
            Assert.Contains($"{model.Requirements.Count} requirements", dom);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string DumpDom(string page)
    {
        var start = new ProcessStartInfo("chromium")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.GetDirectoryName(page)}/profile", "--dump-dom", new Uri(page).AbsoluteUri })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish in 60 s");
        }

        return stdout.Result;
    }
}
