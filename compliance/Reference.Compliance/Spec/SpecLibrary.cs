using System.Text.RegularExpressions;
using Reference.Compliance.Text;

namespace Reference.Compliance.Spec;

/// <summary>
/// The specifications available locally: an RFC URL (www.rfc-editor.org,
/// datatracker.ietf.org or tools.ietf.org, with or without .txt/.html) maps to
/// spec/rfcNNNN.txt under the repository root. Parsed once, cached.
/// </summary>
internal sealed partial class SpecLibrary(string root)
{
    private readonly Dictionary<string, RfcDocument?> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), SectionText> _texts = new();

    [GeneratedRegex(@"^https?://(www\.rfc-editor\.org/rfc|datatracker\.ietf\.org/doc/html|tools\.ietf\.org/(html|rfc))/(rfc[0-9]+)(\.txt|\.html)?/?$")]
    private static partial Regex RfcUrl();

    /// <summary>"https://www.rfc-editor.org/rfc/rfcNNNN" for any accepted RFC URL, else null.</summary>
    public static string? CanonicalUrl(string url)
    {
        var match = RfcUrl().Match(url);
        return match.Success ? "https://www.rfc-editor.org/rfc/" + match.Groups[3].Value : null;
    }

    public static string LocalPath(string canonicalUrl) => "spec/" + canonicalUrl[(canonicalUrl.LastIndexOf('/') + 1)..] + ".txt";

    public RfcDocument? Get(string canonicalUrl)
    {
        if (!_documents.TryGetValue(canonicalUrl, out var document))
        {
            var path = Path.Combine(root, LocalPath(canonicalUrl));
            document = File.Exists(path) ? RfcDocument.Load(path) : null;
            _documents[canonicalUrl] = document;
        }
        return document;
    }

    public SectionText Text(string canonicalUrl, RfcSection section)
    {
        var key = (canonicalUrl, section.Id);
        if (!_texts.TryGetValue(key, out var text))
            _texts[key] = text = new SectionText(section);
        return text;
    }
}
