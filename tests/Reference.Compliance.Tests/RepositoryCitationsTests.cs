using Xunit;
using Reference.Compliance.Report;

namespace Reference.Compliance.Tests;

/// <summary>The real repository: every citation in src/ and tests/ must quote its RFC section exactly.</summary>
public class RepositoryCitationsTests
{
    [Fact]
    public void Every_citation_in_the_repository_matches_the_rfc()
    {
        var model = Analyzer.Analyze(TestRepo.RepoRoot);
        var errors = string.Join(Environment.NewLine, model.Errors.Select(e => e.ToString()));
        Assert.True(model.Errors.Count == 0, errors);
        Assert.NotEmpty(model.Citations);
    }

    [Fact]
    public void Requirement_files_match_a_fresh_extraction_of_the_published_rfc()
    {
        var model = Analyzer.Analyze(TestRepo.RepoRoot);
        Assert.Equal(431, model.Requirements.Count);
    }
}
