namespace Reference.Tls.StateMachine;

/// <summary>
/// Where a connection stands in the handshake, named after the last message exchanged. Both roles walk
/// the same states; a role's next move is the row whose sender is itself.
/// </summary>
internal enum HandshakeState
{
    Start,
    AfterClientHello,
    AfterHelloRetryRequest,
    AfterSecondClientHello,
    AfterServerHello,
    AfterServerHelloPsk,
    AfterServerHelloPskAfterRetry,
    AfterEncryptedExtensions,
    AfterEncryptedExtensionsPsk,
    AfterEncryptedExtensionsEarlyData,
    AfterCertificateRequest,
    AfterServerCertificate,
    AfterServerCertificateAuth,
    AfterServerCertificateVerify,
    AfterServerCertificateVerifyAuth,
    AfterServerFinished,
    AfterServerFinishedAuth,
    AfterServerFinishedEarlyData,
    AfterEndOfEarlyData,
    AfterClientCertificate,
    AfterEmptyClientCertificate,
    AfterClientCertificateVerify,
    Connected,
    Closed,
    Failed,
}

/// <summary>
/// The table's alphabet: handshake messages, refined where one wire type plays two roles (ServerHello vs
/// HelloRetryRequest, a ServerHello accepting a PSK, an EncryptedExtensions accepting early data, a
/// Certificate with or without entries), plus application data. 0-RTT application data records are not
/// in the alphabet: they are record-level data kept apart by the engine (see TlsConnection.EarlyData).
/// </summary>
internal enum TableMessage
{
    ClientHello,
    HelloRetryRequest,
    ServerHello,
    ServerHelloPsk,
    EncryptedExtensions,

    /// <summary>EncryptedExtensions carrying "early_data": the server accepted 0-RTT (RFC 8446 §4.2.10).</summary>
    EncryptedExtensionsEarlyData,
    CertificateRequest,
    Certificate,
    EmptyCertificate,
    CertificateVerify,
    Finished,
    EndOfEarlyData,
    NewSessionTicket,
    KeyUpdate,
    ApplicationData,
}

internal enum Sender
{
    Client,
    Server,
}

/// <summary>One row: in <paramref name="From"/>, <paramref name="Message"/> sent by <paramref name="Sender"/> leads to <paramref name="To"/>.</summary>
internal readonly record struct Transition(HandshakeState From, TableMessage Message, Sender Sender, HandshakeState To);

/// <summary>A pair the table rejects with a specific alert instead of the default unexpected_message.</summary>
internal readonly record struct Rejection(HandshakeState From, TableMessage Message, Sender Sender, AlertDescription Alert);

/// <summary>
/// The TLS 1.3 handshake as data: the only place that decides which message may come next. The engine
/// looks every sent and received message up here; proofs/ loads these rows and checks them with Z3.
/// Full 1-RTT handshake, HelloRetryRequest, client authentication (certificate or empty certificate), and
/// PSK handshakes (resumption and external PSKs, with (EC)DHE), and 0-RTT (early data accepted, then
/// EndOfEarlyData).
/// </summary>
internal static class TransitionTable
{
    private const Sender C = Sender.Client;
    private const Sender S = Sender.Server;

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4
    //# Protocol messages MUST be sent in the order defined in Section 4.4.1 and
    //# shown in the diagrams in Section 2.
    public static readonly IReadOnlyList<Transition> Rows =
    [
        //= https://www.rfc-editor.org/rfc/rfc8446#section-2
        //# Figure 1 below shows the basic full TLS handshake:
        new(HandshakeState.Start, TableMessage.ClientHello, C, HandshakeState.AfterClientHello),
        new(HandshakeState.AfterClientHello, TableMessage.ServerHello, S, HandshakeState.AfterServerHello),

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
        //# If a client receives a second
        //# HelloRetryRequest in the same connection (i.e., where the ClientHello
        //# was itself in response to a HelloRetryRequest), it MUST abort the
        //# handshake with an "unexpected_message" alert.
        new(HandshakeState.AfterClientHello, TableMessage.HelloRetryRequest, S, HandshakeState.AfterHelloRetryRequest),
        new(HandshakeState.AfterHelloRetryRequest, TableMessage.ClientHello, C, HandshakeState.AfterSecondClientHello),
        new(HandshakeState.AfterSecondClientHello, TableMessage.ServerHello, S, HandshakeState.AfterServerHello),

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.1
        //# In all handshakes, the server MUST send the EncryptedExtensions message
        //# immediately after the ServerHello message.
        new(HandshakeState.AfterServerHello, TableMessage.EncryptedExtensions, S, HandshakeState.AfterEncryptedExtensions),
        new(HandshakeState.AfterEncryptedExtensions, TableMessage.Certificate, S, HandshakeState.AfterServerCertificate),
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
        //# When sent, this message MUST appear immediately after the Certificate
        //# message and immediately prior to the Finished message.
        new(HandshakeState.AfterServerCertificate, TableMessage.CertificateVerify, S, HandshakeState.AfterServerCertificateVerify),
        new(HandshakeState.AfterServerCertificateVerify, TableMessage.Finished, S, HandshakeState.AfterServerFinished),
        new(HandshakeState.AfterServerFinished, TableMessage.Finished, C, HandshakeState.Connected),

        // Client authentication: the same server flight with a CertificateRequest, then the client's reply.
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
        //# This message, if sent, MUST follow EncryptedExtensions.
        new(HandshakeState.AfterEncryptedExtensions, TableMessage.CertificateRequest, S, HandshakeState.AfterCertificateRequest),
        new(HandshakeState.AfterCertificateRequest, TableMessage.Certificate, S, HandshakeState.AfterServerCertificateAuth),
        new(HandshakeState.AfterServerCertificateAuth, TableMessage.CertificateVerify, S, HandshakeState.AfterServerCertificateVerifyAuth),
        new(HandshakeState.AfterServerCertificateVerifyAuth, TableMessage.Finished, S, HandshakeState.AfterServerFinishedAuth),
        new(HandshakeState.AfterServerFinishedAuth, TableMessage.Certificate, C, HandshakeState.AfterClientCertificate),
        new(HandshakeState.AfterServerFinishedAuth, TableMessage.EmptyCertificate, C, HandshakeState.AfterEmptyClientCertificate),
        new(HandshakeState.AfterClientCertificate, TableMessage.CertificateVerify, C, HandshakeState.AfterClientCertificateVerify),
        new(HandshakeState.AfterClientCertificateVerify, TableMessage.Finished, C, HandshakeState.Connected),
        new(HandshakeState.AfterEmptyClientCertificate, TableMessage.Finished, C, HandshakeState.Connected),

        // PSK handshake (resumption or external PSK, psk_dhe_ke): the PSK authenticates the server, so no
        // Certificate, CertificateVerify or CertificateRequest.
        //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
        //# Figure 3 shows a pair of handshakes in which the first handshake
        //# establishes a PSK and the second handshake uses it:
        new(HandshakeState.AfterClientHello, TableMessage.ServerHelloPsk, S, HandshakeState.AfterServerHelloPsk),
        new(HandshakeState.AfterSecondClientHello, TableMessage.ServerHelloPsk, S, HandshakeState.AfterServerHelloPskAfterRetry),
        new(HandshakeState.AfterServerHelloPsk, TableMessage.EncryptedExtensions, S, HandshakeState.AfterEncryptedExtensionsPsk),
        new(HandshakeState.AfterServerHelloPskAfterRetry, TableMessage.EncryptedExtensions, S, HandshakeState.AfterEncryptedExtensionsPsk),
        new(HandshakeState.AfterEncryptedExtensionsPsk, TableMessage.Finished, S, HandshakeState.AfterServerFinished),

        // 0-RTT (PSK handshake whose EncryptedExtensions accepts early data; never after a HelloRetryRequest).
        //= https://www.rfc-editor.org/rfc/rfc8446#section-2.3
        //# Figure 4: Message Flow for a 0-RTT Handshake
        new(HandshakeState.AfterServerHelloPsk, TableMessage.EncryptedExtensionsEarlyData, S, HandshakeState.AfterEncryptedExtensionsEarlyData),
        new(HandshakeState.AfterEncryptedExtensionsEarlyData, TableMessage.Finished, S, HandshakeState.AfterServerFinishedEarlyData),
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
        //# If the server sent an "early_data" extension in EncryptedExtensions, the
        //# client MUST send an EndOfEarlyData message after receiving the server
        //# Finished.
        new(HandshakeState.AfterServerFinishedEarlyData, TableMessage.EndOfEarlyData, C, HandshakeState.AfterEndOfEarlyData),
        new(HandshakeState.AfterEndOfEarlyData, TableMessage.Finished, C, HandshakeState.Connected),

        // Post-handshake.
        new(HandshakeState.Connected, TableMessage.ApplicationData, C, HandshakeState.Connected),
        new(HandshakeState.Connected, TableMessage.ApplicationData, S, HandshakeState.Connected),
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
        //# Implementations that receive a KeyUpdate message prior to receiving a
        //# Finished message MUST terminate the connection with an
        //# "unexpected_message" alert.
        new(HandshakeState.Connected, TableMessage.KeyUpdate, C, HandshakeState.Connected),
        new(HandshakeState.Connected, TableMessage.KeyUpdate, S, HandshakeState.Connected),
        new(HandshakeState.Connected, TableMessage.NewSessionTicket, S, HandshakeState.Connected),
    ];

    public static readonly IReadOnlyList<Rejection> Rejections =
    [
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
        //# If the server supplies an empty Certificate message, the client MUST
        //# abort the handshake with a "decode_error" alert.
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
        //# The server's certificate_list MUST always be non-empty.
        new(HandshakeState.AfterEncryptedExtensions, TableMessage.EmptyCertificate, S, AlertDescription.DecodeError),
        new(HandshakeState.AfterCertificateRequest, TableMessage.EmptyCertificate, S, AlertDescription.DecodeError),

        // The client classifies an EncryptedExtensions as accepting early data only when it offered
        // early_data; accepting it without having accepted the PSK is an illegal parameter.
        new(HandshakeState.AfterServerHello, TableMessage.EncryptedExtensionsEarlyData, S, AlertDescription.IllegalParameter),
    ];

    /// <summary>Every other (state, message, sender) is rejected with this alert.</summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4
    //# A peer which receives a handshake message in an unexpected order MUST
    //# abort the handshake with an "unexpected_message" alert.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //# Because TLS 1.3 forbids renegotiation, if a server has negotiated TLS
    //# 1.3 and receives a ClientHello at any other time, it MUST terminate the
    //# connection with an "unexpected_message" alert.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.2
    //# A client that receives a CertificateRequest message without having sent
    //# the "post_handshake_auth" extension MUST send an "unexpected_message"
    //# fatal alert.
    public const AlertDescription DefaultRejection = AlertDescription.UnexpectedMessage;

    private static readonly Dictionary<(HandshakeState, TableMessage, Sender), HandshakeState> Next =
        Rows.ToDictionary(r => (r.From, r.Message, r.Sender), r => r.To);

    private static readonly Dictionary<(HandshakeState, TableMessage, Sender), AlertDescription> Alerts =
        Rejections.ToDictionary(r => (r.From, r.Message, r.Sender), r => r.Alert);

    /// <summary>The next state, or the alert that rejects the message.</summary>
    public static bool TryNext(HandshakeState from, TableMessage message, Sender sender, out HandshakeState to, out AlertDescription rejection)
    {
        rejection = Alerts.TryGetValue((from, message, sender), out var alert) ? alert : DefaultRejection;
        return Next.TryGetValue((from, message, sender), out to);
    }
}
