using System.Text.Json;
using Xunit;
using Reference.Compliance.Report;

namespace Reference.Compliance.Tests;

/// <summary>A compliance report says which commit it describes and when it was made, and every section has an anchor.</summary>
public class ReportStampTests
{
    [Fact]
    public void The_html_and_json_reports_carry_the_commit_and_date_and_an_anchor_per_section()
    {
        var stamp = ReportStamp.Of(TestRepo.RepoRoot);
        Assert.Matches("^[0-9a-f]{40}( with uncommitted changes)?$", stamp.Commit);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", stamp.Date);

        var model = Analyzer.Analyze(TestRepo.RepoRoot);
        string html = HtmlReport.Write(model, [], [], stamp);
        Assert.Contains($"commit <code>{stamp.Commit}</code>, made {stamp.Date}", html, StringComparison.Ordinal);
        foreach (var section in model.Requirements.Select(r => r.Section.Id).Distinct())
            Assert.Contains($"id=\"{section}\"", html, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(JsonReport.Write(model, [], [], stamp));
        Assert.Equal(stamp.Commit, json.RootElement.GetProperty("commit").GetString());
        Assert.Equal(stamp.Date, json.RootElement.GetProperty("date").GetString());
    }
}
