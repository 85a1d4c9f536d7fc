namespace Reference.Proofs;

/// <summary>The outcome of one Z3 query: a property holds when Z3 finds no counterexample (UNSAT).</summary>
internal sealed record ProofResult(string Property, string Clause, string Types, int Bound, bool Holds, string? Counterexample, TimeSpan SolverTime)
{
    public string Verdict => Holds ? "proved" : "FAILED";
}
