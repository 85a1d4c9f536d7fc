namespace Reference.Compliance.Spec;

/// <summary>
/// One section of an IETF plain-text RFC, as duvet's IETF parser sees it:
/// <see cref="Lines"/> are the raw body lines (indentation kept), with "" for a
/// paragraph break; page headers/footers are already removed.
/// </summary>
internal sealed record RfcSection(string Id, string Number, string Title, string Heading, int HeadingLine, IReadOnlyList<string> Lines)
{
    /// <summary>Section numbers such as 4.2.8.1 or A.1; empty for named sections.</summary>
    public bool IsAppendix => Id.StartsWith("appendix-", StringComparison.Ordinal);
}
