using Reference.Compliance.Citations;
using Xunit;
using static Reference.Compliance.Tests.TestRepo;

namespace Reference.Compliance.Tests;

public class CitationParserTests
{
    private static (List<Citation> Citations, List<ComplianceError> Errors) Parse(CitationType defaultType, params string[] lines)
    {
        var errors = new List<ComplianceError>();
        var citations = CitationParser.Parse("f.cs", string.Join("\n", lines), defaultType, CommentStyle.Default, errors);
        return (citations, errors);
    }

    [Fact]
    public void Multi_line_quote_is_joined_with_spaces_and_located_at_its_first_meta_line()
    {
        var (citations, errors) = Parse(CitationType.Implementation,
            "int x;", $"  {Meta} {Url}#section-4.1.2", $"  {Meta} type=test", $"  {Quote} first line", $"  {Quote}   second line  ", "int y;");
        Assert.Empty(errors);
        var c = Assert.Single(citations);
        Assert.Equal((2, CitationType.Test, "first line second line", Url + "#section-4.1.2"), (c.Line, c.Type, c.Quote, c.Target));
    }

    [Fact]
    public void A_meta_line_after_quote_lines_starts_a_new_citation_and_a_gap_ends_one()
    {
        var (citations, errors) = Parse(CitationType.Implementation,
            $"{Meta} {Url}#section-4", $"{Quote} a", $"{Meta} {Url}#section-5", $"{Quote} b", "code();", $"{Meta} {Url}#section-6", $"{Meta} type=todo", $"{Quote} c");
        Assert.Empty(errors);
        Assert.Equal([(1, "a"), (3, "b"), (6, "c")], citations.Select(c => (c.Line, c.Quote)));
        Assert.Equal(CitationType.Todo, citations[2].Type);
    }

    [Fact]
    public void Reason_lines_accumulate_and_bad_metadata_is_reported()
    {
        var (citations, errors) = Parse(CitationType.Implementation,
            $"{Meta} {Url}#section-4", $"{Meta} type=exception", $"{Meta} reason=first part", $"{Meta} reason=second part", $"{Quote} q",
            "x();", $"{Meta} {Url}#section-4", $"{Meta} type=bogus", $"{Meta} colour=red", $"{Quote} q");
        Assert.Equal("first part second part", citations[0].Reason);
        Assert.Equal(2, errors.Count);
        Assert.Equal([8, 9], errors.Select(e => e.Line));
    }

    [Fact]
    public void Quote_line_without_target_and_citation_without_quote_are_errors()
    {
        var (_, errors) = Parse(CitationType.Implementation, $"{Quote} orphan", "x();", $"{Meta} {Url}#section-4");
        Assert.Equal([1, 3], errors.Select(e => e.Line));
    }

    [Fact]
    public void Doc_comments_and_code_are_not_citations()
    {
        var (citations, errors) = Parse(CitationType.Implementation, "/// <summary>//= not me</summary>", "var s = \"//= nor me\";");
        Assert.Empty(citations);
        Assert.Empty(errors);
    }
}
