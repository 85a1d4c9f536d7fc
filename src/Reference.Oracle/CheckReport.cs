namespace Reference.Oracle;

/// <summary>One broken clause: which rule, at which message, and what exactly was wrong.</summary>
internal sealed record Violation(Rule Rule, int MessageIndex, Direction? Direction, string Detail);

/// <summary>A named field of a message, for the trace.</summary>
internal sealed record TraceField(string Name, string Value);

/// <summary>One message or record event as the observer saw it.</summary>
internal sealed class TraceEntry(int index, Direction direction, string message, int length)
{
    public int Index { get; } = index;

    public Direction Direction { get; } = direction;

    public string Message { get; set; } = message;

    public int Length { get; } = length;

    public List<TraceField> Fields { get; } = [];

    /// <summary>The transition-table row taken ("AfterClientHello -> AfterServerHello"), if any.</summary>
    public string? Transition { get; set; }

    public List<Rule> Satisfied { get; } = [];

    public List<Violation> Violations { get; } = [];

    public void Field(string name, object? value) => Fields.Add(new TraceField(name, value?.ToString() ?? "-"));
}

/// <summary>The checker's verdict on a transcript.</summary>
internal sealed class CheckReport
{
    public List<TraceEntry> Entries { get; } = [];

    public List<Violation> Violations { get; } = [];

    /// <summary>Why the transcript could not be fully analysed (no keys, truncated capture), if it could not.</summary>
    public List<string> Problems { get; } = [];

    public List<string> Notes { get; } = [];

    public bool Conforming => Violations.Count == 0 && Problems.Count == 0;

    /// <summary>0 = conforming, 1 = violations, 2 = could not be analysed.</summary>
    public int ExitCode => Violations.Count > 0 ? 1 : Problems.Count > 0 ? 2 : 0;

    public string Verdict => Violations.Count > 0 ? "violation" : Problems.Count > 0 ? "inconclusive" : "conforming";
}
