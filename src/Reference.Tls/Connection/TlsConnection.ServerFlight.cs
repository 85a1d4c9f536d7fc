using System.Security.Cryptography;
using Reference.Tls.Certificates;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.StateMachine;

namespace Reference.Tls;

/// <summary>The server's flight (ServerHello through Finished) and the client's authentication reply.</summary>
public sealed partial class TlsConnection
{
    private ServerChoice? _serverChoice;

    private void SendServerFlight(ClientHello hello, ServerChoice choice)
    {
        _serverChoice = choice;
        var (serverShare, shared) = KeyShare.Respond(choice.Group, choice.ClientShare!.Value.KeyExchange, _config.DangerousDeterministicRandom);
        StartKeySchedule(choice.Suite, choice.Psk);
        if (EarlyDataStatus == EarlyDataStatus.Accepted)
        {
            // From Transcript-Hash(ClientHello), before the ServerHello joins the transcript and the
            // handshake secret replaces the early secret.
            _clientEarlyTrafficSecret = _schedule!.DeriveClientEarlyTrafficSecret(_transcript.Current());
            LogSecret("CLIENT_EARLY_TRAFFIC_SECRET", _clientEarlyTrafficSecret);
            DeriveEarlyExporter(_schedule, _transcript.Current());
        }

        _transcript.StopLog();
        SendServerHello(hello, choice, serverShare);
        _schedule!.DeriveHandshakeSecrets(shared, _transcript.Current());
        CryptographicOperations.ZeroMemory(shared);
        LogSecret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", _schedule.ClientHandshakeTrafficSecret);
        LogSecret("SERVER_HANDSHAKE_TRAFFIC_SECRET", _schedule.ServerHandshakeTrafficSecret);
        SendServerChangeCipherSpec(hello);
        SetWriteSecret(_schedule.ServerHandshakeTrafficSecret);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.1
        //# In all handshakes, the server MUST send the EncryptedExtensions message
        //# immediately after the ServerHello message.
        bool acceptEarlyData = EarlyDataStatus == EarlyDataStatus.Accepted;
        SendHandshake(acceptEarlyData ? TableMessage.EncryptedExtensionsEarlyData : TableMessage.EncryptedExtensions, HandshakeType.EncryptedExtensions,
            BuildEncryptedExtensions(choice, acceptEarlyData).Write);
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.1
        //# Implementations
        //# MUST NOT combine external PSKs with certificate-based authentication
        //# of either the client or the server unless negotiated by some
        //# extension.
        // With any PSK (external or ticket) neither Certificate nor CertificateRequest is sent, and the
        // transition table has no certificate message after ServerHelloPsk on either side.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
        //# Servers which are authenticating with a PSK MUST NOT send the
        //# CertificateRequest message in the main handshake, though they MAY
        //# send it in post-handshake authentication (see Section 4.6.2) provided
        //# that the client has sent the "post_handshake_auth" extension (see
        //# Section 4.2.6).
        if (choice.Psk is null)
        {
            SendCertificateFlight(choice);
        }

        SendFinished(_schedule.ServerHandshakeTrafficSecret);
        _schedule.DeriveApplicationSecrets(_transcript.Current());
        LogSecret("CLIENT_TRAFFIC_SECRET_0", _schedule.ClientApplicationTrafficSecret);
        LogSecret("SERVER_TRAFFIC_SECRET_0", _schedule.ServerApplicationTrafficSecret);
        LogSecret("EXPORTER_SECRET", _schedule.ExporterMasterSecret);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //# Any records following a Finished message MUST be encrypted under the
        //# appropriate application traffic key as described in Section 7.2.
        SetWriteSecret(_schedule.ServerApplicationTrafficSecret);
        ServerSetFirstReadKey();
        _negotiatedGroup = choice.Group;
        _serverScheme = choice.Scheme;
        _alpn = choice.Alpn;
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# On resumption, if reporting an SNI value to the calling application,
        //# implementations MUST use the value sent in the resumption ClientHello
        //# rather than the value sent in the previous session.
        _serverName = choice.ServerName;
    }

    /// <summary>CertificateRequest (when we authenticate clients), Certificate and CertificateVerify.</summary>
    private void SendCertificateFlight(ServerChoice choice)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
        //# A server which is authenticating with a certificate MAY optionally
        //# request a certificate from the client.
        if (_config.ClientAuth != ClientAuthMode.None)
        {
            SendHandshake(TableMessage.CertificateRequest, HandshakeType.CertificateRequest, BuildCertificateRequest().Write);
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
        //# The server MUST send a Certificate message whenever the agreed-upon key
        //# exchange method uses certificates for authentication (this includes all
        //# key exchange methods defined in this document except PSK).
        SendCertificate(choice.Certificate, []);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
        //# Servers MUST send this message when authenticating via a certificate.
        SendCertificateVerify(choice.Certificate, choice.Scheme);
    }

    /// <summary>
    /// The chain and CertificateVerify scheme for this ClientHello, from the client's signature_algorithms,
    /// signature_algorithms_cert, certificate_authorities and server_name (see <see cref="CertificateSelection"/>).
    /// </summary>
    private SelectedCertificate SelectServerCertificate(ClientHello hello, string? serverName)
    {
        var client = new CertificateRequirements(
            U16ListExtension.Decode(ExtensionBlock.Find(hello.Extensions, ExtensionType.SignatureAlgorithms)!, "signature_algorithms"),
            ExtensionBlock.Find(hello.Extensions, ExtensionType.SignatureAlgorithmsCert) is { } cert ? U16ListExtension.Decode(cert, "signature_algorithms_cert") : null,
            ExtensionBlock.Find(hello.Extensions, ExtensionType.CertificateAuthorities) is { } cas ? CertificateAuthoritiesExtension.Decode(cas) : null,
            serverName);
        var ownSchemes = _config.SignatureSchemes.Select(s => (ushort)s).ToList();
        return CertificateSelection.ForServer(_config.OwnCertificates, client, _config.SignatureSchemes)
            // s2n's deviation (opt-in): sign with our own first usable scheme when the client offered none.
            ?? (_config.S2nQuirks.HasFlag(S2nQuirks.FallBackToOwnSignatureScheme)
                ? CertificateSelection.ForServer(_config.OwnCertificates, client with { SignatureAlgorithms = ownSchemes }, _config.SignatureSchemes)
                : null)
            ?? throw NoOverlap("no signature scheme in common with any certificate");
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
    //# The last 8 bytes MUST be overwritten as described below if negotiating
    //# TLS 1.2 or TLS 1.1, but the remaining bytes MUST be random.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
    //# This structure is generated by the server and MUST be generated
    //# independently of the ClientHello.random.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
    //# The ServerHello MUST only include extensions which are required to
    //# establish the cryptographic context and negotiate the protocol version.
    private void SendServerHello(ClientHello hello, ServerChoice choice, byte[] serverShare)
    {
        var serverHello = new ServerHello
        {
            Random = TlsRandom.GetBytes(_config.DangerousDeterministicRandom, 32),
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
            //# legacy_session_id_echo:  The contents of the client's
            //# legacy_session_id field.
            LegacySessionIdEcho = hello.LegacySessionId,
            CipherSuite = (ushort)choice.Suite.Id,
            // By construction: a ServerHello gets these two extensions and, below, pre_shared_key; nothing else.
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
            //# The server MUST NOT send a "psk_key_exchange_modes" extension.
            Extensions =
            [
                //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
                //# A server which negotiates TLS 1.3 MUST respond by sending
                //# a "supported_versions" extension containing the selected version
                //# value (0x0304).
                new(ExtensionType.SupportedVersions, SupportedVersionsExtension.EncodeServer(ProtocolVersion.Tls13)),
                //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
                //# In this mode, the client and server MUST supply "key_share" values as
                //# described in Section 4.2.8.
                new(ExtensionType.KeyShare, KeyShareExtension.EncodeServer(new(choice.Group, serverShare))),
            ],
        };
        if (choice.Psk is not null)
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
            //# In
            //# order to accept PSK key establishment, the server sends a
            //# "pre_shared_key" extension indicating the selected identity.
            serverHello.Extensions.Add(new(ExtensionType.PreSharedKey, PreSharedKeyExtension.EncodeServer(choice.PskIndex)));
        }

        SendHandshake(choice.Psk is null ? TableMessage.ServerHello : TableMessage.ServerHelloPsk, HandshakeType.ServerHello, serverHello.Write);
    }

    private static EncryptedExtensions BuildEncryptedExtensions(ServerChoice choice, bool acceptEarlyData)
    {
        var ext = new List<Extension>();
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# Return its own "early_data" extension in EncryptedExtensions,
        //# indicating that it intends to process the early data.
        if (acceptEarlyData)
        {
            ext.Add(new(ExtensionType.EarlyData, []));
        }

        // Like s2n, acknowledge the server_name (empty extension, RFC 6066 §3) only when the chain selected for
        // this handshake was chosen for that name, i.e. its leaf matches it.
        if (choice.ServerName is { } name && choice.Certificate.MatchesHostName(name))
        {
            ext.Add(new(ExtensionType.ServerName, []));
        }

        if (choice.Alpn is not null)
        {
            ext.Add(new(ExtensionType.ApplicationLayerProtocolNegotiation, AlpnExtension.Encode([choice.Alpn])));
        }

        return new EncryptedExtensions { Extensions = ext };
    }

    private CertificateRequest BuildCertificateRequest()
    {
        var ext = new List<Extension> { new(ExtensionType.SignatureAlgorithms, U16ListExtension.Encode(_config.SignatureSchemes)) };
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.4
        //# The server MAY send it in the CertificateRequest message.
        if (_config.SendCertificateAuthorities && _config.TrustStore is { } trust)
        {
            ext.Add(new(ExtensionType.CertificateAuthorities, CertificateAuthoritiesExtension.Encode(trust.RootSubjectNames())));
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
        //# This field SHALL be zero
        //# length unless used for the post-handshake authentication exchanges
        //# described in Section 4.6.2.
        return new CertificateRequest { Context = [], Extensions = ext };
    }

    private void ServerReceiveClientCertificate(ReadOnlySpan<byte> message, bool empty)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
        //# If the client does not send any certificates (i.e., it sends an empty
        //# Certificate message), the server MAY at its discretion either
        //# continue the handshake without client authentication or abort the
        //# handshake with a "certificate_required" alert.
        if (empty && _config.ClientAuth == ClientAuthMode.Required)
        {
            throw TlsErrors.Protocol(AlertDescription.CertificateRequired, "client sent no certificate but one is required");
        }

        ReceivePeerCertificate(message, []);
    }

    private void ServerReceiveClientCertificateVerify(ReadOnlySpan<byte> message) =>
        _clientScheme = ReceivePeerCertificateVerify(message, _config.SignatureSchemes);

    private void ServerReceiveClientFinished(ReadOnlySpan<byte> message)
    {
        ReceivePeerFinished(message, _schedule!.ClientHandshakeTrafficSecret);
        _schedule.DeriveResumptionMasterSecret(_transcript.Current());
        SetReadSecret(_schedule.ClientApplicationTrafficSecret, "Finished");
        CompleteHandshake();
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# At any time after the server has received the client Finished
        //# message, it MAY send a NewSessionTicket message.
        SendSessionTickets();
        ReleaseHandshakeState();
    }
}
