namespace Reference.Compliance.Report;

internal enum CoverageStatus { ImplementedAndTested, ImplementedOnly, TestedOnly, Exception, Todo, NotCovered }

internal static class CoverageStatuses
{
    public static readonly CoverageStatus[] All = Enum.GetValues<CoverageStatus>();

    public static string Name(this CoverageStatus status) => status switch
    {
        CoverageStatus.ImplementedAndTested => "implemented+tested",
        CoverageStatus.ImplementedOnly => "implemented only",
        CoverageStatus.TestedOnly => "tested only",
        CoverageStatus.Exception => "exception",
        CoverageStatus.Todo => "todo",
        _ => "not covered",
    };
}
