namespace Reference.Proofs;

/// <summary>The outcome of one Z3 query: a property holds when Z3 finds no counterexample (UNSAT).</summary>
internal sealed record ProofResult(string Property, string Clause, string Types, int Bound, bool Holds, string? Counterexample, TimeSpan SolverTime)
{
    public string Verdict => Holds ? "proved" : "FAILED";

    /// <summary>Proved for traces of every length (an inductive invariant or a one-step property), not up to <see cref="Bound"/>.</summary>
    public bool Unbounded { get; init; }

    public string BoundText => Unbounded ? "∞" : Bound.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
