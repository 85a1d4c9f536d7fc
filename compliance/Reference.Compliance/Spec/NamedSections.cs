namespace Reference.Compliance.Spec;

/// <summary>
/// Unnumbered headings duvet recognises ("Abstract", "Contributors", ...): a
/// line equal to one of these names with a line break before and after it.
/// </summary>
internal static class NamedSections
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "Acknowledgments", "Acknowledgement", "Acknowledgements", "Index", "Author's Address",
        "Authors' Addresses", "Normative References", "Informative References", "References",
        "REFERENCES", "AUTHORS' ADDRESSES", "Full Copyright Statement", "Security Considerations",
        "Intellectual Property", "Intellectual Property Statement", "Working Group Information",
        "Contributors", "Editors' Addresses", "IANA Considerations", "Abstract", "Status of this Memo",
        "Status of This Memo", "Copyright Notice", "Table of Contents", "Appendix",
    };

    public static List<IetfToken> Apply(List<IetfToken> tokens)
    {
        var output = new List<IetfToken>(tokens.Count);
        IetfToken? pendingBreak = null;
        IetfToken? candidate = null;
        foreach (var token in tokens)
        {
            bool isLineBreak = token.Kind == IetfTokenKind.LineBreak;
            if (candidate is { } title)
            {
                output.Add(pendingBreak!.Value);
                output.Add(isLineBreak
                    ? title with { Kind = IetfTokenKind.NamedSection, Title = title.Value }
                    : title);
                output.Add(token);
                (pendingBreak, candidate) = (null, null);
            }
            else if (pendingBreak is { } brk)
            {
                if (token.Kind == IetfTokenKind.Content && Names.Contains(token.Value))
                    candidate = token;
                else if (isLineBreak)
                {
                    output.Add(brk);
                    pendingBreak = token;
                }
                else
                {
                    output.Add(brk);
                    output.Add(token);
                    pendingBreak = null;
                }
            }
            else if (isLineBreak)
                pendingBreak = token;
            else
                output.Add(token);
        }
        if (pendingBreak is { } last)
            output.Add(last);
        if (candidate is { } dangling)
            output.Add(dangling);
        return output;
    }
}
