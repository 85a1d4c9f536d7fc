using System.Security.Cryptography;
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
        StartKeySchedule(choice.Suite);
        SendServerHello(hello, choice, serverShare);
        _schedule!.DeriveHandshakeSecrets(shared, _transcript.Current());
        CryptographicOperations.ZeroMemory(shared);
        LogSecret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", _schedule.ClientHandshakeTrafficSecret);
        LogSecret("SERVER_HANDSHAKE_TRAFFIC_SECRET", _schedule.ServerHandshakeTrafficSecret);
        SendServerChangeCipherSpec(hello);
        SetWriteSecret(_schedule.ServerHandshakeTrafficSecret);
        SendHandshake(TableMessage.EncryptedExtensions, HandshakeType.EncryptedExtensions, BuildEncryptedExtensions(hello, choice).Write);
        if (_config.ClientAuth != ClientAuthMode.None)
        {
            SendHandshake(TableMessage.CertificateRequest, HandshakeType.CertificateRequest, BuildCertificateRequest().Write);
        }

        SendCertificate(_config.Certificate, []);
        SendCertificateVerify(_config.Certificate!, choice.Scheme);
        SendFinished(_schedule.ServerHandshakeTrafficSecret);
        _schedule.DeriveApplicationSecrets(_transcript.Current());
        LogSecret("CLIENT_TRAFFIC_SECRET_0", _schedule.ClientApplicationTrafficSecret);
        LogSecret("SERVER_TRAFFIC_SECRET_0", _schedule.ServerApplicationTrafficSecret);
        LogSecret("EXPORTER_SECRET", _schedule.ExporterMasterSecret);
        SetWriteSecret(_schedule.ServerApplicationTrafficSecret);
        SetReadSecret(_schedule.ClientHandshakeTrafficSecret, "ClientHello");
        _negotiatedGroup = choice.Group;
        _serverScheme = choice.Scheme;
        _alpn = choice.Alpn;
        _serverName = choice.ServerName;
    }

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
            Extensions =
            [
                //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
                //# A server which negotiates TLS 1.3 MUST respond by sending
                //# a "supported_versions" extension containing the selected version
                //# value (0x0304).
                new(ExtensionType.SupportedVersions, SupportedVersionsExtension.EncodeServer(ProtocolVersion.Tls13)),
                new(ExtensionType.KeyShare, KeyShareExtension.EncodeServer(new(choice.Group, serverShare))),
            ],
        };
        SendHandshake(TableMessage.ServerHello, HandshakeType.ServerHello, serverHello.Write);
    }

    private static EncryptedExtensions BuildEncryptedExtensions(ClientHello hello, ServerChoice choice)
    {
        var ext = new List<Extension>();
        // s2n acknowledges a server_name it received with an empty extension (RFC 6066 §3).
        if (choice.ServerName is not null && ExtensionBlock.Find(hello.Extensions, ExtensionType.ServerName) is not null)
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
    }
}
