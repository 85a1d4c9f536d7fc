using Microsoft.Z3;

namespace Reference.Proofs;

/// <summary>
/// What a property may look at when one message is taken: the message and its sender, which messages were
/// seen before, and the message just before. A bounded trace gives these per position; the unbounded proof
/// keeps them as monitor state (<see cref="UnboundedProofs"/>), so both methods check the same formula.
/// </summary>
internal sealed record StepView(TraceEncoding E, Expr Message, Expr Sender, Func<RfcMessage, Party, BoolExpr> Seen, BoolExpr HasPrevious, Expr PreviousMessage, Expr PreviousSender)
{
    public BoolExpr Is(RfcMessage m) => E.Ctx.MkEq(Message, E.Message(m));

    public BoolExpr Is(RfcMessage m, Party p) => E.Ctx.MkAnd(Is(m), E.Ctx.MkEq(Sender, E.Sender(p)));

    public BoolExpr SeenAny(RfcMessage m) => E.Ctx.MkOr(Seen(m, Party.Client), Seen(m, Party.Server));

    /// <summary>The message just before this one is <paramref name="m"/>, from the same sender as this one.</summary>
    public BoolExpr RightAfter(RfcMessage m) =>
        E.Ctx.MkAnd(HasPrevious, E.Ctx.MkEq(PreviousMessage, E.Message(m)), E.Ctx.MkEq(PreviousSender, Sender));

    public BoolExpr PreviousIs(RfcMessage m) => E.Ctx.MkAnd(HasPrevious, E.Ctx.MkEq(PreviousMessage, E.Message(m)));
}

/// <summary>A property of single traces, stated as what a violating step looks like.</summary>
internal sealed record TraceProperty(string Name, string Clause, Func<StepView, BoolExpr> StepViolation)
{
    /// <summary>Some position of the bounded trace is a violating step.</summary>
    public BoolExpr Violation(TraceEncoding e, SymbolicTrace t) => e.AnyActive(t, i => StepViolation(e.ViewAt(t, i)));
}

/// <summary>Safety properties every accepted trace must satisfy, each citing the RFC clause it encodes.</summary>
internal static class SafetyProperties
{
    private const string Rfc = "https://www.rfc-editor.org/rfc/rfc8446#";

    public static IReadOnlyList<TraceProperty> All { get; } =
    [
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //# Once a side has sent its Finished message and has received and
        //# validated the Finished message from its peer, it may begin to send
        //# and receive Application Data over the connection.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //# There are two
        //# settings in which it is permitted to send data prior to receiving the
        //# peer's Finished:
        // The client's exception is 0-RTT: only in a PSK handshake without HelloRetryRequest, before EndOfEarlyData.
        new("no application data before the sender's Finished, except the client's 0-RTT data", Rfc + "section-4.4.4", v => v.E.Ctx.MkOr(
            v.E.Ctx.MkAnd(v.Is(RfcMessage.ApplicationData, Party.Client), v.E.Ctx.MkNot(v.Seen(RfcMessage.Finished, Party.Client)),
                v.E.Ctx.MkOr(v.Seen(RfcMessage.HelloRetryRequest, Party.Server), v.Seen(RfcMessage.ServerHello, Party.Server),
                    v.Seen(RfcMessage.EndOfEarlyData, Party.Client))),
            v.E.Ctx.MkAnd(v.Is(RfcMessage.ApplicationData, Party.Server), v.E.Ctx.MkNot(v.Seen(RfcMessage.Finished, Party.Server))))),

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //# Servers MAY send data after sending their first flight, but
        //# because the handshake is not yet complete, they have no assurance
        //# of either the peer's identity or its liveness
        new("server sends no application data before the client's Finished (no 0.5-RTT)", Rfc + "section-4.4.4", v =>
            v.E.Ctx.MkAnd(v.Is(RfcMessage.ApplicationData, Party.Server), v.E.Ctx.MkNot(v.Seen(RfcMessage.Finished, Party.Client)))),

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
        //# Clients MUST send this message whenever
        //# authenticating via a certificate (i.e., when the Certificate message
        //# is non-empty).  When sent, this message MUST appear immediately after
        //# the Certificate message and immediately prior to the Finished
        //# message.
        new("CertificateVerify exactly when right after a non-empty Certificate from the same sender", Rfc + "section-4.4.3", CertificateVerifyMisplaced),

        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-A.1
        //# +> WAIT_FINISHED <+
        //# |                  | Recv Finished
        new("client sends Finished only after receiving the server's Finished", Rfc + "appendix-A.1", v =>
            v.E.Ctx.MkAnd(v.Is(RfcMessage.Finished, Party.Client), v.E.Ctx.MkNot(v.Seen(RfcMessage.Finished, Party.Server)))),

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
        //# If a client receives a second
        //# HelloRetryRequest in the same connection (i.e., where the ClientHello
        //# was itself in response to a HelloRetryRequest), it MUST abort the
        //# handshake with an "unexpected_message" alert.
        new("at most one HelloRetryRequest", Rfc + "section-4.1.4", v =>
            v.E.Ctx.MkAnd(v.Is(RfcMessage.HelloRetryRequest), v.SeenAny(RfcMessage.HelloRetryRequest))),

        //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
        //# As the server is authenticating via a PSK, it does not send a
        //# Certificate or a CertificateVerify message.
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
        //# Servers which are authenticating with a PSK MUST NOT send the
        //# CertificateRequest message in the main handshake
        new("with a PSK, the server sends no Certificate, CertificateVerify or CertificateRequest", Rfc + "section-2.2", CertificateAfterPsk),

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
        //# In TLS 1.3 as defined by this document, either a PSK or
        //# a certificate is always used, but not both.
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
        //# Servers MUST send this message when authenticating
        //# via a certificate.
        new("the server authenticates before its Finished: a CertificateVerify or an accepted PSK", Rfc + "section-4.1.1", v =>
            v.E.Ctx.MkAnd(v.Is(RfcMessage.Finished, Party.Server),
                v.E.Ctx.MkNot(v.Seen(RfcMessage.CertificateVerify, Party.Server)),
                v.E.Ctx.MkNot(v.Seen(RfcMessage.ServerHelloPsk, Party.Server)))),

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
        //# If the server does not send an "early_data"
        //# extension in EncryptedExtensions, then the client MUST NOT send an
        //# EndOfEarlyData message.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
        //# If the server sent an "early_data" extension in EncryptedExtensions,
        //# the client MUST send an EndOfEarlyData message after receiving the
        //# server Finished.
        new("EndOfEarlyData at most once, from the client, after the server's Finished and before the client's, only after early data was accepted", Rfc + "section-4.5", v =>
            v.E.Ctx.MkAnd(v.Is(RfcMessage.EndOfEarlyData),
                v.E.Ctx.MkOr(
                    v.E.Ctx.MkNot(v.Is(RfcMessage.EndOfEarlyData, Party.Client)),
                    v.E.Ctx.MkNot(v.Seen(RfcMessage.Finished, Party.Server)),
                    v.E.Ctx.MkNot(v.Seen(RfcMessage.EncryptedExtensionsEarlyData, Party.Server)),
                    v.E.Ctx.MkNot(v.Seen(RfcMessage.ServerHelloPsk, Party.Server)),
                    v.Seen(RfcMessage.HelloRetryRequest, Party.Server),
                    v.Seen(RfcMessage.Finished, Party.Client),
                    v.Seen(RfcMessage.EndOfEarlyData, Party.Client)))),
    ];

    /// <summary>After the server accepted a PSK, any server certificate message (or a CertificateRequest) violates §2.2 / §4.3.2.</summary>
    private static BoolExpr CertificateAfterPsk(StepView v)
    {
        var certificateMessage = v.E.Ctx.MkOr(
            v.Is(RfcMessage.Certificate, Party.Server), v.Is(RfcMessage.EmptyCertificate, Party.Server),
            v.Is(RfcMessage.CertificateVerify, Party.Server), v.Is(RfcMessage.CertificateRequest, Party.Server));
        return v.E.Ctx.MkAnd(certificateMessage, v.Seen(RfcMessage.ServerHelloPsk, Party.Server));
    }

    /// <summary>
    /// A CertificateVerify not right after a Certificate of its sender, or a step right after a Certificate that is
    /// not its sender's CertificateVerify (a Certificate that is the last message of a trace is not yet a violation).
    /// </summary>
    private static BoolExpr CertificateVerifyMisplaced(StepView v)
    {
        var ctx = v.E.Ctx;
        var verifyOutOfPlace = ctx.MkAnd(v.Is(RfcMessage.CertificateVerify), ctx.MkNot(v.RightAfter(RfcMessage.Certificate)));
        var certificateWithoutVerify = ctx.MkAnd(v.PreviousIs(RfcMessage.Certificate),
            ctx.MkNot(ctx.MkAnd(v.Is(RfcMessage.CertificateVerify), ctx.MkEq(v.Sender, v.PreviousSender))));
        return ctx.MkOr(verifyOutOfPlace, certificateWithoutVerify);
    }
}
