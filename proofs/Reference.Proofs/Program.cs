using Reference.Proofs;

// Usage: report [--bound N] [--out PATH]. Runs every proof and prints the report; writes it only to the PATH
// given (proofs/report.md, the committed report, is rewritten only when named: --out proofs/report.md);
// exits 1 if any proof fails or any mutation goes uncaught, 2 on bad usage.
if (args.Length == 0 || args[0] != "report")
{
    Console.Error.WriteLine("usage: Reference.Proofs report [--bound N] [--out PATH]");
    return 2;
}

int bound = ProofSuite.DefaultBound;
string? output = null;
for (int i = 1; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--bound" when int.TryParse(args[i + 1], out var b) && b >= 1:
            bound = b;
            break;
        case "--out":
            output = args[i + 1];
            break;
        default:
            Console.Error.WriteLine($"unknown or invalid option {args[i]}");
            return 2;
    }
}

try
{
    var run = ProofRun.Execute(bound);
    var markdown = Report.Markdown(run);
    Console.WriteLine(markdown);
    if (output is not null)
    {
        File.WriteAllText(output, markdown);
        Console.WriteLine($"wrote {output}");
    }

    return run.AllPassed ? 0 : 1;
}
catch (Exception e)
{
    // Z3 missing or the model/table inconsistent: a proof that cannot run fails.
    Console.Error.WriteLine($"proofs could not run: {e}");
    return 1;
}
