using System.Text.RegularExpressions;

namespace Reference.Compliance.Spec;

/// <summary>
/// Recognises numbered section headings ("4.2.8.1.  Diffie-Hellman Parameters",
/// "Appendix A.  State Machine", "B.3.1.  Key Exchange Messages") with duvet's
/// checks: no table-of-contents leaders, no odd titles, and section numbers that
/// advance monotonically (so body lines starting with a number are not headings).
/// </summary>
internal sealed partial class SectionHeadings
{
    private bool _wasBreak;
    private string? _previous;

    [GeneratedRegex(@"^(([A-Z]\.?)?[0-9\.]+):?\s+(.*)")]
    private static partial Regex NumberedHeading();

    [GeneratedRegex(@"^(([A-Z]\.)?[0-9\.]+)$")]
    private static partial Regex BareNumber();

    private static readonly Regex[] AppendixHeadings =
    [
        new(@"^([A-Z])$"), new(@"^([A-Z])\.$"), new(@"^([A-Z])\.\s+(.*)"), new(@"^([A-Z]):\s+(.*)"),
        new(@"^([A-Z]) :\s+(.*)"), new(@"^([A-Z]) -\s+(.*)"), new(@"^([A-Z]) --\s+(.*)"), new(@"^([A-Z])\s+(.*)"),
    ];

    public IetfToken OnToken(IetfToken token)
    {
        if (token.Kind == IetfTokenKind.Content)
            token = Classify(token);
        _wasBreak = token.IsBreak;
        if (token.Kind is IetfTokenKind.Section or IetfTokenKind.Appendix)
            _previous = token.Id;
        return token;
    }

    private IetfToken Classify(IetfToken token)
    {
        var candidate = token.Value;
        bool forceAppendix = false;
        foreach (var prefix in new[] { "Appendix ", "APPENDIX ", "Annex " })
        {
            if (candidate.StartsWith(prefix, StringComparison.Ordinal))
            {
                candidate = candidate[prefix.Length..];
                forceAppendix = true;
                break;
            }
        }
        if (forceAppendix && TryAppendix(token, candidate) is { } appendix)
            return appendix;
        var numbered = NumberedHeading().Match(candidate);
        if (numbered.Success)
        {
            var id = numbered.Groups[1].Value.TrimEnd('.');
            var title = numbered.Groups[3].Value.Trim();
            if (CheckCandidate(id, title))
                return Heading(token, id, title, forceAppendix);
        }
        if (BareNumber().IsMatch(candidate))
        {
            var id = candidate.TrimEnd('.');
            if (CheckCandidate(id, ""))
                return Heading(token, id, "", forceAppendix);
        }
        return token;
    }

    private IetfToken? TryAppendix(IetfToken token, string candidate)
    {
        foreach (var pattern in AppendixHeadings)
        {
            var match = pattern.Match(candidate);
            if (!match.Success)
                continue;
            var id = match.Groups[1].Value;
            var title = match.Groups[2].Success ? match.Groups[2].Value.Trim() : "";
            if (CheckCandidate(id, title))
                return Heading(token, id, title, forceAppendix: true);
        }
        return null;
    }

    private static IetfToken Heading(IetfToken token, string id, string title, bool forceAppendix)
    {
        bool numeric = id.Length > 0 && char.IsDigit(id[0]);
        var kind = !forceAppendix && numeric ? IetfTokenKind.Section : IetfTokenKind.Appendix;
        return token with { Kind = kind, Id = id, Title = title };
    }

    private bool CheckCandidate(string id, string title)
    {
        if (title.Contains(".....") || title.Contains(". . .") || title.Contains(" . . "))
            return false;
        if (title.StartsWith(';') || title.EndsWith('{') || title.EndsWith('[') || title.EndsWith('(') || title.EndsWith(';'))
            return false;
        if (title.Trim().Contains("     "))
            return false;
        bool checkMonotonic = !title.TrimEnd('|').Contains('|');
        return CheckId(id, checkMonotonic);
    }

    private bool CheckId(string id, bool checkMonotonic)
    {
        if (SectionNumber.Parse(id) is null)
            return false;
        if (_wasBreak && !checkMonotonic)
            return true;
        if (_previous is null)
            return id is "1" or "1.0";
        return SectionNumber.IsMonotonic(_previous, id);
    }
}
