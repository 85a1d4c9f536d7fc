namespace Reference.Proofs;

/// <summary>RFC 8446 Appendix A.1 client states, with the "Send ..." steps of a flight made explicit.</summary>
internal enum ClientState
{
    Start,
    WaitSh,
    SendSecondClientHello,
    WaitSecondSh,
    WaitEe,
    WaitCertCr,
    WaitCert,
    WaitCv,
    WaitFinished,
    SendEndOfEarlyData,
    SendCertificate,
    SendCertificateVerify,
    SendFinished,
    Connected,
    Stuck,
}

/// <summary>RFC 8446 Appendix A.2 server states, with the "Send ..." steps of a flight made explicit.</summary>
internal enum ServerState
{
    Start,
    RecvdCh,
    WaitSecondCh,
    RecvdSecondCh,
    SentSh,
    SentEe,
    SentCr,
    SentCert,
    SentCv,
    WaitEoed,
    WaitCert,
    WaitCv,
    WaitFinished,
    Connected,
    Stuck,
}

/// <summary>
/// The RFC's two state machines (Appendix A.1, A.2) with the message flows of §2 Figures 1–4 and the
/// ordering rules of §4. A trace is accepted when both machines can take each message in lockstep: the
/// sender's machine sends it and the peer's machine receives it. Written from the RFC text only.
/// </summary>
internal static class RfcMachines
{
    private const Party C = Party.Client;
    private const Party S = Party.Server;

    /// <summary>Flag combinations the RFC forbids; every handshake type must respect them.</summary>
    public static readonly (Feature If, Feature Then, bool Value)[] Implications =
    [
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# A client MUST NOT include the
        //# "early_data" extension in its followup ClientHello.
        (Feature.EarlyData, Feature.Hrr, false),
        (Feature.EarlyData, Feature.Psk, true),

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
        //# Servers which are authenticating with a PSK MUST NOT send the
        //# CertificateRequest message in the main handshake
        (Feature.Psk, Feature.ClientAuth, false),
        (Feature.ClientCert, Feature.ClientAuth, true),
    ];

    public static IReadOnlyList<ModelRule<ClientState>> Client { get; } = BuildClient();

    public static IReadOnlyList<ModelRule<ServerState>> Server { get; } = BuildServer();

    private static Literal[] When(params Feature[] features) => features.Select(f => new Literal(f, true)).ToArray();

    private static Literal[] Unless(params Feature[] features) => features.Select(f => new Literal(f, false)).ToArray();

    private static Literal[] Always => [];

    private static List<ModelRule<ClientState>> BuildClient()
    {
        var rules = new List<ModelRule<ClientState>>();
        void Add(ClientState from, Party sender, RfcMessage m, Literal[] guard, ClientState to) => rules.Add(new(from, sender, m, guard, to));

        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-A.1
        //# START <----+
        //# Send ClientHello |        | Recv HelloRetryRequest
        Add(ClientState.Start, C, RfcMessage.ClientHello, Always, ClientState.WaitSh);
        Add(ClientState.WaitSh, S, RfcMessage.HelloRetryRequest, Always, ClientState.SendSecondClientHello);
        Add(ClientState.SendSecondClientHello, C, RfcMessage.ClientHello, Always, ClientState.WaitSecondSh);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
        //# If a client receives a second
        //# HelloRetryRequest in the same connection (i.e., where the ClientHello
        //# was itself in response to a HelloRetryRequest), it MUST abort the
        //# handshake with an "unexpected_message" alert.
        Add(ClientState.WaitSh, S, RfcMessage.ServerHello, Unless(Feature.Psk), ClientState.WaitEe);
        Add(ClientState.WaitSecondSh, S, RfcMessage.ServerHello, Unless(Feature.Psk), ClientState.WaitEe);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
        //# The server responds with a
        //# "pre_shared_key" extension to negotiate the use of PSK key
        //# establishment
        Add(ClientState.WaitSh, S, RfcMessage.ServerHelloPsk, When(Feature.Psk), ClientState.WaitEe);
        Add(ClientState.WaitSecondSh, S, RfcMessage.ServerHelloPsk, When(Feature.Psk), ClientState.WaitEe);

        Add(ClientState.WaitEe, S, RfcMessage.EncryptedExtensions, [new(Feature.Psk, true), new(Feature.EarlyData, false)], ClientState.WaitFinished);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# Return its own "early_data" extension in EncryptedExtensions,
        //# indicating that it intends to process the early data.
        Add(ClientState.WaitEe, S, RfcMessage.EncryptedExtensionsEarlyData, When(Feature.Psk, Feature.EarlyData), ClientState.WaitFinished);
        Add(ClientState.WaitEe, S, RfcMessage.EncryptedExtensions, Unless(Feature.Psk), ClientState.WaitCertCr);
        Add(ClientState.WaitCertCr, S, RfcMessage.Certificate, Always, ClientState.WaitCv);
        Add(ClientState.WaitCertCr, S, RfcMessage.CertificateRequest, Always, ClientState.WaitCert);
        Add(ClientState.WaitCert, S, RfcMessage.Certificate, Always, ClientState.WaitCv);
        Add(ClientState.WaitCv, S, RfcMessage.CertificateVerify, Always, ClientState.WaitFinished);
        AddClientSecondFlight(Add);
        AddClientPostHandshake(Add);
        return rules;
    }

    private static void AddClientSecondFlight(Action<ClientState, Party, RfcMessage, Literal[], ClientState> add)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
        //# If the server sent an "early_data" extension in EncryptedExtensions,
        //# the client MUST send an EndOfEarlyData message after receiving the
        //# server Finished.
        add(ClientState.WaitFinished, S, RfcMessage.Finished, When(Feature.EarlyData), ClientState.SendEndOfEarlyData);
        add(ClientState.WaitFinished, S, RfcMessage.Finished, [new(Feature.EarlyData, false), new(Feature.ClientAuth, true)], ClientState.SendCertificate);
        add(ClientState.WaitFinished, S, RfcMessage.Finished, Unless(Feature.EarlyData, Feature.ClientAuth), ClientState.SendFinished);
        add(ClientState.SendEndOfEarlyData, C, RfcMessage.EndOfEarlyData, Always, ClientState.SendFinished);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
        //# If the server requests client authentication but no
        //# suitable certificate is available, the client MUST send a Certificate
        //# message containing no certificates
        add(ClientState.SendCertificate, C, RfcMessage.Certificate, When(Feature.ClientCert), ClientState.SendCertificateVerify);
        add(ClientState.SendCertificate, C, RfcMessage.EmptyCertificate, Unless(Feature.ClientCert), ClientState.SendFinished);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
        //# When sent, this message MUST appear immediately after
        //# the Certificate message and immediately prior to the Finished
        //# message.
        add(ClientState.SendCertificateVerify, C, RfcMessage.CertificateVerify, Always, ClientState.SendFinished);
        add(ClientState.SendFinished, C, RfcMessage.Finished, Always, ClientState.Connected);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //# There are two
        //# settings in which it is permitted to send data prior to receiving the
        //# peer's Finished:
        foreach (var state in new[] { ClientState.WaitSh, ClientState.WaitEe, ClientState.WaitCertCr, ClientState.WaitCert, ClientState.WaitCv, ClientState.WaitFinished, ClientState.SendEndOfEarlyData })
        {
            add(state, C, RfcMessage.ApplicationData, When(Feature.EarlyData), state);
        }

        foreach (var state in new[] { ClientState.SendEndOfEarlyData, ClientState.SendCertificate, ClientState.SendCertificateVerify, ClientState.SendFinished })
        {
            add(state, S, RfcMessage.ApplicationData, When(Feature.HalfRtt), state);
            add(state, S, RfcMessage.KeyUpdate, When(Feature.HalfRtt), state);
        }
    }

    private static void AddClientPostHandshake(Action<ClientState, Party, RfcMessage, Literal[], ClientState> add)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //# Once a side has sent its Finished message and has received and
        //# validated the Finished message from its peer, it may begin to send
        //# and receive Application Data over the connection.
        add(ClientState.Connected, C, RfcMessage.ApplicationData, Always, ClientState.Connected);
        add(ClientState.Connected, S, RfcMessage.ApplicationData, Always, ClientState.Connected);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
        //# This message can be sent
        //# by either peer after it has sent a Finished message.
        add(ClientState.Connected, C, RfcMessage.KeyUpdate, Always, ClientState.Connected);
        add(ClientState.Connected, S, RfcMessage.KeyUpdate, Always, ClientState.Connected);
        add(ClientState.Connected, S, RfcMessage.NewSessionTicket, Always, ClientState.Connected);
    }

    private static List<ModelRule<ServerState>> BuildServer()
    {
        var rules = new List<ModelRule<ServerState>>();
        void Add(ServerState from, Party sender, RfcMessage m, Literal[] guard, ServerState to) => rules.Add(new(from, sender, m, guard, to));

        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-A.2
        //# START <-----+
        //# Recv ClientHello |         | Send HelloRetryRequest
        Add(ServerState.Start, C, RfcMessage.ClientHello, Always, ServerState.RecvdCh);
        Add(ServerState.RecvdCh, S, RfcMessage.HelloRetryRequest, When(Feature.Hrr), ServerState.WaitSecondCh);
        Add(ServerState.WaitSecondCh, C, RfcMessage.ClientHello, Always, ServerState.RecvdSecondCh);
        Add(ServerState.RecvdCh, S, RfcMessage.ServerHello, Unless(Feature.Hrr, Feature.Psk), ServerState.SentSh);
        Add(ServerState.RecvdSecondCh, S, RfcMessage.ServerHello, Unless(Feature.Psk), ServerState.SentSh);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
        //# As the server is authenticating via a PSK, it does not send a
        //# Certificate or a CertificateVerify message.
        Add(ServerState.RecvdCh, S, RfcMessage.ServerHelloPsk, [new(Feature.Hrr, false), new(Feature.Psk, true)], ServerState.SentSh);
        Add(ServerState.RecvdSecondCh, S, RfcMessage.ServerHelloPsk, When(Feature.Psk), ServerState.SentSh);

        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-A.2
        //# | Send EncryptedExtensions
        //# | [Send CertificateRequest]
        Add(ServerState.SentSh, S, RfcMessage.EncryptedExtensions, Unless(Feature.EarlyData), ServerState.SentEe);
        Add(ServerState.SentSh, S, RfcMessage.EncryptedExtensionsEarlyData, When(Feature.EarlyData), ServerState.SentEe);
        Add(ServerState.SentEe, S, RfcMessage.CertificateRequest, When(Feature.ClientAuth), ServerState.SentCr);
        Add(ServerState.SentEe, S, RfcMessage.Certificate, Unless(Feature.ClientAuth, Feature.Psk), ServerState.SentCert);
        Add(ServerState.SentEe, S, RfcMessage.Finished, When(Feature.Psk, Feature.EarlyData), ServerState.WaitEoed);
        Add(ServerState.SentEe, S, RfcMessage.Finished, [new(Feature.Psk, true), new(Feature.EarlyData, false)], ServerState.WaitFinished);
        Add(ServerState.SentCr, S, RfcMessage.Certificate, Always, ServerState.SentCert);
        Add(ServerState.SentCert, S, RfcMessage.CertificateVerify, Always, ServerState.SentCv);
        Add(ServerState.SentCv, S, RfcMessage.Finished, When(Feature.ClientAuth), ServerState.WaitCert);
        Add(ServerState.SentCv, S, RfcMessage.Finished, Unless(Feature.ClientAuth), ServerState.WaitFinished);
        AddServerSecondFlight(Add);
        return rules;
    }

    private static void AddServerSecondFlight(Action<ServerState, Party, RfcMessage, Literal[], ServerState> add)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-A.2
        //# Recv |      | Recv EndOfEarlyData
        add(ServerState.WaitEoed, C, RfcMessage.EndOfEarlyData, Always, ServerState.WaitFinished);
        foreach (var state in new[] { ServerState.RecvdCh, ServerState.SentSh, ServerState.SentEe, ServerState.SentCert, ServerState.SentCv, ServerState.WaitEoed })
        {
            add(state, C, RfcMessage.ApplicationData, When(Feature.EarlyData), state);
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-A.2
        //# Recv |       | Recv Certificate
        //# | empty |       v
        add(ServerState.WaitCert, C, RfcMessage.Certificate, Always, ServerState.WaitCv);
        add(ServerState.WaitCert, C, RfcMessage.EmptyCertificate, Always, ServerState.WaitFinished);
        add(ServerState.WaitCv, C, RfcMessage.CertificateVerify, Always, ServerState.WaitFinished);
        add(ServerState.WaitFinished, C, RfcMessage.Finished, Always, ServerState.Connected);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //# Servers MAY send data after sending their first flight, but
        //# because the handshake is not yet complete, they have no assurance
        //# of either the peer's identity or its liveness
        foreach (var state in new[] { ServerState.WaitEoed, ServerState.WaitCert, ServerState.WaitCv, ServerState.WaitFinished })
        {
            add(state, S, RfcMessage.ApplicationData, When(Feature.HalfRtt), state);
            add(state, S, RfcMessage.KeyUpdate, When(Feature.HalfRtt), state);
        }

        add(ServerState.Connected, C, RfcMessage.ApplicationData, Always, ServerState.Connected);
        add(ServerState.Connected, S, RfcMessage.ApplicationData, Always, ServerState.Connected);
        add(ServerState.Connected, C, RfcMessage.KeyUpdate, Always, ServerState.Connected);
        add(ServerState.Connected, S, RfcMessage.KeyUpdate, Always, ServerState.Connected);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# At any time after the server has received the client Finished
        //# message, it MAY send a NewSessionTicket message.
        add(ServerState.Connected, S, RfcMessage.NewSessionTicket, Always, ServerState.Connected);
    }
}
