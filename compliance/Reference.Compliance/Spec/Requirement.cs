namespace Reference.Compliance.Spec;

/// <summary>One extracted requirement: a sentence of a section carrying a BCP 14 key word.</summary>
internal sealed record Requirement(string SectionId, RequirementLevel Level, IReadOnlyList<string> QuoteLines)
{
    public string Quote => string.Join("\n", QuoteLines);
}
