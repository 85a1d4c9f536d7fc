using Reference.Compliance.Report;
using Reference.Compliance.Spec;

namespace Reference.Compliance;

/// <summary>
/// RFC 8446 compliance tool (duvet-compatible). Commands:
///   extract [--root DIR]   regenerate compliance/specs/... from spec/rfc8446.txt
///   report  [--root DIR]   check citations, write compliance/report/{report.json,index.html}, print a summary
///   check   [--root DIR]   check citations and requirement files only; exit 1 on any error
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args);

    /// <summary>Entry point shared with the `reference compliance` CLI command.</summary>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    internal static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            output.WriteLine("usage: compliance (extract|report|check) [--root DIR]");
            return args.Length == 0 ? 2 : 0;
        }
        string? root = ParseRoot(args, error, out bool badArgs);
        if (badArgs)
            return 2;
        root ??= FindRoot(Directory.GetCurrentDirectory());
        if (root is null)
        {
            error.WriteLine("error: Reference.sln not found in this directory or any parent; pass --root DIR");
            return 2;
        }
        switch (args[0])
        {
            case "extract": return ExtractCommand.Run(root, output);
            case "report": return ReportCommand.Run(root, writeFiles: true, output, error);
            case "check": return ReportCommand.Run(root, writeFiles: false, output, error);
            default:
                error.WriteLine($"error: unknown command '{args[0]}' (extract, report, check)");
                return 2;
        }
    }

    private static string? ParseRoot(string[] args, TextWriter error, out bool bad)
    {
        bad = false;
        string? root = null;
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--root" && i + 1 < args.Length)
                root = Path.GetFullPath(args[++i]);
            else
            {
                error.WriteLine($"error: unexpected argument '{args[i]}'");
                bad = true;
            }
        }
        return root;
    }

    /// <summary>The nearest directory at or above <paramref name="start"/> holding Reference.sln.</summary>
    internal static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reference.sln")))
                return dir.FullName;
        }
        return null;
    }
}
