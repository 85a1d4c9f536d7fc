using Reference.Compliance.Citations;
using Reference.Compliance.Spec;
using Reference.Compliance.Text;

namespace Reference.Compliance.Report;

/// <summary>A citation whose quote was found in its section.</summary>
internal sealed record ResolvedCitation(Citation Citation, string SpecUrl, RfcSection Section, TextRange Range);

/// <summary>A requirement with where it sits in its section and what covers it.</summary>
internal sealed record RequirementCoverage(
    string SpecUrl,
    RfcSection Section,
    RequirementLevel Level,
    string Quote,
    TextRange Range,
    CoverageStatus Status,
    string Reason,
    IReadOnlyList<Citation> Citations);

/// <summary>Everything a report shows: requirements with status, all citations, all errors.</summary>
internal sealed record ComplianceModel(
    IReadOnlyList<RequirementCoverage> Requirements,
    IReadOnlyList<Citation> Citations,
    IReadOnlyList<ResolvedCitation> Resolved,
    IReadOnlyList<ComplianceError> Errors,
    SpecLibrary Specs);
