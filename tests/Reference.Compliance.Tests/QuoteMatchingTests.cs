using Reference.Compliance.Spec;
using Reference.Compliance.Text;
using Xunit;

namespace Reference.Compliance.Tests;

public class QuoteMatchingTests
{
    private static readonly RfcDocument Rfc = RfcDocument.Load(Path.Combine(TestRepo.RepoRoot, "spec", "rfc8446.txt"));

    private static SectionText Text(string id) => new(Rfc.Find(id)!);

    [Fact]
    public void Quote_spanning_rfc_line_breaks_is_found()
    {
        var text = Text("section-4.1.2");
        var range = text.Find("Because TLS 1.3 forbids renegotiation, if a server has negotiated TLS 1.3 and receives a ClientHello at any other time, it MUST terminate the connection with an \"unexpected_message\" alert.");
        Assert.NotNull(range);
        Assert.StartsWith("Because TLS 1.3 forbids", text.Value[range.Value.Start..], StringComparison.Ordinal);
        Assert.EndsWith("alert.", text.Value[range.Value.Start..range.Value.End], StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_whitespace_and_a_partial_sentence_still_match()
    {
        var text = Text("section-4.1.2");
        Assert.NotNull(text.Find("  it MUST   terminate  the connection  "));
        Assert.NotNull(text.Find("with an \"unexpected_message\"   alert ."));
        Assert.NotNull(text.Find("TLS 1.3 and receives a ClientHello at any other time"));
    }

    [Fact]
    public void Wrong_words_or_text_from_another_section_do_not_match()
    {
        var text = Text("section-4.1.2");
        Assert.Null(text.Find("it MUST terminate the connection with an \"illegal_parameter\" alert."));
        Assert.Null(text.Find("Peers MUST validate each other's public key Y"));
        Assert.Null(text.Find("   "));
    }

    [Fact]
    public void Quote_crossing_a_paragraph_break_matches()
    {
        // duvet joins all section lines, so a quote may run from one paragraph into the next.
        var text = Text("section-4.1.2");
        Assert.NotNull(text.Find("In particular, it MUST NOT negotiate TLS 1.3. Structure of this message:"));
    }

    [Theory]
    [InlineData("this is a new-line", "this is a new-\nline")]
    [InlineData("  Second   Sentence.  ", " First    sentence.   Second Sentence.   Third  Sentence.   ")]
    [InlineData("a b c", "x   a  b   c  y")]
    public void Normalisation_follows_duvet(string needle, string haystack)
    {
        Assert.Contains(Whitespace.Normalize(needle), Whitespace.Normalize(haystack), StringComparison.Ordinal);
    }

    [Fact]
    public void Normalisation_keeps_words_apart()
    {
        Assert.Equal("a b.c", Whitespace.Normalize("  a   b .  c  "));
        Assert.DoesNotContain("ab", Whitespace.Normalize("a b"), StringComparison.Ordinal);
    }
}
