using System.Text;
using System.Text.RegularExpressions;

namespace Reference.Compliance.Citations;

/// <summary>A `[[source]]` entry of duvet.toml: a glob, its default annotation type and comment style.</summary>
internal sealed record SourcePattern(string Pattern, CitationType DefaultType, CommentStyle Style)
{
    private Regex? _regex;

    /// <summary>Matches a '/'-separated path relative to the root: `**` any directories, `*` and `?` within a name.</summary>
    public bool Matches(string relativePath) => (_regex ??= Compile(Pattern)).IsMatch(relativePath);

    /// <summary>The directory part before the first wildcard, to avoid walking the whole tree.</summary>
    public string BaseDirectory
    {
        get
        {
            var segments = Pattern.Split('/');
            var fixedSegments = segments.TakeWhile(s => s.IndexOfAny(['*', '?', '[']) < 0).ToList();
            if (fixedSegments.Count == segments.Length)
                fixedSegments.RemoveAt(fixedSegments.Count - 1);
            return string.Join('/', fixedSegments);
        }
    }

    private static Regex Compile(string glob)
    {
        var regex = new StringBuilder("^");
        for (int i = 0; i < glob.Length; i++)
        {
            if (glob[i] == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                bool slash = i + 2 < glob.Length && glob[i + 2] == '/';
                regex.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (glob[i] == '*')
                regex.Append("[^/]*");
            else if (glob[i] == '?')
                regex.Append("[^/]");
            else
                regex.Append(Regex.Escape(glob[i].ToString()));
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
