namespace Reference.Compliance.Spec;

/// <summary>A parsed RFC: sections in order of appearance, addressable by duvet id.</summary>
internal sealed class RfcDocument
{
    private readonly Dictionary<string, RfcSection> _byId = new(StringComparer.Ordinal);

    public RfcDocument(IReadOnlyList<RfcSection> sections)
    {
        Sections = sections;
        foreach (var section in sections)
            _byId.TryAdd(section.Id, section);
    }

    public IReadOnlyList<RfcSection> Sections { get; }

    public static RfcDocument Parse(string text) => new(IetfParser.Parse(text));

    public static RfcDocument Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>
    /// Looks a section up the way duvet does: exact id first, then with the
    /// "section-"/"appendix-" prefix swapped or added (a citation may write
    /// section-A.1 for appendix-A.1, or just 4.1.2).
    /// </summary>
    public RfcSection? Find(string id)
    {
        if (_byId.TryGetValue(id, out var exact))
            return exact;
        var bare = StripPrefix(StripPrefix(id, "section-"), "appendix-");
        foreach (var prefix in new[] { "section-", "appendix-" })
        {
            if (_byId.TryGetValue(prefix + bare, out var section))
                return section;
        }
        return null;
    }

    private static string StripPrefix(string value, string prefix) =>
        value.StartsWith(prefix, StringComparison.Ordinal) ? value[prefix.Length..] : value;
}
