namespace Reference.Proofs.Tests;

/// <summary>Runs the unbounded proofs once on the engine's own table and shares the results.</summary>
public sealed class EngineUnboundedProofs
{
    internal List<ProofResult> Results { get; } = UnboundedProofs.ProveTable(TableSpec.FromEngine());
}

/// <summary>The unbounded method (inductive invariants) proves what the bounded one proves, for traces of every length.</summary>
public class UnboundedProofTests(EngineUnboundedProofs unbounded, EngineProofs bounded) : IClassFixture<EngineUnboundedProofs>, IClassFixture<EngineProofs>
{
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4
    //= type=test
    //# Protocol messages MUST be sent in the order defined in Section 4.4.1
    //# and shown in the diagrams in Section 2.
    [Fact]
    public void Every_table_property_is_proved_for_traces_of_every_length()
    {
        Assert.All(unbounded.Results, p => Assert.True(p.Holds, $"{p.Property}: {p.Counterexample}"));
        Assert.All(unbounded.Results, p => Assert.True(p.Unbounded, p.Property));
        Assert.Contains(unbounded.Results, p => p.Property == "equivalence: every table trace is an RFC-model trace");
        Assert.Equal(HandshakeType.Supported.Count, unbounded.Results.Count(p => p.Property.StartsWith("equivalence: every RFC-model trace", StringComparison.Ordinal)));
    }

    [Fact]
    public void Both_methods_prove_the_same_properties_and_agree()
    {
        Assert.Equal(bounded.Table.Select(p => p.Property), unbounded.Results.Select(p => p.Property));
        Assert.Equal(bounded.Table.Select(p => p.Holds), unbounded.Results.Select(p => p.Holds));
    }

    [Fact]
    public void The_invariants_are_the_reachable_product_states_not_a_trivial_set()
    {
        var equivalence = Assert.Single(unbounded.Results, p => p.Property == "equivalence: every table trace is an RFC-model trace");
        var states = int.Parse(System.Text.RegularExpressions.Regex.Match(equivalence.Types, @"invariant of (\d+) product states").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        // More than the table's own states: the product tells the handshake types apart.
        Assert.True(states > Tls.StateMachine.TransitionTable.Rows.Select(r => r.To).Distinct().Count(), equivalence.Types);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
    //= type=test
    //# If a client receives a second
    //# HelloRetryRequest in the same connection (i.e., where the ClientHello
    //# was itself in response to a HelloRetryRequest), it MUST abort the
    //# handshake with an "unexpected_message" alert.
    [Fact]
    public void A_second_hello_retry_is_found_by_the_unbounded_proof_with_its_shortest_trace()
    {
        var mutation = Assert.Single(Mutations.All, m => m.Name.StartsWith("add a second HelloRetryRequest", StringComparison.Ordinal));
        var failure = UnboundedProofs.ProveTableUntilFailure(mutation.Apply(TableSpec.FromEngine())).Last();
        Assert.False(failure.Holds);
        Assert.Equal("at most one HelloRetryRequest", failure.Property);
        Assert.Equal("C:ClientHello S:HelloRetryRequest C:ClientHello S:HelloRetryRequest [table: AfterHelloRetryRequest]", failure.Counterexample);
    }
}
