using Reference.Tls;
using Reference.Tls.StateMachine;

namespace Reference.Proofs;

/// <summary>A deliberate bug planted in a copy of the engine's rows, to show the proofs catch it.</summary>
internal sealed record Mutation(string Name, Func<TableSpec, TableSpec> Apply);

/// <summary>
/// What both methods said about one mutated table: the bounded proofs and the unbounded ones. Caught when each
/// method fails at least one property.
/// </summary>
internal sealed record MutationResult(Mutation Mutation, IReadOnlyList<ProofResult> Failures, IReadOnlyList<ProofResult> UnboundedFailures, TimeSpan SolverTime)
{
    public bool Caught => Failures.Count > 0 && UnboundedFailures.Count > 0;
}

/// <summary>The mutation set: each changes the engine's table in a way some property must notice.</summary>
internal static class Mutations
{
    private const Sender C = Sender.Client;
    private const Sender S = Sender.Server;

    public static IReadOnlyList<Mutation> All { get; } =
    [
        new("drop row Start --C:ClientHello-->", t => Drop(t, HandshakeState.Start, TableMessage.ClientHello, C)),
        new("drop row AfterServerFinishedAuth --C:EmptyCertificate-->", t => Drop(t, HandshakeState.AfterServerFinishedAuth, TableMessage.EmptyCertificate, C)),
        new("drop row Connected --C:KeyUpdate-->", t => Drop(t, HandshakeState.Connected, TableMessage.KeyUpdate, C)),
        new("redirect AfterServerCertificateVerify --S:Finished--> to Connected (skip the client's Finished)",
            t => Redirect(t, HandshakeState.AfterServerCertificateVerify, TableMessage.Finished, S, HandshakeState.Connected)),
        new("redirect AfterClientCertificate --C:CertificateVerify--> to AfterServerFinishedAuth (loop the client flight)",
            t => Redirect(t, HandshakeState.AfterClientCertificate, TableMessage.CertificateVerify, C, HandshakeState.AfterServerFinishedAuth)),
        new("swap message types of the server's CertificateVerify and Finished rows", SwapServerVerifyAndFinished),
        new("swap EncryptedExtensions and ServerHello in AfterClientHello's row",
            t => Rewrite(t, HandshakeState.AfterClientHello, TableMessage.ServerHello, S, r => r with { Message = TableMessage.EncryptedExtensions })),
        new("add AfterServerHello --S:ApplicationData--> AfterServerHello",
            t => Add(t, new(HandshakeState.AfterServerHello, TableMessage.ApplicationData, S, HandshakeState.AfterServerHello))),
        new("add AfterServerFinished --S:ApplicationData--> AfterServerFinished (0.5-RTT data)",
            t => Add(t, new(HandshakeState.AfterServerFinished, TableMessage.ApplicationData, S, HandshakeState.AfterServerFinished))),
        new("add a second HelloRetryRequest: AfterSecondClientHello --S:HelloRetryRequest--> AfterHelloRetryRequest",
            t => Add(t, new(HandshakeState.AfterSecondClientHello, TableMessage.HelloRetryRequest, S, HandshakeState.AfterHelloRetryRequest))),
        new("allow CertificateVerify after EmptyCertificate",
            t => Add(t, new(HandshakeState.AfterEmptyClientCertificate, TableMessage.CertificateVerify, C, HandshakeState.AfterClientCertificateVerify))),
        new("client Finished before the server's Finished: AfterServerCertificateVerify --C:Finished--> Connected",
            t => Add(t, new(HandshakeState.AfterServerCertificateVerify, TableMessage.Finished, C, HandshakeState.Connected))),
        new("client sends NewSessionTicket: Connected --C:NewSessionTicket--> Connected",
            t => Add(t, new(HandshakeState.Connected, TableMessage.NewSessionTicket, C, HandshakeState.Connected))),
        new("transition out of Closed: Closed --C:ApplicationData--> Connected",
            t => Add(t, new(HandshakeState.Closed, TableMessage.ApplicationData, C, HandshakeState.Connected))),
        new("transition out of Failed: Failed --S:ClientHello--> AfterClientHello",
            t => Add(t, new(HandshakeState.Failed, TableMessage.ClientHello, S, HandshakeState.AfterClientHello))),
        new("nondeterminism: second row Connected --C:ApplicationData--> Closed",
            t => Add(t, new(HandshakeState.Connected, TableMessage.ApplicationData, C, HandshakeState.Closed))),
        new("ambiguity: a rejection for a key that has a row (AfterServerHello, S:EncryptedExtensions)",
            t => t with { Rejections = [.. t.Rejections, new Rejection(HandshakeState.AfterServerHello, TableMessage.EncryptedExtensions, S, AlertDescription.DecodeError)] }),
        new("default rejection is close_notify, not an error alert", t => t with { DefaultRejection = AlertDescription.CloseNotify }),

        // PSK handshakes (§2.2 Figure 3): the PSK replaces the certificate, never adds to or removes it.
        new("PSK: allow Certificate after a PSK EncryptedExtensions: AfterEncryptedExtensionsPsk --S:Certificate--> AfterServerCertificate",
            t => Add(t, new(HandshakeState.AfterEncryptedExtensionsPsk, TableMessage.Certificate, S, HandshakeState.AfterServerCertificate))),
        new("PSK: authentication bypass, server Finished right after a certificate-based EncryptedExtensions: AfterEncryptedExtensions --S:Finished--> AfterServerFinished",
            t => Add(t, new(HandshakeState.AfterEncryptedExtensions, TableMessage.Finished, S, HandshakeState.AfterServerFinished))),
        new("PSK: ServerHelloPsk without the second ClientHello: AfterHelloRetryRequest --S:ServerHelloPsk--> AfterServerHelloPskAfterRetry",
            t => Add(t, new(HandshakeState.AfterHelloRetryRequest, TableMessage.ServerHelloPsk, S, HandshakeState.AfterServerHelloPskAfterRetry))),
        new("0-RTT: early data accepted after a HelloRetryRequest: AfterServerHelloPskAfterRetry --S:EncryptedExtensionsEarlyData--> AfterEncryptedExtensionsEarlyData",
            t => Add(t, new(HandshakeState.AfterServerHelloPskAfterRetry, TableMessage.EncryptedExtensionsEarlyData, S, HandshakeState.AfterEncryptedExtensionsEarlyData))),
        new("0-RTT: client Finished without EndOfEarlyData: AfterServerFinishedEarlyData --C:Finished--> Connected",
            t => Add(t, new(HandshakeState.AfterServerFinishedEarlyData, TableMessage.Finished, C, HandshakeState.Connected))),
        new("PSK: redirect AfterServerHelloPsk --S:EncryptedExtensions--> to AfterEncryptedExtensions (PSK flight enters the certificate path)",
            t => Redirect(t, HandshakeState.AfterServerHelloPsk, TableMessage.EncryptedExtensions, S, HandshakeState.AfterEncryptedExtensions)),
        new("PSK: redirect AfterEncryptedExtensionsPsk --S:Finished--> to AfterServerFinishedAuth (client certificate in a PSK handshake)",
            t => Redirect(t, HandshakeState.AfterEncryptedExtensionsPsk, TableMessage.Finished, S, HandshakeState.AfterServerFinishedAuth)),
        new("PSK: drop row AfterSecondClientHello --S:ServerHelloPsk--> (no PSK after a HelloRetryRequest)",
            t => Drop(t, HandshakeState.AfterSecondClientHello, TableMessage.ServerHelloPsk, S)),
    ];

    /// <summary>Runs both methods' table proofs on every mutant, each stopping at the first property that catches it.</summary>
    public static List<MutationResult> RunAll(TableSpec original, int bound = ProofSuite.DefaultBound) =>
        All.Select(mutation => Run(mutation, original, bound)).ToList();

    public static MutationResult Run(Mutation mutation, TableSpec original, int bound = ProofSuite.DefaultBound)
    {
        var mutant = mutation.Apply(original);
        var proofs = ProofSuite.ProveTableUntilFailure(mutant, bound);
        var unbounded = UnboundedProofs.ProveTableUntilFailure(mutant);
        var time = proofs.Concat(unbounded).Aggregate(TimeSpan.Zero, (sum, p) => sum + p.SolverTime);
        return new MutationResult(mutation, proofs.Where(p => !p.Holds).ToList(), unbounded.Where(p => !p.Holds).ToList(), time);
    }

    private static TableSpec Drop(TableSpec t, HandshakeState from, TableMessage m, Sender s)
    {
        var row = Single(t, from, m, s);
        return t with { Rows = t.Rows.Where(r => r != row).ToList() };
    }

    private static TableSpec Redirect(TableSpec t, HandshakeState from, TableMessage m, Sender s, HandshakeState to) =>
        Rewrite(t, from, m, s, r => r with { To = to });

    private static TableSpec Rewrite(TableSpec t, HandshakeState from, TableMessage m, Sender s, Func<Transition, Transition> change)
    {
        var row = Single(t, from, m, s);
        return t with { Rows = t.Rows.Select(r => r == row ? change(r) : r).ToList() };
    }

    private static TableSpec SwapServerVerifyAndFinished(TableSpec t)
    {
        var verify = Single(t, HandshakeState.AfterServerCertificate, TableMessage.CertificateVerify, S);
        var finished = Single(t, HandshakeState.AfterServerCertificateVerify, TableMessage.Finished, S);
        return t with
        {
            Rows = t.Rows.Select(r => r == verify ? r with { Message = finished.Message } : r == finished ? r with { Message = verify.Message } : r).ToList(),
        };
    }

    private static TableSpec Add(TableSpec t, Transition row) => t with { Rows = [.. t.Rows, row] };

    /// <summary>The row a mutation targets; a mutation whose row vanished from the engine must fail loudly, not silently do nothing.</summary>
    private static Transition Single(TableSpec t, HandshakeState from, TableMessage m, Sender s) =>
        t.Find(from, m, s) ?? throw new InvalidOperationException($"mutation target {from} --{TableSpec.Short(s)}:{m}--> is not a row of the engine's table");
}
