namespace Reference.Compliance.Spec;

/// <summary>duvet's annotation levels, ordered by priority (a sentence with MUST and MAY is MUST).</summary>
internal enum RequirementLevel { Auto = 0, May = 1, Should = 2, Must = 3 }

internal static class RequirementLevels
{
    public static readonly RequirementLevel[] Reported = [RequirementLevel.Must, RequirementLevel.Should, RequirementLevel.May];

    public static string Name(this RequirementLevel level) => level switch
    {
        RequirementLevel.Must => "MUST",
        RequirementLevel.Should => "SHOULD",
        RequirementLevel.May => "MAY",
        _ => "AUTO",
    };

    public static RequirementLevel? TryParse(string value) => value switch
    {
        "MUST" => RequirementLevel.Must,
        "SHOULD" => RequirementLevel.Should,
        "MAY" => RequirementLevel.May,
        "AUTO" => RequirementLevel.Auto,
        _ => null,
    };
}
