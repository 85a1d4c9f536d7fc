using Reference.Compliance.Spec;
using Xunit;

namespace Reference.Compliance.Tests;

public class ExtractionTests
{
    private static readonly RfcDocument Rfc = RfcDocument.Load(Path.Combine(TestRepo.RepoRoot, "spec", "rfc8446.txt"));

    private static IReadOnlyList<Requirement> Section(string id) =>
        RequirementExtractor.ExtractSection(Rfc.Find(id) ?? throw new InvalidOperationException(id));

    [Fact]
    public void Finds_the_renegotiation_requirement_of_4_1_2_with_its_exact_lines()
    {
        var requirement = Section("section-4.1.2").Single(r => r.Quote.StartsWith("Because TLS 1.3 forbids renegotiation", StringComparison.Ordinal));
        Assert.Equal(RequirementLevel.Must, requirement.Level);
        Assert.Equal(
            [
                "Because TLS 1.3 forbids renegotiation, if a server has negotiated",
                "TLS 1.3 and receives a ClientHello at any other time, it MUST",
                "terminate the connection with an \"unexpected_message\" alert.",
            ],
            requirement.QuoteLines);
    }

    [Fact]
    public void REQUIRED_counts_as_MUST_and_the_sentence_starts_after_the_previous_full_stop()
    {
        var first = Section("section-4.1.2")[0];
        Assert.Equal(RequirementLevel.Must, first.Level);
        Assert.Equal("When a client first connects to a server, it is REQUIRED to send the\nClientHello as its first TLS message.", first.Quote);
        var mid = Section("section-4.1.2").Single(r => r.Quote.Contains("SHOULD set this", StringComparison.Ordinal));
        Assert.StartsWith("A client which has a\n", mid.Quote, StringComparison.Ordinal);
        Assert.Equal(RequirementLevel.Should, mid.Level);
    }

    [Fact]
    public void Sentence_with_two_key_words_is_listed_once_at_the_higher_level()
    {
        var compat = Section("section-4.1.2").Where(r => r.Quote.StartsWith("In compatibility mode", StringComparison.Ordinal)).ToList();
        Assert.Single(compat);
        Assert.Equal(RequirementLevel.Must, compat[0].Level);
        var mixed = Section("section-4.1.2").Where(r => r.Quote.Contains("SHOULD", StringComparison.Ordinal) && r.Quote.Contains("MUST", StringComparison.Ordinal));
        Assert.All(mixed, r => Assert.Equal(RequirementLevel.Must, r.Level));
    }

    [Fact]
    public void Key_word_definitions_in_quotes_are_not_requirements()
    {
        var conventions = Rfc.Find("section-1.1")!;
        Assert.Contains(conventions.Lines, l => l.Contains("\"MUST\"", StringComparison.Ordinal));
        Assert.Empty(RequirementExtractor.ExtractSection(conventions));
    }

    [Fact]
    public void Lowercase_key_words_are_not_requirements()
    {
        var all = RequirementExtractor.Extract(Rfc).SelectMany(s => s.Requirements).ToList();
        Assert.All(all, r => Assert.Matches(@"MUST|SHALL|REQUIRED|SHOULD|RECOMMENDED|MAY|OPTIONAL", r.Quote));
        Assert.DoesNotContain(all, r => r.Quote.StartsWith("Implementations must", StringComparison.Ordinal));
    }

    [Fact]
    public void Committed_requirement_files_match_a_fresh_extraction()
    {
        Assert.Empty(ExtractCommand.CheckUpToDate(TestRepo.RepoRoot));
        var files = ExtractCommand.Generate(Rfc, TestRepo.Url);
        Assert.Equal(75, files.Count);
        Assert.Contains("section-4.2.8.1.toml", files.Keys);
        Assert.Contains("appendix-B.3.1.4.toml", files.Keys);
    }

    [Fact]
    public void Toml_file_has_duvet_layout_and_reads_back()
    {
        var section = Rfc.Find("section-4.2.8.1")!;
        var text = SpecToml.Write(TestRepo.Url, section, RequirementExtractor.ExtractSection(section));
        Assert.StartsWith("target = \"https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.1\"\n\n# 4.2.8.1.  Diffie-Hellman Parameters\n#\n", text, StringComparison.Ordinal);
        Assert.Contains("[[spec]]\nlevel = \"MUST\"\nquote = '''\nPeers MUST validate each other's public key Y by ensuring that 1 < Y\n< p-1.\n'''\n", text, StringComparison.Ordinal);
        var read = SpecToml.Read(text, "x.toml");
        Assert.Equal("https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.1", read.Target);
        Assert.Equal(RequirementLevel.Must, read.Specs[0].Level);
        Assert.Equal("Peers MUST validate each other's public key Y by ensuring that 1 < Y\n< p-1.\n", read.Specs[0].Quote);
    }
}
