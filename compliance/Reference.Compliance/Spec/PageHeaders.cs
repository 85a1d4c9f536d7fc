using System.Text.RegularExpressions;

namespace Reference.Compliance.Spec;

/// <summary>Recognises RFC page headers ("RFC 8446  TLS  August 2018") and footers ("... [Page 12]").</summary>
internal static partial class PageHeaders
{
    [GeneratedRegex(@"^RFC [1-9][0-9]*  ")]
    private static partial Regex RfcHeader();

    [GeneratedRegex(@"^\[Page [1-9][0-9]*\]")]
    private static partial Regex PageAtStart();

    [GeneratedRegex(@" \[Page [1-9][0-9]*\]$")]
    private static partial Regex PageAtEnd();

    public static bool IsHeaderOrFooter(string value)
    {
        if (value.TrimStart().Length == value.Length && (RfcHeader().IsMatch(value) || PageAtStart().IsMatch(value)))
            return true;
        return value.TrimEnd().Length == value.Length && PageAtEnd().IsMatch(value);
    }
}
