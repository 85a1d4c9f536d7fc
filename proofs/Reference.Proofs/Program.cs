using Reference.Proofs;

// Usage: report [--bound N] [--out PATH] | unbounded | negotiation. "report" runs every proof and prints the report;
// it writes it only to the PATH given (proofs/report.md, the committed report, only with --out proofs/report.md);
// exits 1 if any proof fails or any mutation goes uncaught, 2 on bad usage.
// "unbounded" alone: only the unbounded proofs of the engine's table, one line each (a quick check).
if (args is ["unbounded"])
{
    var results = UnboundedProofs.ProveTable(TableSpec.FromEngine());
    foreach (var r in results)
    {
        Console.WriteLine($"{r.Verdict} {r.SolverTime.TotalMilliseconds:F0} ms {r.Property} {r.Counterexample}");
    }

    return results.All(r => r.Holds) ? 0 : 1;
}

// "negotiation": the negotiation specification proofs and their mutations, one line each.
if (args is ["negotiation"])
{
    var proofs = new List<ProofResult>();
    foreach (var decision in NegotiationProofs.Decisions)
    {
        foreach (var r in Z3Native.Run(() => NegotiationProofs.Prove(decision)))
        {
            Console.WriteLine($"{r.Verdict} {r.SolverTime.TotalMilliseconds:F0} ms {r.Property} {r.Counterexample}");
            proofs.Add(r);
        }
    }

    var mutants = NegotiationMutations.RunAll();
    foreach (var m in mutants)
    {
        Console.WriteLine($"{(m.Caught ? "caught" : "NOT CAUGHT")} {m.SolverTime.TotalMilliseconds:F0} ms {m.Mutation.Name}: {m.Failure?.Property} {m.Failure?.Counterexample}");
    }

    return proofs.All(r => r.Holds) && mutants.All(m => m.Caught) ? 0 : 1;
}

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
