using Reference.Compliance.Spec;
using Xunit;

namespace Reference.Compliance.Tests;

public class SectionParsingTests
{
    private static readonly RfcDocument Rfc = RfcDocument.Load(Path.Combine(TestRepo.RepoRoot, "spec", "rfc8446.txt"));

    [Theory]
    [InlineData("section-4.2.8.1", "4.2.8.1", "Diffie-Hellman Parameters")]
    [InlineData("section-4.2.11", "4.2.11", "Pre-Shared Key Extension")]
    [InlineData("section-12.2", "12.2", "Informative References")]
    [InlineData("appendix-A", "A", "State Machine")]
    [InlineData("appendix-A.1", "A.1", "Client")]
    [InlineData("appendix-B.3.1", "B.3.1", "Key Exchange Messages")]
    [InlineData("appendix-B.3.1.4", "B.3.1.4", "Supported Groups Extension")]
    [InlineData("appendix-E.8", "E.8", "Attacks on Static RSA")]
    public void Sections_of_rfc8446_get_duvet_ids(string id, string number, string title)
    {
        var section = Rfc.Find(id);
        Assert.NotNull(section);
        Assert.Equal(id, section.Id);
        Assert.Equal(number, section.Number);
        Assert.Equal(title, section.Title);
    }

    [Fact]
    public void Lookup_accepts_a_swapped_or_missing_prefix_like_duvet()
    {
        Assert.Equal("appendix-A.1", Rfc.Find("section-A.1")?.Id);
        Assert.Equal("section-4.1.2", Rfc.Find("4.1.2")?.Id);
        Assert.Null(Rfc.Find("section-4.9"));
        Assert.Null(Rfc.Find("section-99"));
    }

    [Fact]
    public void Table_of_contents_page_headers_and_footers_are_not_section_text()
    {
        Assert.Single(Rfc.Sections, s => s.Id == "section-4.1.2");
        Assert.All(Rfc.Sections.SelectMany(s => s.Lines), l =>
        {
            Assert.False(l.StartsWith("RFC 8446  ", StringComparison.Ordinal), l);
            Assert.DoesNotContain("[Page ", l, StringComparison.Ordinal);
            Assert.NotEqual("\f", l);
        });
        Assert.Equal("name-table-of-contents", Rfc.Sections.Single(s => s.Title == "Table of Contents").Id);
    }

    [Fact]
    public void Synthetic_rfc_sections_breaks_and_appendices()
    {
        var text = string.Join("\n",
            "", "Abstract", "", "   Text.", "",
            "Table of Contents", "", "   1.  Intro ........ 2", "   A.1.  Client ...... 9", "",
            "1.  Intro", "", "   First line MUST", "   continue.", "",
            "Rescorla                     Standards Track                    [Page 2]", "\f",
            "RFC 8446                           TLS                       August 2018", "", "",
            "   After the page.", "",
            "1.1.  Sub", "", "   The number", "2.  is not a heading here because 1.1 -> 2 is fine but", "",
            "4.2.8.1.  Skipped Numbering", "", "   Not a heading: not monotonic.", "",
            "Appendix A.  State Machine", "", "   Body A.", "",
            "A.1.  Client", "", "   Body A.1.", "");
        var doc = RfcDocument.Parse(text);
        Assert.Equal(["name-abstract", "name-table-of-contents", "section-1", "section-1.1", "section-2", "appendix-A", "appendix-A.1"], doc.Sections.Select(s => s.Id));
        Assert.Equal(["First line MUST", "continue.", "", "After the page."], doc.Find("section-1")!.Lines.Select(l => l.Trim()));
        Assert.Contains(doc.Find("section-2")!.Lines, l => l.Contains("4.2.8.1.  Skipped Numbering", StringComparison.Ordinal));
        Assert.Equal(["Body A.1."], doc.Find("appendix-A.1")!.Lines.Select(l => l.Trim()));
    }
}
