using System.Security.Cryptography;
using Reference.Tls.Certificates;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.KeySchedule;
using Reference.Tls.StateMachine;

namespace Reference.Tls;

/// <summary>The client's side of the handshake.</summary>
public sealed partial class TlsConnection
{
    private ClientHello? _sentClientHello;
    private KeyShare? _clientKeyShare;
    private string? _serverName;
    private ServerHello? _helloRetryRequest;
    private CertificateRequest? _certificateRequest;
    private NamedGroup _negotiatedGroup;
    private SignatureScheme _serverScheme;
    private SignatureScheme? _clientScheme;
    private string? _alpn;
    private IReadOnlyList<byte[]> _peerChain = [];

    private void StartClient(string? serverName)
    {
        _serverName = serverName;
        _clientKeyShare = KeyShare.Generate(_config.Groups[0]);
        byte[] sessionId = _config.MiddleboxCompatibility ? RandomNumberGenerator.GetBytes(32) : [];
        _sentClientHello = BuildClientHello(RandomNumberGenerator.GetBytes(32), sessionId, cookie: null);
        SendHandshake(TableMessage.ClientHello, HandshakeType.ClientHello, _sentClientHello.Write);
        FlushHandshake();
    }

    private ClientHello BuildClientHello(byte[] random, byte[] sessionId, byte[]? cookie)
    {
        var ext = new List<Extension>();
        if (_serverName is not null)
        {
            ext.Add(new(ExtensionType.ServerName, ServerNameExtension.Encode(_serverName)));
        }

        ext.Add(new(ExtensionType.SupportedGroups, U16ListExtension.Encode(_config.Groups)));
        ext.Add(new(ExtensionType.SignatureAlgorithms, U16ListExtension.Encode(_config.SignatureSchemes)));
        if (_config.ApplicationProtocols.Count > 0)
        {
            ext.Add(new(ExtensionType.ApplicationLayerProtocolNegotiation, AlpnExtension.Encode(_config.ApplicationProtocols)));
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
        //# Implementations of this specification MUST send this extension in the
        //# ClientHello containing all versions of TLS which they are prepared to
        //# negotiate (for this specification, that means minimally 0x0304, but
        //# if previous versions of TLS are allowed to be negotiated, they MUST
        //# be present as well).
        ext.Add(new(ExtensionType.SupportedVersions, SupportedVersionsExtension.EncodeClient([ProtocolVersion.Tls13])));
        if (cookie is not null)
        {
            ext.Add(new(ExtensionType.Cookie, CookieExtension.Encode(cookie)));
        }

        ext.Add(new(ExtensionType.KeyShare, KeyShareExtension.EncodeClient([new(_clientKeyShare!.Group, _clientKeyShare.PublicKey)])));
        return new ClientHello
        {
            Random = random,
            LegacySessionId = sessionId,
            CipherSuites = _config.CipherSuites.Select(s => (ushort)s).ToList(),
            Extensions = ext,
        };
    }

    /// <summary>Checks shared by ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4); returns the suite.</summary>
    private CipherSuiteSpec CheckServerHelloCommon(ServerHello hello, ExtensionContext context)
    {
        var offered = _sentClientHello!;
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
        //# Any endpoint
        //# receiving a Hello message with ClientHello.legacy_version or
        //# ServerHello.legacy_version set to 0x0300 MUST abort the handshake
        //# with a "protocol_version" alert.
        if (hello.LegacyVersion <= 0x0300)
        {
            throw TlsErrors.Protocol(AlertDescription.ProtocolVersion, $"ServerHello.legacy_version 0x{hello.LegacyVersion:X4}");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
        //# A client which
        //# receives a legacy_session_id_echo field that does not match what
        //# it sent in the ClientHello MUST abort the handshake with an
        //# "illegal_parameter" alert.
        if (!hello.LegacySessionIdEcho.AsSpan().SequenceEqual(offered.LegacySessionId))
        {
            throw TlsErrors.IllegalParameter("legacy_session_id_echo does not match the ClientHello");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
        //# A client which receives a
        //# cipher suite that was not offered MUST abort the handshake with an
        //# "illegal_parameter" alert.
        if (!offered.CipherSuites.Contains(hello.CipherSuite) || !CipherSuiteSpec.TryGet(hello.CipherSuite, out var suite))
        {
            throw TlsErrors.IllegalParameter($"server selected cipher suite 0x{hello.CipherSuite:X4} that was not offered");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
        //# legacy_compression_method:  A single byte which MUST have the
        //# value 0.
        if (hello.LegacyCompressionMethod != 0)
        {
            throw TlsErrors.IllegalParameter("legacy_compression_method is not 0");
        }

        CheckSelectedVersion(hello);
        ExtensionBlock.RejectUnsolicited(hello.Extensions, offered.Extensions,
            context == ExtensionContext.HelloRetryRequest ? ExtensionType.Cookie : null);
        return suite;
    }

    private static void CheckSelectedVersion(ServerHello hello)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
        //# TLS 1.3 ServerHello
        //# messages MUST contain the "supported_versions" extension.
        var data = ExtensionBlock.Find(hello.Extensions, ExtensionType.SupportedVersions)
            ?? throw TlsErrors.Protocol(AlertDescription.ProtocolVersion, "server did not negotiate TLS 1.3 (no supported_versions)");

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
        //# If
        //# the "supported_versions" extension in the ServerHello contains a
        //# version not offered by the client or contains a version prior to
        //# TLS 1.3, the client MUST abort the handshake with an
        //# "illegal_parameter" alert.
        if (SupportedVersionsExtension.DecodeServer(data) != ProtocolVersion.Tls13)
        {
            throw TlsErrors.IllegalParameter("server selected a version that was not offered");
        }
    }

    private void ClientReceiveServerHello(ReadOnlySpan<byte> message)
    {
        var hello = ServerHello.Parse(message[4..]);
        var suite = CheckServerHelloCommon(hello, ExtensionContext.ServerHello);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
        //# Upon receiving
        //# the ServerHello, clients MUST check that the cipher suite supplied in
        //# the ServerHello is the same as that in the HelloRetryRequest and
        //# otherwise abort the handshake with an "illegal_parameter" alert.
        if (_helloRetryRequest is not null && _helloRetryRequest.CipherSuite != hello.CipherSuite)
        {
            throw TlsErrors.IllegalParameter("ServerHello cipher suite differs from the HelloRetryRequest's");
        }

        var shareData = ExtensionBlock.Find(hello.Extensions, ExtensionType.KeyShare)
            ?? throw TlsErrors.Protocol(AlertDescription.MissingExtension, "ServerHello has no key_share");
        var share = KeyShareExtension.DecodeServer(shareData);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
        //# This value MUST be in the same
        //# group as the KeyShareEntry value offered by the client that the
        //# server has selected for the negotiated key exchange.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
        //# If using
        //# (EC)DHE key establishment and a HelloRetryRequest containing a
        //# "key_share" extension was received by the client, the client MUST
        //# verify that the selected NamedGroup in the ServerHello is the same as
        //# that in the HelloRetryRequest.
        if (share.Group != _clientKeyShare!.Group)
        {
            throw TlsErrors.IllegalParameter($"server key share for {share.Group}, which the client did not send");
        }

        var shared = _clientKeyShare.DeriveSharedSecret(share.KeyExchange);
        _clientKeyShare.Dispose();
        StartKeySchedule(suite);
        _transcript.Add(message);
        _negotiatedGroup = share.Group;
        _schedule!.DeriveHandshakeSecrets(shared, _transcript.Current());
        CryptographicOperations.ZeroMemory(shared);
        LogSecret("SERVER_HANDSHAKE_TRAFFIC_SECRET", _schedule.ServerHandshakeTrafficSecret);
        LogSecret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", _schedule.ClientHandshakeTrafficSecret);
        SetReadSecret(_schedule.ServerHandshakeTrafficSecret, "ServerHello");
    }

    private void StartKeySchedule(CipherSuiteSpec suite)
    {
        if (_schedule is null)
        {
            _transcript.SetHash(suite.Hash);
            _schedule = new TlsKeySchedule(suite);
        }
    }
}
