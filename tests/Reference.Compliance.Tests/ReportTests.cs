using Reference.Compliance.Citations;
using Reference.Compliance.Report;
using Xunit;
using static Reference.Compliance.Tests.TestRepo;

namespace Reference.Compliance.Tests;

public class ReportTests
{
    private const string Renegotiation1 = "Because TLS 1.3 forbids renegotiation, if a server has negotiated";
    private const string Renegotiation2 = "TLS 1.3 and receives a ClientHello at any other time, it MUST";
    private const string Renegotiation3 = "terminate the connection with an \"unexpected_message\" alert.";

    private static RequirementCoverage Requirement(ComplianceModel model, string section, string start) =>
        model.Requirements.Single(r => r.Section.Id == section && r.Quote.StartsWith(start, StringComparison.Ordinal));

    [Fact]
    public void Implementation_plus_test_citation_makes_implemented_and_tested()
    {
        using var repo = new TestRepo();
        repo.Write("src/Engine.cs", Code(Cite("section-4.1.2", null, null, Renegotiation1, Renegotiation2, Renegotiation3)));
        repo.Write("tests/EngineTests.cs", Code(Cite("section-4.1.2", "test", null, Renegotiation2)));
        var model = Analyzer.Analyze(repo.Root);
        Assert.Empty(model.Errors);
        var requirement = Requirement(model, "section-4.1.2", "Because TLS 1.3 forbids");
        Assert.Equal(CoverageStatus.ImplementedAndTested, requirement.Status);
        Assert.Equal(["src/Engine.cs:4", "tests/EngineTests.cs:4"], requirement.Citations.Select(c => c.Location).Order());
        Assert.Equal(CoverageStatus.NotCovered, Requirement(model, "section-4.1.2", "When a client first connects").Status);
    }

    [Fact]
    public void Citations_in_tests_default_to_type_test_and_explicit_type_test_is_honoured_in_src()
    {
        using var repo = new TestRepo();
        repo.Write("tests/A.cs", Code(Cite("section-4.1.2", null, null, Renegotiation1)));
        repo.Write("src/B.cs", Code(Cite("section-4.2.8.1", "test", null, "Peers MUST validate each other's public key Y by ensuring that 1 < Y", "< p-1.")));
        var model = Analyzer.Analyze(repo.Root);
        Assert.Empty(model.Errors);
        Assert.All(model.Citations, c => Assert.Equal(CitationType.Test, c.Type));
        Assert.Equal(CoverageStatus.TestedOnly, Requirement(model, "section-4.1.2", "Because TLS 1.3 forbids").Status);
        Assert.Equal(CoverageStatus.TestedOnly, Requirement(model, "section-4.2.8.1", "Peers MUST validate").Status);
    }

    [Fact]
    public void Exception_with_reason_todo_and_implementation_only_statuses()
    {
        using var repo = new TestRepo();
        repo.Write("src/E.cs", Code(
            Cite("section-4.1.2", "exception", "TLS 1.2 is not implemented", "If a server established a TLS connection with a previous version of"),
            Cite("section-4.1.2", "todo", null, "In particular, it MUST NOT"),
            Cite("section-4.1.2", null, null, "it is REQUIRED to send the ClientHello as its first TLS message.")));
        var model = Analyzer.Analyze(repo.Root);
        Assert.Empty(model.Errors);
        var excepted = Requirement(model, "section-4.1.2", "If a server established");
        Assert.Equal(CoverageStatus.Exception, excepted.Status);
        Assert.Equal("TLS 1.2 is not implemented", excepted.Reason);
        Assert.Equal(CoverageStatus.Todo, Requirement(model, "section-4.1.2", "In particular, it MUST NOT").Status);
        Assert.Equal(CoverageStatus.ImplementedOnly, Requirement(model, "section-4.1.2", "When a client first connects").Status);
    }

    [Fact]
    public void Implication_counts_as_implemented_and_tested_and_beats_an_exception()
    {
        using var repo = new TestRepo();
        repo.Write("src/I.cs", Code(
            Cite("section-4.1.2", "implication", null, Renegotiation1),
            Cite("section-4.1.2", "exception", "overridden", Renegotiation3)));
        var model = Analyzer.Analyze(repo.Root);
        Assert.Empty(model.Errors);
        Assert.Equal(CoverageStatus.ImplementedAndTested, Requirement(model, "section-4.1.2", "Because TLS 1.3 forbids").Status);
    }

    [Fact]
    public void Requirements_are_reported_in_document_order()
    {
        using var repo = new TestRepo();
        var model = Analyzer.Analyze(repo.Root);
        var lines = model.Requirements.Select(r => r.Section.HeadingLine).ToList();
        Assert.Equal(lines.Order(), lines);
        Assert.Equal("section-2", model.Requirements[0].Section.Id);
    }

    [Fact]
    public void Wrong_quote_is_an_error_at_the_citation_line()
    {
        using var repo = new TestRepo();
        repo.Write("src/Bad.cs", Code(Cite("section-4.1.2", null, null, "it MUST terminate the connection with an \"illegal_parameter\" alert.")));
        var model = Analyzer.Analyze(repo.Root);
        var error = Assert.Single(model.Errors);
        Assert.Equal(("src/Bad.cs", 4), (error.File, error.Line));
        Assert.StartsWith("src/Bad.cs:4: error: could not find quote in section-4.1.2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Quote_from_another_section_is_an_error()
    {
        using var repo = new TestRepo();
        repo.Write("src/Bad.cs", Code(Cite("section-4.1.3", null, null, Renegotiation1)));
        var error = Assert.Single(Analyzer.Analyze(repo.Root).Errors);
        Assert.Contains("could not find quote in section-4.1.3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("section-4.9")]
    [InlineData("appendix-Z.1")]
    public void Missing_section_is_an_error(string section)
    {
        using var repo = new TestRepo();
        repo.Write("src/Bad.cs", Code(Cite(section, null, null, Renegotiation1)));
        var error = Assert.Single(Analyzer.Analyze(repo.Root).Errors);
        Assert.Equal(4, error.Line);
        Assert.Contains($"missing section \"{section}\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exception_without_reason_is_an_error()
    {
        using var repo = new TestRepo();
        repo.Write("src/Bad.cs", Code(Cite("section-4.1.2", "exception", null, Renegotiation1)));
        var error = Assert.Single(Analyzer.Analyze(repo.Root).Errors);
        Assert.Equal(("src/Bad.cs", 4), (error.File, error.Line));
        Assert.Contains("exception has no reason", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_command_fails_on_a_bad_citation_and_passes_on_good_ones()
    {
        using var repo = new TestRepo();
        repo.Write("src/Good.cs", Code(Cite("section-4.1.2", null, null, Renegotiation1, Renegotiation2)));
        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.Equal(0, Program.Run(["check", "--root", repo.Root], output, errors));
        Assert.Contains("1 citations", output.ToString(), StringComparison.Ordinal);
        repo.Write("src/Bad.cs", Code(Cite("section-4.1.2", null, null, "no such text")));
        Assert.Equal(1, Program.Run(["check", "--root", repo.Root], output, errors));
        Assert.Contains("src/Bad.cs:4: error:", errors.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(repo.Root, "compliance", "report")));
    }

    [Fact]
    public void Report_command_writes_json_and_html()
    {
        using var repo = new TestRepo();
        repo.Write("src/Good.cs", Code(Cite("section-4.1.2", null, null, Renegotiation1)));
        repo.Write("tests/GoodTests.cs", Code(Cite("section-4.1.2", null, null, Renegotiation3)));
        Assert.Equal(0, Program.Run(["report", "--root", repo.Root], TextWriter.Null, TextWriter.Null));
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(repo.Root, "compliance", "report", "report.json")));
        var requirement = json.RootElement.GetProperty("requirements").EnumerateArray()
            .Single(r => r.GetProperty("quote").GetString()!.StartsWith("Because TLS 1.3 forbids", StringComparison.Ordinal));
        Assert.Equal("implemented+tested", requirement.GetProperty("status").GetString());
        Assert.Equal("section-4.1.2", requirement.GetProperty("section").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("totals").GetProperty("MUST").GetProperty("implemented+tested").GetInt32());
        var html = File.ReadAllText(Path.Combine(repo.Root, "compliance", "report", "index.html"));
        Assert.Contains("<section class=\"spec\" id=\"section-4.1.2\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"../../src/Good.cs#L4\"", html, StringComparison.Ordinal);
        Assert.Contains("<mark class=\"h-done\">", html, StringComparison.Ordinal);
        Assert.Contains("id=\"totals-all\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Edited_requirement_file_is_reported_as_out_of_date()
    {
        using var repo = new TestRepo();
        var path = Path.Combine(repo.Root, "compliance", "specs", "www.rfc-editor.org", "rfc", "rfc8446", "section-4.1.2.toml");
        File.AppendAllText(path, "\n");
        Assert.Equal(1, Program.Run(["check", "--root", repo.Root], TextWriter.Null, TextWriter.Null));
    }
}
