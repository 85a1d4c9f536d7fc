namespace Reference.Proofs.Tests;

/// <summary>The proofs have teeth: every deliberately broken table is caught with a readable counterexample.</summary>
public class MutationTests
{
    // Each mutant is proved once (bounded and unbounded) and shared by the tests below: the bounded proofs dominate
    // the proofs test run's time.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, MutationResult> Results = new();

    private static MutationResult ResultOf(Mutation mutation) =>
        Results.GetOrAdd(mutation.Name, _ => Mutations.Run(mutation, TableSpec.FromEngine()));

    private static ProofResult FirstBoundedFailure(string mutationPrefix)
    {
        var mutation = Assert.Single(Mutations.All, m => m.Name.StartsWith(mutationPrefix, StringComparison.Ordinal));
        var failure = ResultOf(mutation).Failures.FirstOrDefault();
        Assert.NotNull(failure);
        return failure;
    }

    public static TheoryData<int> MutationIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Mutations.All.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Fact]
    public void There_are_at_least_eight_distinct_mutations_and_each_changes_the_table()
    {
        var engine = TableSpec.FromEngine();
        Assert.True(Mutations.All.Count >= 8);
        Assert.Equal(Mutations.All.Count, Mutations.All.Select(m => m.Name).Distinct().Count());
        Assert.All(Mutations.All, m =>
        {
            var mutant = m.Apply(engine);
            bool changed = !mutant.Rows.SequenceEqual(engine.Rows) || !mutant.Rejections.SequenceEqual(engine.Rejections)
                || mutant.DefaultRejection != engine.DefaultRejection;
            Assert.True(changed, m.Name);
        });
    }

    [Theory]
    [MemberData(nameof(MutationIndexes))]
    public void Mutation_is_caught_by_both_methods_with_a_counterexample(int index)
    {
        var mutation = Mutations.All[index];
        var result = ResultOf(mutation);
        Assert.True(result.Failures.Count > 0, $"mutation not caught by the bounded proofs: {mutation.Name}");
        Assert.True(result.UnboundedFailures.Count > 0, $"mutation not caught by the unbounded proofs: {mutation.Name}");
        Assert.True(result.Caught);
        foreach (var failure in new[] { result.Failures[0], result.UnboundedFailures[0] })
        {
            Assert.False(string.IsNullOrWhiteSpace(failure.Counterexample));
            if (failure.Bound > 1 || (failure.Unbounded && failure.Types.Contains("invariant", StringComparison.Ordinal)))
            {
                // Trace counterexamples read as a message trace from the first ClientHello.
                Assert.Matches(@"^(C|S):\w+", failure.Counterexample);
            }
        }
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
    //= type=test
    //# As the server is authenticating via a PSK, it does not send a
    //# Certificate or a CertificateVerify message.
    [Theory]
    [InlineData("PSK: authentication bypass", "the server authenticates before its Finished", "C:ClientHello S:ServerHello S:EncryptedExtensions S:Finished [table: AfterServerFinished]")]
    [InlineData("PSK: allow Certificate after a PSK EncryptedExtensions", "with a PSK, the server sends no Certificate", "C:ClientHello S:ServerHelloPsk S:EncryptedExtensions S:Certificate [table: AfterServerCertificate]")]
    [InlineData("PSK: ServerHelloPsk without the second ClientHello", "equivalence: every table trace is an RFC-model trace", "C:ClientHello S:HelloRetryRequest S:ServerHelloPsk [table: AfterServerHelloPskAfterRetry]")]
    public void Psk_mutations_are_caught_by_the_expected_property_with_the_shortest_trace(string mutationPrefix, string property, string counterexample)
    {
        Assert.True(Mutations.All.Count(m => m.Name.StartsWith("PSK:", StringComparison.Ordinal)) >= 2);
        var failure = FirstBoundedFailure(mutationPrefix);
        Assert.False(failure.Holds);
        Assert.StartsWith(property, failure.Property);
        Assert.Equal(counterexample, failure.Counterexample);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
    //= type=test
    //# If the server sent an "early_data" extension in EncryptedExtensions, the
    //# client MUST send an EndOfEarlyData message after receiving the server
    //# Finished.
    [Theory]
    [InlineData("0-RTT: early data accepted after a HelloRetryRequest")]
    [InlineData("0-RTT: client Finished without EndOfEarlyData")]
    public void Zero_rtt_mutations_are_caught(string mutationPrefix)
    {
        var failure = FirstBoundedFailure(mutationPrefix);
        Assert.False(failure.Holds);
        Assert.Contains("S:EncryptedExtensionsEarlyData", failure.Counterexample);
    }

    [Fact]
    public void A_mutation_that_skips_the_client_finished_is_shown_as_a_trace()
    {
        var failure = FirstBoundedFailure("client Finished before the server's Finished");
        Assert.False(failure.Holds);
        Assert.Contains("S:CertificateVerify C:Finished", failure.Counterexample);
    }
}
