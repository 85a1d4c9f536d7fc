namespace Reference.Compliance.Citations;

internal enum CitationType { Implementation, Test, Exception, Todo, Implication, Spec }

/// <summary>
/// One `//=` / `//#` annotation in a source file. <see cref="Line"/> is the
/// 1-based line of its first `//=` line; <see cref="Quote"/> is the `//#`
/// lines trimmed and joined with single spaces (as duvet joins them).
/// </summary>
internal sealed record Citation(
    string File,
    int Line,
    string Target,
    CitationType Type,
    string Reason,
    string Quote,
    string TrackingIssue)
{
    public string Location => $"{File}:{Line}";

    public static string TypeName(CitationType type) => type switch
    {
        CitationType.Implementation => "implementation",
        CitationType.Test => "test",
        CitationType.Exception => "exception",
        CitationType.Todo => "todo",
        CitationType.Implication => "implication",
        _ => "spec",
    };

    public static CitationType? ParseType(string value) => value switch
    {
        "implementation" or "IMPLEMENTATION" or "citation" or "CITATION" => CitationType.Implementation,
        "test" or "TEST" => CitationType.Test,
        "exception" or "EXCEPTION" => CitationType.Exception,
        "todo" or "TODO" => CitationType.Todo,
        "implication" or "IMPLICATION" => CitationType.Implication,
        "spec" or "SPEC" => CitationType.Spec,
        _ => null,
    };
}

/// <summary>A problem found while checking citations, reported as file:line: message.</summary>
internal sealed record ComplianceError(string File, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: error: {Message}" : $"{File}: error: {Message}";
}
