using System.Text.RegularExpressions;
using Reference.Compliance.Text;

namespace Reference.Compliance.Spec;

/// <summary>
/// duvet's requirement extraction: for every upper-case BCP 14 key word not
/// immediately followed by a double quote (those are the definitions in §1.1),
/// take the sentence around it — from the previous ". " (or paragraph start)
/// to the next ". " (or paragraph end) — and keep one entry per distinct
/// whitespace-normalised sentence, at the highest level it carries.
/// </summary>
internal static class RequirementExtractor
{
    private static readonly (Regex Pattern, RequirementLevel Level)[] KeyWords =
    [
        (Word("MUST( NOT)?"), RequirementLevel.Must),
        (Word("SHALL( NOT)?"), RequirementLevel.Must),
        (Word("REQUIRED"), RequirementLevel.Must),
        (Word("SHOULD( NOT)?"), RequirementLevel.Should),
        (Word("(NOT )?RECOMMENDED"), RequirementLevel.Should),
        (Word("MAY"), RequirementLevel.May),
        (Word("OPTIONAL"), RequirementLevel.May),
    ];

    private static Regex Word(string pattern) => new($"\\b{pattern}\\b\"?", RegexOptions.CultureInvariant);

    public static IReadOnlyList<(RfcSection Section, IReadOnlyList<Requirement> Requirements)> Extract(RfcDocument document)
    {
        var result = new List<(RfcSection, IReadOnlyList<Requirement>)>();
        foreach (var section in document.Sections)
        {
            var requirements = ExtractSection(section);
            if (requirements.Count > 0)
                result.Add((section, requirements));
        }
        return result;
    }

    public static IReadOnlyList<Requirement> ExtractSection(RfcSection section)
    {
        var byQuote = new Dictionary<string, (int Line, int Col, RequirementLevel Level, List<string> Quote)>(StringComparer.Ordinal);
        var lines = section.Lines;
        for (int lineNo = 0; lineNo < lines.Count; lineNo++)
        {
            foreach (var (pattern, level) in KeyWords)
            {
                foreach (Match occurrence in pattern.Matches(lines[lineNo]))
                {
                    if (occurrence.Value.EndsWith('"'))
                        continue;
                    var start = Sentence.FindOpen(lines, lineNo, occurrence.Index);
                    var end = Sentence.FindClose(lines, lineNo, occurrence.Index + occurrence.Length);
                    var quote = Sentence.QuoteFromRange(lines, start, end);
                    var key = Whitespace.Normalize(string.Join("\n", quote));
                    if (byQuote.TryGetValue(key, out var existing))
                        byQuote[key] = existing with { Level = existing.Level > level ? existing.Level : level };
                    else
                        byQuote[key] = (start.Line, start.Col, level, quote);
                }
            }
        }
        return byQuote.Values
            .OrderBy(f => f.Line).ThenBy(f => f.Col).ThenBy(f => f.Level)
            .ThenBy(f => f.Quote, QuoteComparer.Instance)
            .Select(f => new Requirement(section.Id, f.Level, f.Quote))
            .ToList();
    }

    private sealed class QuoteComparer : IComparer<List<string>>
    {
        public static readonly QuoteComparer Instance = new();

        public int Compare(List<string>? x, List<string>? y)
        {
            for (int i = 0; i < Math.Min(x!.Count, y!.Count); i++)
            {
                int c = string.CompareOrdinal(x[i], y[i]);
                if (c != 0)
                    return c;
            }
            return x.Count.CompareTo(y.Count);
        }
    }
}
