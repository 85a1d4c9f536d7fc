using Reference.Compliance.Citations;
using Reference.Compliance.Spec;
using Reference.Compliance.Text;

namespace Reference.Compliance.Report;

/// <summary>
/// Builds the compliance model: reads the requirement TOML files and the
/// citations in the sources, locates every quote in its section (an error with
/// file:line when it cannot), and gives each requirement a status from the
/// citations whose quote overlaps it in the section text.
/// </summary>
internal static class Analyzer
{
    public static ComplianceModel Analyze(string root)
    {
        var config = DuvetConfig.Load(root);
        var specs = new SpecLibrary(root);
        var errors = new List<ComplianceError>();
        var citations = SourceScanner.Scan(root, config, errors);
        var resolved = new List<ResolvedCitation>();
        foreach (var citation in citations)
        {
            if (Resolve(citation, specs, errors) is { } r)
                resolved.Add(r);
        }
        var requirements = LoadRequirements(root, config, specs, errors);
        var coverage = Cover(requirements, resolved);
        return new ComplianceModel(coverage, citations, resolved, errors, specs);
    }

    internal static ResolvedCitation? Resolve(Citation citation, SpecLibrary specs, List<ComplianceError> errors)
    {
        void Error(string message) => errors.Add(new ComplianceError(citation.File, citation.Line, message));
        if (citation.Type == CitationType.Spec)
        {
            Error("type=spec is not supported here; add the requirement to compliance/specs instead");
            return null;
        }
        int hash = citation.Target.IndexOf('#');
        var url = hash < 0 ? citation.Target : citation.Target[..hash];
        if (hash < 0 || hash == citation.Target.Length - 1)
        {
            Error($"reference to {url} is missing a section (#section-X)");
            return null;
        }
        var sectionId = citation.Target[(hash + 1)..];
        var canonical = SpecLibrary.CanonicalUrl(url);
        var document = canonical is null ? null : specs.Get(canonical);
        if (canonical is null || document is null)
        {
            Error($"unknown specification {url} (expected an RFC URL with a local copy under spec/)");
            return null;
        }
        var section = document.Find(sectionId);
        if (section is null)
        {
            Error($"missing section \"{sectionId}\" in {canonical}");
            return null;
        }
        if (citation.Quote.Length == 0)
            return null;
        var range = specs.Text(canonical, section).Find(citation.Quote);
        if (range is null)
        {
            Error($"could not find quote in {section.Id} of {canonical}: \"{Shorten(citation.Quote)}\"");
            return null;
        }
        return new ResolvedCitation(citation, canonical, section, range.Value);
    }

    internal static string Shorten(string quote) => quote.Length <= 90 ? quote : quote[..87] + "...";

    private sealed record LoadedRequirement(string SpecUrl, RfcSection Section, RequirementLevel Level, string Quote, TextRange Range);

    private static List<LoadedRequirement> LoadRequirements(string root, DuvetConfig config, SpecLibrary specs, List<ComplianceError> errors)
    {
        var loaded = new List<LoadedRequirement>();
        foreach (var pattern in config.RequirementPatterns.Select(p => new SourcePattern(p, CitationType.Spec, CommentStyle.Default)))
        {
            foreach (var relative in SourceScanner.EnumerateFiles(root, pattern.BaseDirectory).Where(pattern.Matches))
            {
                try
                {
                    var file = SpecToml.Read(File.ReadAllText(Path.Combine(root, relative)), relative);
                    LoadFile(relative, file, specs, errors, loaded);
                }
                catch (FormatException e)
                {
                    errors.Add(new ComplianceError(relative, 0, e.Message));
                }
            }
        }
        // Files are read in name order; report in document order (section position, then sentence position).
        return loaded.OrderBy(r => r.SpecUrl, StringComparer.Ordinal).ThenBy(r => r.Section.HeadingLine).ThenBy(r => r.Range.Start).ToList();
    }

    private static void LoadFile(string relative, SpecToml.File file, SpecLibrary specs, List<ComplianceError> errors, List<LoadedRequirement> loaded)
    {
        var probe = new Citation(relative, 1, file.Target, CitationType.Implementation, "", "", "");
        foreach (var (level, rawQuote, line) in file.Specs)
        {
            var quote = JoinQuoteLines(rawQuote);
            var resolved = Resolve(probe with { Line = line, Quote = quote }, specs, errors);
            if (resolved is not null)
                loaded.Add(new LoadedRequirement(resolved.SpecUrl, resolved.Section, level, quote, resolved.Range));
        }
    }

    /// <summary>duvet reads a TOML quote as its lines trimmed and joined with single spaces.</summary>
    internal static string JoinQuoteLines(string quote) =>
        string.Join(" ", quote.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    private static List<RequirementCoverage> Cover(List<LoadedRequirement> requirements, List<ResolvedCitation> citations)
    {
        var bySection = citations.ToLookup(c => (c.SpecUrl, c.Section.Id));
        var result = new List<RequirementCoverage>(requirements.Count);
        foreach (var r in requirements)
        {
            var covering = bySection[(r.SpecUrl, r.Section.Id)].Where(c => c.Range.Overlaps(r.Range)).Select(c => c.Citation).ToList();
            var (status, reason) = Status(covering);
            result.Add(new RequirementCoverage(r.SpecUrl, r.Section, r.Level, r.Quote, r.Range, status, reason, covering));
        }
        return result;
    }

    /// <summary>
    /// Implemented and tested wins (an implication counts as both); then an
    /// exception; then implemented only, tested only, todo; else not covered.
    /// </summary>
    internal static (CoverageStatus Status, string Reason) Status(IReadOnlyList<Citation> covering)
    {
        bool implemented = covering.Any(c => c.Type is CitationType.Implementation or CitationType.Implication);
        bool tested = covering.Any(c => c.Type is CitationType.Test or CitationType.Implication);
        var exception = covering.FirstOrDefault(c => c.Type == CitationType.Exception);
        if (implemented && tested)
            return (CoverageStatus.ImplementedAndTested, "");
        if (exception is not null)
            return (CoverageStatus.Exception, exception.Reason);
        if (implemented)
            return (CoverageStatus.ImplementedOnly, "");
        if (tested)
            return (CoverageStatus.TestedOnly, "");
        return covering.Any(c => c.Type == CitationType.Todo) ? (CoverageStatus.Todo, "") : (CoverageStatus.NotCovered, "");
    }
}
