using Microsoft.Z3;

namespace Reference.Proofs;

/// <summary>A property of single traces, stated as what a violating trace looks like.</summary>
internal sealed record TraceProperty(string Name, string Clause, Func<TraceEncoding, SymbolicTrace, BoolExpr> Violation);

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
        new("no application data before the sender's Finished, except the client's 0-RTT data", Rfc + "section-4.4.4", (e, t) => e.AnyActive(t, i =>
            e.Ctx.MkOr(
                e.Ctx.MkAnd(e.Is(t, i, RfcMessage.ApplicationData, Party.Client), e.Ctx.MkNot(e.SeenBefore(t, i, RfcMessage.Finished, Party.Client)),
                    e.Ctx.MkOr(e.SeenBefore(t, i, RfcMessage.HelloRetryRequest, Party.Server), e.SeenBefore(t, i, RfcMessage.ServerHello, Party.Server),
                        e.SeenBefore(t, i, RfcMessage.EndOfEarlyData, Party.Client))),
                e.Ctx.MkAnd(e.Is(t, i, RfcMessage.ApplicationData, Party.Server), e.Ctx.MkNot(e.SeenBefore(t, i, RfcMessage.Finished, Party.Server)))))),

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //# Servers MAY send data after sending their first flight, but
        //# because the handshake is not yet complete, they have no assurance
        //# of either the peer's identity or its liveness
        new("server sends no application data before the client's Finished (no 0.5-RTT)", Rfc + "section-4.4.4", (e, t) => e.AnyActive(t, i =>
            e.Ctx.MkAnd(e.Is(t, i, RfcMessage.ApplicationData, Party.Server), e.Ctx.MkNot(e.SeenBefore(t, i, RfcMessage.Finished, Party.Client))))),

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
        new("client sends Finished only after receiving the server's Finished", Rfc + "appendix-A.1", (e, t) => e.AnyActive(t, i =>
            e.Ctx.MkAnd(e.Is(t, i, RfcMessage.Finished, Party.Client), e.Ctx.MkNot(e.SeenBefore(t, i, RfcMessage.Finished, Party.Server))))),

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
        //# If a client receives a second
        //# HelloRetryRequest in the same connection (i.e., where the ClientHello
        //# was itself in response to a HelloRetryRequest), it MUST abort the
        //# handshake with an "unexpected_message" alert.
        new("at most one HelloRetryRequest", Rfc + "section-4.1.4", (e, t) => e.AnyActive(t, i =>
            e.Ctx.MkAnd(e.Is(t, i, RfcMessage.HelloRetryRequest), e.Ctx.MkOr(Enumerable.Range(0, i).Select(j => e.Is(t, j, RfcMessage.HelloRetryRequest)).ToArray())))),

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
        new("the server authenticates before its Finished: a CertificateVerify or an accepted PSK", Rfc + "section-4.1.1", (e, t) => e.AnyActive(t, i =>
            e.Ctx.MkAnd(e.Is(t, i, RfcMessage.Finished, Party.Server),
                e.Ctx.MkNot(e.SeenBefore(t, i, RfcMessage.CertificateVerify, Party.Server)),
                e.Ctx.MkNot(e.SeenBefore(t, i, RfcMessage.ServerHelloPsk, Party.Server))))),

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
        //# If the server does not send an "early_data"
        //# extension in EncryptedExtensions, then the client MUST NOT send an
        //# EndOfEarlyData message.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
        //# If the server sent an "early_data" extension in EncryptedExtensions,
        //# the client MUST send an EndOfEarlyData message after receiving the
        //# server Finished.
        new("EndOfEarlyData at most once, from the client, after the server's Finished and before the client's, only after early data was accepted", Rfc + "section-4.5", (e, t) => e.AnyActive(t, i =>
            e.Ctx.MkAnd(e.Is(t, i, RfcMessage.EndOfEarlyData),
                e.Ctx.MkOr(
                    e.Ctx.MkNot(e.Is(t, i, RfcMessage.EndOfEarlyData, Party.Client)),
                    e.Ctx.MkNot(e.SeenBefore(t, i, RfcMessage.Finished, Party.Server)),
                    e.Ctx.MkNot(e.SeenBefore(t, i, RfcMessage.EncryptedExtensionsEarlyData, Party.Server)),
                    e.Ctx.MkNot(e.SeenBefore(t, i, RfcMessage.ServerHelloPsk, Party.Server)),
                    e.SeenBefore(t, i, RfcMessage.HelloRetryRequest, Party.Server),
                    e.SeenBefore(t, i, RfcMessage.Finished, Party.Client),
                    e.SeenBefore(t, i, RfcMessage.EndOfEarlyData, Party.Client))))),
    ];

    /// <summary>After the server accepted a PSK, any server certificate message (or a CertificateRequest) violates §2.2 / §4.3.2.</summary>
    private static BoolExpr CertificateAfterPsk(TraceEncoding e, SymbolicTrace t) => e.AnyActive(t, i =>
    {
        var ctx = e.Ctx;
        var certificateMessage = ctx.MkOr(
            e.Is(t, i, RfcMessage.Certificate, Party.Server), e.Is(t, i, RfcMessage.EmptyCertificate, Party.Server),
            e.Is(t, i, RfcMessage.CertificateVerify, Party.Server), e.Is(t, i, RfcMessage.CertificateRequest, Party.Server));
        return ctx.MkAnd(certificateMessage, e.SeenBefore(t, i, RfcMessage.ServerHelloPsk, Party.Server));
    });

    private static BoolExpr CertificateVerifyMisplaced(TraceEncoding e, SymbolicTrace t) => e.AnyActive(t, i =>
    {
        var ctx = e.Ctx;
        var sameSender = i > 0 ? ctx.MkEq(t.Senders[i - 1], t.Senders[i]) : ctx.MkFalse();
        var afterCertificate = i > 0 ? ctx.MkAnd(e.Is(t, i - 1, RfcMessage.Certificate), sameSender) : ctx.MkFalse();
        var verifyOutOfPlace = ctx.MkAnd(e.Is(t, i, RfcMessage.CertificateVerify), ctx.MkNot(afterCertificate));
        var certificateWithoutVerify = i + 1 < e.Bound
            ? ctx.MkAnd(e.Is(t, i, RfcMessage.Certificate), e.Active(t, i + 1),
                ctx.MkNot(ctx.MkAnd(e.Is(t, i + 1, RfcMessage.CertificateVerify), ctx.MkEq(t.Senders[i + 1], t.Senders[i]))))
            : ctx.MkFalse();
        return ctx.MkOr(verifyOutOfPlace, certificateWithoutVerify);
    });
}
