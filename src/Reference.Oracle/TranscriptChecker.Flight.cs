using Reference.Tls;
using Reference.Tls.Certificates;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.KeySchedule;

namespace Reference.Oracle;

/// <summary>ServerHello's keys, the encrypted server flight, the client's reply and post-handshake messages.</summary>
internal sealed partial class TranscriptChecker
{
    private void CheckServerHello(ServerHello hello, byte[] message)
    {
        var suite = CheckServerHelloCommon(hello, retry: false);
        if (_helloRetry is not null)
        {
            Check(_helloRetry.CipherSuite == hello.CipherSuite, Rules.RetrySameCipherSuite, "ServerHello cipher suite differs from the HelloRetryRequest's");
        }

        if (ExtensionBlock.Find(hello.Extensions, ExtensionType.KeyShare) is { } shareData)
        {
            var share = KeyShareExtension.DecodeServer(shareData);
            _current!.Field("key_share", $"{GroupName(share.Group)} ({share.KeyExchange.Length} bytes)");
            var offered = KeyShareExtension.DecodeClient(ExtensionBlock.Find(_clientHello!.Extensions, ExtensionType.KeyShare) ?? [0, 0]);
            Check(offered.Exists(s => s.Group == share.Group), Rules.ServerKeyShareGroup, $"server key share for {share.Group}, which the client did not share");
            if (_helloRetry is not null && ExtensionBlock.Find(_helloRetry.Extensions, ExtensionType.KeyShare) is { } retryGroup)
            {
                Check(KeyShareExtension.DecodeHelloRetry(retryGroup) == share.Group, Rules.RetrySameGroup, "ServerHello group differs from the HelloRetryRequest's");
            }
        }

        if (suite is null)
        {
            Stop("ServerHello names no usable cipher suite");
            return;
        }

        StartTranscript(suite);
        _transcript.Add(message);
        InstallHandshakeKeys(suite);
    }

    private void InstallHandshakeKeys(CipherSuiteSpec suite)
    {
        var random = _firstClientHello!.Random;
        _clientHandshakeSecret = _input.Keys.Find("CLIENT_HANDSHAKE_TRAFFIC_SECRET", random);
        _serverHandshakeSecret = _input.Keys.Find("SERVER_HANDSHAKE_TRAFFIC_SECRET", random);
        if (_clientHandshakeSecret is null || _serverHandshakeSecret is null)
        {
            _report.Problems.Add($"the key log has no handshake traffic secrets for client random {Hex(random)}: the encrypted handshake cannot be checked");
            _stopped = true;
            return;
        }

        SetKey(_server, suite, _serverHandshakeSecret, "ServerHello");
        SetKey(_client, suite, _clientHandshakeSecret, "ClientHello");
    }

    private void CheckEncryptedExtensions(EncryptedExtensions ee, byte[] message)
    {
        _current!.Field("extensions", Names(ee.Extensions));
        var unsolicited = ee.Extensions.Where(x => ExtensionBlock.Find(_clientHello!.Extensions, x.Type) is null).ToList();
        Check(unsolicited.Count == 0, Rules.ExtensionUnsolicited, $"unsolicited {Names(unsolicited)}");
        if (ExtensionBlock.Find(ee.Extensions, ExtensionType.ApplicationLayerProtocolNegotiation) is { } alpn)
        {
            _current.Field("alpn", string.Join(",", AlpnExtension.Decode(alpn)));
        }

        _transcript.Add(message);
    }

    private void CheckCertificateRequest(CertificateRequest request, byte[] message)
    {
        _current!.Field("certificate_request_context", Hex(request.Context));
        _current.Field("extensions", Names(request.Extensions));
        Check(request.Context.Length == 0, Rules.CertificateRequestContext, "non-empty certificate_request_context during the handshake");
        Check(ExtensionBlock.Find(request.Extensions, ExtensionType.SignatureAlgorithms) is not null, Rules.CertificateRequestSignatureAlgorithms, "no signature_algorithms");
        _certificateRequest = request;
        _transcript.Add(message);
    }

    private void CheckCertificate(Side side, CertificateMessage certificate, byte[] message)
    {
        _current!.Field("certificate_request_context", Hex(certificate.Context));
        _current.Field("certificates", string.Join(", ", certificate.Entries.Select(c => $"{c.Data.Length}-byte DER")));
        if (side == _server)
        {
            Check(certificate.Context.Length == 0, Rules.CertificateContext, "server Certificate with a non-empty certificate_request_context");
            _serverLeaf = certificate.Entries.FirstOrDefault()?.Data;
        }
        else
        {
            _clientLeaf = certificate.Entries.FirstOrDefault()?.Data;
        }

        _transcript.Add(message);
    }

    private void CheckCertificateVerify(Side side, CertificateVerifyMessage verify, byte[] message)
    {
        bool server = side == _server;
        _current!.Field("algorithm", verify.Scheme);
        _current.Field("signature", $"{verify.Signature.Length} bytes");
        var offeredIn = server ? _clientHello!.Extensions : _certificateRequest?.Extensions ?? [];
        var offered = ExtensionBlock.Find(offeredIn, ExtensionType.SignatureAlgorithms) is { } data ? U16ListExtension.Decode(data, "signature_algorithms") : [];
        Check(offered.Contains((ushort)verify.Scheme), server ? Rules.ServerSignatureScheme : Rules.ClientSignatureScheme, $"{verify.Scheme} was not offered");
        var content = CertificateVerifyContent.Build(server, _transcript.Current());
        var leaf = (server ? _serverLeaf : _clientLeaf)!;
        bool valid;
        try
        {
            valid = SignatureVerifier.Verify(verify.Scheme, leaf, content, verify.Signature);
        }
        catch (TlsException e)
        {
            valid = false;
            _report.Notes.Add($"CertificateVerify: {e.Message}");
        }

        Check(valid, Rules.CertificateVerify, $"the {Name(side.Direction)}'s CertificateVerify signature ({verify.Scheme}) does not verify over the transcript");
        _transcript.Add(message);
    }

    private void CheckFinished(Side side, byte[] message)
    {
        var suite = _suite!;
        var baseKey = side == _server ? _serverHandshakeSecret! : _clientHandshakeSecret!;
        var verifyData = FinishedMessage.Parse(message.AsSpan(4), suite.HashLength);
        _current!.Field("verify_data", Hex(verifyData));
        using (var schedule = new TlsKeySchedule(suite))
        {
            Check(schedule.VerifyFinished(baseKey, _transcript.Current(), verifyData), Rules.Finished, $"the {Name(side.Direction)}'s Finished verify_data is wrong");
        }

        _transcript.Add(message);
        side.FinishedSent = true;
        var label = side == _server ? "SERVER_TRAFFIC_SECRET_0" : "CLIENT_TRAFFIC_SECRET_0";
        side.ApplicationSecret = _input.Keys.Find(label, _firstClientHello!.Random);
        if (side.ApplicationSecret is null)
        {
            _report.Problems.Add($"the key log has no {label}: application records cannot be checked");
            _stopped = true;
            return;
        }

        SetKey(side, suite, side.ApplicationSecret, "Finished");
    }

    private void CheckKeyUpdate(Side side, ReadOnlySpan<byte> body)
    {
        byte value = body.Length == 1 ? body[0] : (byte)0xFF;
        _current!.Field("request_update", value switch { 0 => "update_not_requested", 1 => "update_requested", _ => value.ToString() });
        Check(value <= 1, Rules.KeyUpdateValue, $"request_update {value}");
        KeyUpdateMessage.Parse(body.Length == 1 ? [Math.Min(value, (byte)1)] : body);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
        //# After sending a KeyUpdate message, the sender SHALL send all
        //# its traffic using the next generation of keys, computed as described
        //# in Section 7.2.
        side.ApplicationSecret = TlsKeySchedule.NextTrafficSecret(_suite!, side.ApplicationSecret!);
        SetKey(side, _suite!, side.ApplicationSecret, "KeyUpdate");
    }

    private void DescribeTicket(NewSessionTicketMessage ticket)
    {
        _current!.Field("ticket_lifetime", ticket.Lifetime);
        _current.Field("ticket", $"{ticket.Ticket.Length} bytes");
        _current.Field("extensions", Names(ticket.Extensions));
    }

    private static string SuiteName(ushort suite) => Enum.IsDefined((CipherSuite)suite) ? ((CipherSuite)suite).ToString() : $"0x{suite:x4}";

    private static string GroupName(NamedGroup group) => Enum.IsDefined(group) ? group.ToString() : $"0x{(ushort)group:x4}";
}
