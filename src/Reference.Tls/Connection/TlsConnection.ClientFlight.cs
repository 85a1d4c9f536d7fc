using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.StateMachine;

namespace Reference.Tls;

/// <summary>The client after ServerHello: HelloRetryRequest, the server's flight, and the client's reply.</summary>
public sealed partial class TlsConnection
{
    private void ClientReceiveHelloRetryRequest(ReadOnlySpan<byte> message)
    {
        var hrr = ServerHello.Parse(message[4..]);
        var suite = CheckServerHelloCommon(hrr, ExtensionContext.HelloRetryRequest);
        var groupData = ExtensionBlock.Find(hrr.Extensions, ExtensionType.KeyShare);
        var cookieData = ExtensionBlock.Find(hrr.Extensions, ExtensionType.Cookie);
        var cookie = cookieData is null ? null : CookieExtension.Decode(cookieData);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
        //# Clients MUST abort the handshake with an
        //# "illegal_parameter" alert if the HelloRetryRequest would not result
        //# in any change in the ClientHello.
        if (groupData is null && cookie is null)
        {
            throw TlsErrors.IllegalParameter("HelloRetryRequest would not change the ClientHello");
        }

        if (groupData is not null)
        {
            var group = KeyShareExtension.DecodeHelloRetry(groupData);
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
            //# Upon receipt of this extension in a HelloRetryRequest, the client
            //# MUST verify that (1) the selected_group field corresponds to a group
            //# which was provided in the "supported_groups" extension in the
            //# original ClientHello and (2) the selected_group field does not
            //# correspond to a group which was provided in the "key_share" extension
            //# in the original ClientHello.  If either of these checks fails, then
            //# the client MUST abort the handshake with an "illegal_parameter"
            //# alert.
            if (!_config.Groups.Contains(group) || _clientKeyShares.Exists(k => k.Group == group) || !KeyShare.IsSupported(group))
            {
                throw TlsErrors.IllegalParameter($"HelloRetryRequest selected group {group}");
            }

            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
            //# Otherwise, when sending the new ClientHello, the client MUST
            //# replace the original "key_share" extension with one containing only a
            //# new KeyShareEntry for the group indicated in the selected_group field
            //# of the triggering HelloRetryRequest.
            DisposeKeyShares();
            _clientKeyShares.Add(KeyShare.Generate(group, _config.DangerousDeterministicRandom));
        }

        _helloRetryRequest = hrr;
        _transcript.SetHash(suite.Hash);
        _hrrSuite = suite;
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.1
        //# when the server responds to a
        //# ClientHello with a HelloRetryRequest, the value of ClientHello1 is
        //# replaced with a special synthetic handshake message of handshake type
        //# "message_hash" containing Hash(ClientHello1).
        _transcript.ReplaceWithMessageHash();
        _transcript.Add(message);
        SendChangeCipherSpecOnce();
        var first = _sentClientHello!;
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
        //# Otherwise, the client MUST process all extensions in the
        //# HelloRetryRequest and send a second updated ClientHello.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
        //# In that case, the client MUST send the same ClientHello without
        //# modification, except as follows:
        RejectEarlyDataOnHelloRetry();
        _sentClientHello = BuildClientHello(first.Random, first.LegacySessionId, cookie);
        SendHandshake(TableMessage.ClientHello, HandshakeType.ClientHello, _sentClientHello.Write);
    }

    private void ClientReceiveEncryptedExtensions(ReadOnlySpan<byte> message)
    {
        var ee = EncryptedExtensions.Parse(message[4..]);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.1
        //# The client MUST check EncryptedExtensions for the presence of any
        //# forbidden extensions and if any are found MUST abort the handshake with
        //# an "illegal_parameter" alert.
        // A supported_groups list here passes (the client offered the extension) but nothing reads it,
        // so the server's preferences cannot change this handshake.
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.7
        //# Clients MUST NOT act upon any information
        //# found in "supported_groups" prior to successful completion of the
        //# handshake
        ExtensionBlock.RejectUnsolicited(ee.Extensions, _sentClientHello!.Extensions);
        ClientCheckEarlyDataAnswer(ee);
        if (ExtensionBlock.Find(ee.Extensions, ExtensionType.ApplicationLayerProtocolNegotiation) is { } alpn)
        {
            var chosen = AlpnExtension.Decode(alpn);
            if (chosen.Count != 1 || !_config.ApplicationProtocols.Contains(chosen[0]))
            {
                throw TlsErrors.IllegalParameter("server selected an ALPN protocol that was not offered");
            }

            _alpn = chosen[0];
        }

        _transcript.Add(message);
    }

    private void ClientReceiveCertificateRequest(ReadOnlySpan<byte> message)
    {
        var request = CertificateRequest.Parse(message[4..]);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
        //# This field SHALL be zero
        //# length unless used for the post-handshake authentication exchanges
        //# described in Section 4.6.2.
        if (request.Context.Length != 0)
        {
            throw TlsErrors.IllegalParameter("certificate_request_context must be empty during the handshake");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
        //# The "signature_algorithms" extension
        //# MUST be specified, and other extensions may optionally be included
        //# if defined for this message.
        if (ExtensionBlock.Find(request.Extensions, ExtensionType.SignatureAlgorithms) is null)
        {
            throw TlsErrors.Protocol(AlertDescription.MissingExtension, "CertificateRequest has no signature_algorithms");
        }

        _certificateRequest = request;
        _transcript.Add(message);
    }

    private void ClientReceiveServerCertificateVerify(ReadOnlySpan<byte> message) =>
        _serverScheme = ReceivePeerCertificateVerify(message, _config.SignatureSchemes);

    private void ClientReceiveServerFinished(ReadOnlySpan<byte> message)
    {
        ReceivePeerFinished(message, _schedule!.ServerHandshakeTrafficSecret);
        _schedule.DeriveApplicationSecrets(_transcript.Current());
        LogSecret("SERVER_TRAFFIC_SECRET_0", _schedule.ServerApplicationTrafficSecret);
        LogSecret("CLIENT_TRAFFIC_SECRET_0", _schedule.ClientApplicationTrafficSecret);
        LogSecret("EXPORTER_SECRET", _schedule.ExporterMasterSecret);
        SetReadSecret(_schedule.ServerApplicationTrafficSecret, "Finished");
        SendClientFlight();
    }

    private void SendClientFlight()
    {
        SendEndOfEarlyDataIfAccepted();
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4
        //# If not offering early data, the client sends a dummy
        //# change_cipher_spec record (see the third paragraph of Section 5)
        //# immediately before its second flight.
        SendChangeCipherSpecOnce();
        SetWriteSecret(_schedule!.ClientHandshakeTrafficSecret);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
        //# The client MUST send a Certificate message if and only if the server has
        //# requested client authentication via a CertificateRequest message
        //# (Section 4.3.2).
        if (_certificateRequest is not null)
        {
            SendClientCertificate(_certificateRequest);
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
        //# A Finished message MUST be sent regardless of whether the Certificate
        //# message is empty.
        SendFinished(_schedule.ClientHandshakeTrafficSecret);
        _schedule.DeriveResumptionMasterSecret(_transcript.Current());
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //# Any records following a Finished message MUST be encrypted under the
        //# appropriate application traffic key as described in Section 7.2.
        SetWriteSecret(_schedule.ClientApplicationTrafficSecret);
        CompleteHandshake();
        ReleaseHandshakeState();
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //# The server sends extension requests in the CertificateRequest message
    //# which a client MAY respond to with a Certificate message.
    private void SendClientCertificate(CertificateRequest request)
    {
        var selected = SelectClientCertificate(request);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
        //# If the server requests client authentication but no
        //# suitable certificate is available, the client MUST send a Certificate
        //# message containing no certificates (i.e., with the "certificate_list"
        //# field having length 0).
        if (selected is not { } chosen)
        {
            SendCertificate(null, request.Context);
            return;
        }

        SendCertificate(chosen.Certificate, request.Context);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
        //# Clients MUST send this message whenever authenticating via a certificate
        //# (i.e., when the Certificate message is non-empty).
        SendCertificateVerify(chosen.Certificate, chosen.Scheme);
        _clientScheme = chosen.Scheme;
    }

    private void CompleteHandshake()
    {
        FlushHandshake();
        // Every secret that needed the transcript is derived: release the running hash.
        _transcript.Dispose();
        _records.AcceptPlaintextAlerts = false;
        Info = new ConnectionInfo
        {
            CipherSuite = _schedule!.Suite.Id,
            Group = _negotiatedGroup,
            ServerSignatureScheme = _serverScheme,
            ClientSignatureScheme = _clientScheme,
            ApplicationProtocol = _alpn,
            ServerName = _serverName,
            HelloRetryRequest = _helloRetryRequest is not null || _sentHelloRetry,
            PreSharedKeyAccepted = _pskAccepted,
            PeerCertificates = _peerChain,
        };
    }

    /// <summary>
    /// After the handshake (and, on the server, its tickets): only record state, tickets, KeyUpdate and exporters
    /// are left, so the hello messages, the negotiation and the handshake traffic secrets (zeroed) are dropped.
    /// </summary>
    private void ReleaseHandshakeState()
    {
        _schedule!.EraseHandshakeTrafficSecrets();
        _sentClientHello = null;
        _receivedClientHello = null;
        _helloRetryRequest = null;
        _certificateRequest = null;
        _serverChoice = null;
        _hrrCookie = null;
    }

    private void LogSecret(string label, ReadOnlySpan<byte> secret)
    {
        if (_config.KeyLogCallback is { } log)
        {
            log($"{label} {Convert.ToHexStringLower(_clientRandom)} {Convert.ToHexStringLower(secret)}");
        }
    }

    private byte[] _clientRandom => _sentClientHello?.Random ?? _receivedClientHello?.Random ?? [];
}
