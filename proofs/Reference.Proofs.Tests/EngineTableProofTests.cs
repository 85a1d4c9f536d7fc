namespace Reference.Proofs.Tests;

/// <summary>Runs the table proofs once on the engine's own table and shares the results (across test classes too).</summary>
public sealed class EngineProofs
{
    private static readonly Lazy<(List<ProofResult> Table, List<ProofResult> Model)> Shared =
        new(() => (ProofSuite.ProveTable(TableSpec.FromEngine()), ProofSuite.CheckModel()));

    internal List<ProofResult> Table => Shared.Value.Table;

    internal List<ProofResult> Model => Shared.Value.Model;
}

public class EngineTableProofTests(EngineProofs proofs) : IClassFixture<EngineProofs>
{
    [Fact]
    public void Table_traces_are_rfc_model_traces()
    {
        AssertAllHold(proofs.Table.Where(p => p.Property.StartsWith("equivalence: every table trace", StringComparison.Ordinal)), expected: 1);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4
    //= type=test
    //# Protocol messages MUST be sent in the order defined in Section 4.4.1
    //# and shown in the diagrams in Section 2.
    [Fact]
    public void Every_rfc_model_trace_of_every_supported_type_is_a_table_trace()
    {
        var completeness = proofs.Table.Where(p => p.Property.StartsWith("equivalence: every RFC-model trace", StringComparison.Ordinal)).ToList();
        AssertAllHold(completeness, expected: HandshakeType.Supported.Count);
        Assert.Equal(HandshakeType.Supported.Select(t => t.Name), completeness.Select(p => p.Types));
    }

    [Fact]
    public void Safety_properties_hold_for_every_table_trace()
    {
        var safety = proofs.Table.Where(p => SafetyProperties.All.Any(s => s.Name == p.Property)).ToList();
        AssertAllHold(safety, expected: SafetyProperties.All.Count);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
    //= type=test
    //# If a client receives a second
    //# HelloRetryRequest in the same connection (i.e., where the ClientHello
    //# was itself in response to a HelloRetryRequest), it MUST abort the
    //# handshake with an "unexpected_message" alert.
    [Fact]
    public void At_most_one_hello_retry_request_is_proved_up_to_the_bound()
    {
        var hrr = Assert.Single(proofs.Table, p => p.Property == "at most one HelloRetryRequest");
        Assert.True(hrr.Holds, hrr.Counterexample);
        Assert.True(hrr.Bound >= 16);
    }

    [Fact]
    public void Psk_handshakes_with_and_without_hello_retry_are_proved_types()
    {
        var psk = HandshakeType.Supported.Where(t => t[Feature.Psk]).Select(t => t.Name).ToList();
        Assert.Equal(["psk", "psk+HRR", "psk+0-RTT"], psk);
        Assert.DoesNotContain(Feature.Psk, HandshakeType.Unsupported);
        Assert.All(HandshakeType.Supported.Where(t => t[Feature.Psk]), t => Assert.False(t[Feature.ClientAuth], t.Name));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# A client MUST NOT include the "early_data" extension in its followup
    //# ClientHello.
    [Fact]
    public void Zero_rtt_is_a_proved_type_only_with_a_psk_and_without_hello_retry()
    {
        var early = Assert.Single(HandshakeType.Supported, t => t[Feature.EarlyData]);
        Assert.Equal("psk+0-RTT", early.Name);
        Assert.True(early[Feature.Psk]);
        Assert.False(early[Feature.Hrr]);
        Assert.DoesNotContain(Feature.EarlyData, HandshakeType.Unsupported);
        var eoed = Assert.Single(proofs.Table, p => p.Property.StartsWith("EndOfEarlyData at most once", StringComparison.Ordinal));
        Assert.True(eoed.Holds, eoed.Counterexample);
    }

    [Fact]
    public void Every_supported_type_respects_the_rfc_flag_implications()
    {
        Assert.All(HandshakeType.Supported.Concat(HandshakeType.ModelOnly), type =>
            Assert.All(RfcMachines.Implications, rule => Assert.True(!type[rule.If] || type[rule.Then] == rule.Value, $"{type.Name}: {rule}")));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
    //= type=test
    //# Servers which are authenticating with a PSK MUST NOT send the
    //# CertificateRequest message in the main handshake
    [Fact]
    public void With_a_psk_the_server_sends_no_certificate_messages_is_proved()
    {
        var proof = Assert.Single(proofs.Table, p => p.Property.StartsWith("with a PSK, the server sends no Certificate", StringComparison.Ordinal));
        Assert.True(proof.Holds, proof.Counterexample);
        Assert.True(proof.Bound >= 16);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
    //= type=test
    //# In TLS 1.3 as defined by this document, either a PSK or
    //# a certificate is always used, but not both.
    [Fact]
    public void The_server_always_authenticates_before_its_finished_is_proved()
    {
        var proof = Assert.Single(proofs.Table, p => p.Property.StartsWith("the server authenticates before its Finished", StringComparison.Ordinal));
        Assert.True(proof.Holds, proof.Counterexample);
        var cvRule = Assert.Single(proofs.Table, p => p.Property.StartsWith("CertificateVerify exactly when right after a non-empty Certificate", StringComparison.Ordinal));
        Assert.True(cvRule.Holds, cvRule.Counterexample);
    }

    [Fact]
    public void Table_is_deterministic_total_and_final_in_closed_and_failed()
    {
        var structural = proofs.Table.Where(p => p.Property.StartsWith("determinism", StringComparison.Ordinal)
            || p.Property.StartsWith("totality", StringComparison.Ordinal) || p.Property.StartsWith("no transition out of", StringComparison.Ordinal));
        AssertAllHold(structural, expected: 3);
    }

    [Fact]
    public void Every_trace_property_uses_a_bound_of_at_least_16()
    {
        Assert.All(proofs.Table.Where(p => p.Types.Contains("trace", StringComparison.Ordinal) || p.Property.StartsWith("equivalence", StringComparison.Ordinal)),
            p => Assert.True(p.Bound >= 16, p.Property));
    }

    [Fact]
    public void Rfc_model_reaches_connected_for_every_type_it_describes()
    {
        var witnesses = proofs.Model.Where(p => p.Property.StartsWith("RFC model reaches Connected", StringComparison.Ordinal)).ToList();
        AssertAllHold(witnesses, expected: HandshakeType.Supported.Count + HandshakeType.ModelOnly.Count);
        Assert.All(witnesses, w => Assert.StartsWith("witness: C:ClientHello", w.Counterexample));
    }

    [Fact]
    public void Rfc_model_itself_satisfies_the_safety_properties()
    {
        AssertAllHold(proofs.Model.Where(p => p.Types.StartsWith("RFC model", StringComparison.Ordinal)), expected: SafetyProperties.All.Count);
    }

    private static void AssertAllHold(IEnumerable<ProofResult> results, int expected)
    {
        var list = results.ToList();
        Assert.Equal(expected, list.Count);
        Assert.All(list, p => Assert.True(p.Holds, $"{p.Property}: {p.Counterexample}"));
    }
}
