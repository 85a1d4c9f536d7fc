using System.Security.Cryptography;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.KeySchedule;
using Reference.Tls.Negotiation;
using Reference.Tls.StateMachine;

namespace Reference.Tls;

/// <summary>The server's side of the handshake: ClientHello processing and negotiation.</summary>
public sealed partial class TlsConnection
{
    private ClientHello? _receivedClientHello;
    private bool _sentHelloRetry;
    private CipherSuiteSpec? _retrySuite;

    /// <summary>What the server chose from a ClientHello (s2n's rules: server preference order).</summary>
    private sealed record ServerChoice(CipherSuiteSpec Suite, NamedGroup Group, KeyShareEntry? ClientShare, SignatureScheme Scheme, string? Alpn, string? ServerName)
    {
        /// <summary>The accepted PSK's key schedule and its index in the client's list, if any.</summary>
        public TlsKeySchedule? Psk { get; init; }

        public int PskIndex { get; init; } = -1;

        /// <summary>The chain chosen for this ClientHello (RFC 8446 §4.4.2.2).</summary>
        public required CertificateKeyPair Certificate { get; init; }
    }

    private void ServerReceiveClientHello(ReadOnlySpan<byte> message)
    {
        var hello = ClientHello.Parse(message[4..]);
        CheckClientHello(hello);
        CheckPreSharedKeyOffer(hello);
        ServerNoteEarlyDataOffer(hello);
        if (_sentHelloRetry)
        {
            CheckUnchangedAfterHelloRetry(hello);
        }

        var choice = Negotiate(hello);
        if (_sentHelloRetry)
        {
            CheckSecondClientHello(hello, choice);
        }

        _receivedClientHello = hello;
        if (choice.ClientShare is null)
        {
            SendHelloRetryRequest(hello, message, choice);
            SkipEarlyDataAfterHelloRetry();
            return;
        }

        var psk = SelectPsk(hello, message, choice.Suite);
        if (psk is { } selected)
        {
            choice = choice with { Psk = selected.Schedule, PskIndex = selected.Index };
            _pskAccepted = true;
        }

        ServerDecideEarlyData(choice, psk);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11.3
        //# In order to avoid deadlocks, when accepting "early_data", servers MUST
        //# process the client's ClientHello and then immediately send their flight
        //# of messages, rather than waiting for the client's EndOfEarlyData message
        //# before sending its ServerHello.

        _transcript.Add(message);
        SendServerFlight(hello, choice);
    }

    private void CheckClientHello(ClientHello hello)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
        //# Any endpoint
        //# receiving a Hello message with ClientHello.legacy_version or
        //# ServerHello.legacy_version set to 0x0300 MUST abort the handshake
        //# with a "protocol_version" alert.
        if (hello.LegacyVersion <= 0x0300 && !_config.S2nQuirks.HasFlag(S2nQuirks.AcceptSsl3LegacyVersion))
        {
            throw TlsErrors.Protocol(AlertDescription.ProtocolVersion, $"ClientHello.legacy_version 0x{hello.LegacyVersion:X4}");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
        //# If a
        //# TLS 1.3 ClientHello is received with any other value in this
        //# field, the server MUST abort the handshake with an
        //# "illegal_parameter" alert.
        if (hello.LegacyCompressionMethods is not [0])
        {
            throw TlsErrors.IllegalParameter("legacy_compression_methods must be exactly [null]");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
        //# If this extension is present in the ClientHello, servers MUST NOT use
        //# the ClientHello.legacy_version value for version negotiation and MUST
        //# use only the "supported_versions" extension to determine client
        //# preferences.
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
        //# Servers MUST only select a version of TLS present in that extension and
        //# MUST ignore any unknown versions that are present in that extension.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
        //# Servers MUST be prepared to receive ClientHellos that include this
        //# extension but do not include 0x0304 in the list of versions.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.2
        //# If the "supported_versions" extension is present, the server MUST
        //# negotiate using that extension as described in Section 4.2.1.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.2
        //# If the "supported_versions" extension is absent and the server only
        //# supports versions greater than ClientHello.legacy_version, the server
        //# MUST abort the handshake with a "protocol_version" alert.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.2
        //# Servers will receive various TLS 1.x versions in this field, but its
        //# value MUST always be ignored.
        var versions = ExtensionBlock.Find(hello.Extensions, ExtensionType.SupportedVersions);
        if (versions is null || !SupportedVersionsExtension.DecodeClient(versions).Contains(ProtocolVersion.Tls13))
        {
            throw TlsErrors.Protocol(AlertDescription.ProtocolVersion, "client does not offer TLS 1.3");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
        //# Such a ClientHello
        //# message MUST meet the following requirements:
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
        //# If not containing a "pre_shared_key" extension, it MUST contain
        //# both a "signature_algorithms" extension and a "supported_groups"
        //# extension.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
        //# If containing a "supported_groups" extension, it MUST also contain
        //# a "key_share" extension, and vice versa.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
        //# Servers receiving a ClientHello which does not conform to these
        //# requirements MUST abort the handshake with a "missing_extension"
        //# alert.
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
        //# If a server is authenticating via a certificate and the client has not
        //# sent a "signature_algorithms" extension, then the server MUST abort the
        //# handshake with a "missing_extension" alert (see Section 9.2).
        foreach (var required in (ReadOnlySpan<ExtensionType>)[ExtensionType.SignatureAlgorithms, ExtensionType.SupportedGroups, ExtensionType.KeyShare])
        {
            if (ExtensionBlock.Find(hello.Extensions, required) is null)
            {
                throw TlsErrors.Protocol(AlertDescription.MissingExtension, $"ClientHello lacks {required}");
            }
        }
    }

    private ServerChoice Negotiate(ClientHello hello)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
        //# Servers MUST ensure that they negotiate the same cipher suite when
        //# receiving a conformant updated ClientHello (if the server selects the
        //# cipher suite as the first step in the negotiation, then this will happen
        //# automatically).
        var preferences = new ServerPreferences(_config.CipherSuites, _config.Groups, _config.Policy?.StronglyPreferredGroups ?? [], _config.ApplicationProtocols);
        var pskHash = _retrySuite is null ? PreferredPskHash(hello) : null;
        var suite = _retrySuite ?? ChooseCipherSuite(preferences, hello, pskHash)
            ?? throw NoOverlap("no cipher suite in common");
        var clientGroups = U16ListExtension.Decode(ExtensionBlock.Find(hello.Extensions, ExtensionType.SupportedGroups)!, "supported_groups");
        var shares = ReadClientShares(hello, clientGroups);
        var shared = shares.ConvertAll(s => (ushort)s.Group);
        var (group, share) = ChooseGroup(preferences, clientGroups, shares, shared);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
        //# Additionally, all implementations MUST support the use of the
        //# "server_name" extension with applications capable of using it.
        // The server picks its chain by the name (CertificateSelection) and tells the application (Info.ServerName).
        var serverName = ExtensionBlock.Find(hello.Extensions, ExtensionType.ServerName) is { } sni ? ServerNameExtension.Decode(sni) : null;
        var (certificate, scheme) = SelectServerCertificate(hello, serverName);
        var offeredAlpn = ExtensionBlock.Find(hello.Extensions, ExtensionType.ApplicationLayerProtocolNegotiation) is { } alpn && preferences.ApplicationProtocols.Count > 0
            ? AlpnExtension.Decode(alpn) : null;
        var protocol = ServerNegotiation.ChooseApplicationProtocol(preferences, offeredAlpn);
        _config.NegotiationObserver?.Invoke(new NegotiationRecord(preferences, hello.CipherSuites, pskHash, clientGroups, shared, offeredAlpn,
            suite.Id, new Selection<NamedGroup>(group, share is null ? Outcome.HelloRetry : Outcome.KeyShare), protocol));
        return new ServerChoice(suite, group, share, scheme, protocol, serverName) { Certificate = certificate };
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //# If the list contains cipher suites that the server does not recognize,
    //# support, or wish to use, the server MUST ignore those cipher suites and
    //# process the remaining ones as usual.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.3
    //# This section describes invariants that TLS endpoints and middleboxes
    //# MUST follow.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.3
    //# For this to work, implementations MUST correctly handle extensible
    //# fields:
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.3
    //# A server receiving a ClientHello MUST correctly ignore all
    //# unrecognized cipher suites, extensions, and other parameters.
    // Unknown suites here, unknown groups in ChooseGroup (only our own groups are matched), unknown extensions
    // in ExtensionBlock.Read, unknown versions in CheckClientHello.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //# If backward compatibility is important, client-provided, externally
    //# established PSKs SHOULD influence cipher suite selection.
    // With a usable PSK offered (external or one of our tickets; the first we know, in the client's order,
    // as s2n chooses it), our most preferred common suite of that PSK's hash wins over the others, so the
    // PSK can be used; without one of that hash, the plain server preference applies.
    private static CipherSuiteSpec? ChooseCipherSuite(ServerPreferences preferences, ClientHello hello, HashAlgorithmName? pskHash) =>
        ServerNegotiation.ChooseCipherSuite(preferences, hello.CipherSuites, pskHash) is { } suite ? CipherSuiteSpec.Get(suite) : null;

    private static List<KeyShareEntry> ReadClientShares(ClientHello hello, List<ushort> clientGroups)
    {
        var shares = KeyShareExtension.DecodeClient(ExtensionBlock.Find(hello.Extensions, ExtensionType.KeyShare)!);
        for (int i = 0; i < shares.Count; i++)
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
            //# Clients MUST NOT offer multiple KeyShareEntry values
            //# for the same group.  Clients MUST NOT offer any KeyShareEntry values
            //# for groups not listed in the client's "supported_groups" extension.
            //# Servers MAY check for violations of these rules and abort the
            //# handshake with an "illegal_parameter" alert if one is violated.
            if (!clientGroups.Contains((ushort)shares[i].Group) || shares.FindIndex(s => s.Group == shares[i].Group) != i)
            {
                throw TlsErrors.IllegalParameter($"key share for {shares[i].Group} is duplicated or not in supported_groups");
            }
        }

        return shares;
    }

    /// <summary>The group (see <see cref="ServerNegotiation.GroupRules"/>, C s2n-tls's order) and the client's share for it, or none for a HelloRetryRequest.</summary>
    private static (NamedGroup Group, KeyShareEntry? Share) ChooseGroup(ServerPreferences preferences, List<ushort> clientGroups, List<KeyShareEntry> shares, List<ushort> shared)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
        //# Servers MUST NOT send a KeyShareEntry for any group not indicated in the
        //# client's "supported_groups" extension and MUST NOT send a KeyShareEntry
        //# when using the "psk_ke" PskKeyExchangeMode.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
        //# If the server selects an (EC)DHE group and the client did not offer a
        //# compatible "key_share" extension in the initial ClientHello, the
        //# server MUST respond with a HelloRetryRequest (Section 4.1.4) message.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-2
        //# If (EC)DHE key establishment
        //# is in use, then the ServerHello contains a "key_share" extension with
        //# the server's ephemeral Diffie-Hellman share; the server's share MUST
        //# be in the same group as one of the client's shares.
        // Every KeyShare outcome answers a client share of the same group (proved in proofs/, NegotiationProofs).
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
        //# If there is no overlap between the received "supported_groups" and the
        //# groups supported by the server, then the server MUST abort the handshake
        //# with a "handshake_failure" or an "insufficient_security" alert.
        var chosen = ServerNegotiation.ChooseGroup(preferences, clientGroups, shared) ?? throw NoOverlap("no key exchange group in common");
        return (chosen.Item, chosen.Outcome == Outcome.KeyShare ? shares.Find(s => s.Group == chosen.Item) : null);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
    //# If the server is unable to negotiate a supported set of parameters
    //# (i.e., there is no overlap between the client and server parameters),
    //# it MUST abort the handshake with either a "handshake_failure" or
    //# "insufficient_security" fatal alert (see Section 6).
    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.1
    //# If no
    //# common cryptographic parameters can be negotiated, the server MUST
    //# abort the handshake with an appropriate alert.
    private static TlsException NoOverlap(string what) => TlsErrors.Protocol(AlertDescription.HandshakeFailure, what);

    private void SendHelloRetryRequest(ClientHello hello, ReadOnlySpan<byte> message, ServerChoice choice)
    {
        _sentHelloRetry = true;
        _retrySuite = choice.Suite;
        _transcript.SetHash(choice.Suite.Hash);
        _transcript.Add(message);
        _transcript.ReplaceWithMessageHash();
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
        //# The server's extensions MUST contain "supported_versions".
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
        //# Additionally, it SHOULD contain the minimal set of extensions necessary
        //# for the client to generate a correct ClientHello pair.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
        //# As with the ServerHello, a HelloRetryRequest MUST NOT contain any
        //# extensions that were not first offered by the client in its ClientHello,
        //# with the exception of optionally the "cookie" (see Section 4.2.2)
        //# extension.
        var hrr = new ServerHello
        {
            Random = ServerHello.HelloRetryRequestRandom,
            LegacySessionIdEcho = hello.LegacySessionId,
            CipherSuite = (ushort)choice.Suite.Id,
            Extensions =
            [
                new(ExtensionType.SupportedVersions, SupportedVersionsExtension.EncodeServer(ProtocolVersion.Tls13)),
                new(ExtensionType.KeyShare, KeyShareExtension.EncodeHelloRetry(choice.Group)),
            ],
        };
        if (_config.SendHelloRetryCookie)
        {
            _hrrCookie = TlsRandom.GetBytes(_config.DangerousDeterministicRandom, 32);
            hrr.Extensions.Add(new(ExtensionType.Cookie, CookieExtension.Encode(_hrrCookie)));
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.2
        //# When sending a HelloRetryRequest, the server MAY provide a "cookie"
        //# extension to the client (this is an exception to the usual rule that the
        //# only extensions that may be sent are those that appear in the
        //# ClientHello).
        _hrrGroup = choice.Group;
        SendHandshake(TableMessage.HelloRetryRequest, HandshakeType.ServerHello, hrr.Write);
        SendServerChangeCipherSpec(hello);
    }

    private NamedGroup _hrrGroup;
    private byte[]? _hrrCookie;

    private void CheckSecondClientHello(ClientHello hello, ServerChoice choice)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
        //# Otherwise, when sending the new ClientHello, the client MUST
        //# replace the original "key_share" extension with one containing only a
        //# new KeyShareEntry for the group indicated in the selected_group field
        //# of the triggering HelloRetryRequest.
        var shares = KeyShareExtension.DecodeClient(ExtensionBlock.Find(hello.Extensions, ExtensionType.KeyShare)!);
        if (shares.Count != 1 || shares[0].Group != _hrrGroup || choice.ClientShare is null)
        {
            throw TlsErrors.IllegalParameter("second ClientHello does not carry exactly the requested key share");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.2
        //# When sending the new ClientHello, the client MUST copy
        //# the contents of the extension received in the HelloRetryRequest into
        //# a "cookie" extension in the new ClientHello.
        if (_hrrCookie is not null)
        {
            var echoed = ExtensionBlock.Find(hello.Extensions, ExtensionType.Cookie) is { } c ? CookieExtension.Decode(c) : null;
            if (echoed is null || !CryptographicOperations.FixedTimeEquals(echoed, _hrrCookie))
            {
                throw TlsErrors.IllegalParameter("second ClientHello does not echo the HelloRetryRequest cookie");
            }
        }
    }

    /// <summary>
    /// The second ClientHello must be the first one but for the changes RFC 8446 §4.1.2 lists. Every field
    /// and every extension is compared, in order: the list allows no reordering, so a reordered extension
    /// block is a modification too (s2n and OpenSSL do not check order; this engine does, by that text).
    /// </summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //# In that case, the client MUST send the same
    //# ClientHello without modification, except as follows:
    private void CheckUnchangedAfterHelloRetry(ClientHello second)
    {
        var first = _receivedClientHello!;
        if (second.LegacyVersion != first.LegacyVersion || !second.Random.AsSpan().SequenceEqual(first.Random)
            || !second.LegacySessionId.AsSpan().SequenceEqual(first.LegacySessionId)
            || !second.CipherSuites.SequenceEqual(first.CipherSuites)
            || !second.LegacyCompressionMethods.AsSpan().SequenceEqual(first.LegacyCompressionMethods))
        {
            throw TlsErrors.IllegalParameter("second ClientHello changed legacy_version, random, legacy_session_id, cipher_suites or compression");
        }

        var before = ComparableAfterHelloRetry(first.Extensions, isFirst: true);
        var after = ComparableAfterHelloRetry(second.Extensions, isFirst: false);
        for (int i = 0; i < Math.Max(before.Count, after.Count); i++)
        {
            if (i >= before.Count || i >= after.Count || before[i].Type != after[i].Type)
            {
                throw TlsErrors.IllegalParameter($"second ClientHello added, removed or reordered an extension at position {i}");
            }

            if (!MayChangeAfterHelloRetry(before[i].Type) && !before[i].Data.AsSpan().SequenceEqual(after[i].Data))
            {
                throw TlsErrors.IllegalParameter($"second ClientHello changed the {before[i].Type} extension");
            }
        }
    }

    /// <summary>The extensions §4.1.2 does not let the client add or remove, in their order.</summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //# -  Removing the "early_data" extension (Section 4.2.10) if one was
    //# present.  Early data is not permitted after a HelloRetryRequest.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //# -  Including a "cookie" extension if one was provided in the
    //# HelloRetryRequest.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //# -  Optionally adding, removing, or changing the length of the
    //# "padding" extension [RFC7685].
    private List<Extension> ComparableAfterHelloRetry(List<Extension> extensions, bool isFirst) =>
        extensions.Where(e => e.Type != ExtensionType.Padding
            && !(isFirst && e.Type == ExtensionType.EarlyData)
            && !(_hrrCookie is not null && e.Type == ExtensionType.Cookie)).ToList();

    /// <summary>Extensions whose contents (not presence or place) the second ClientHello may change.</summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //# -  If a "key_share" extension was supplied in the HelloRetryRequest,
    //# replacing the list of shares with a list containing a single
    //# KeyShareEntry from the indicated group.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //# -  Updating the "pre_shared_key" extension if present by recomputing
    //# the "obfuscated_ticket_age" and binder values and (optionally)
    //# removing any PSKs which are incompatible with the server's
    //# indicated cipher suite.
    private static bool MayChangeAfterHelloRetry(ExtensionType type) =>
        type is ExtensionType.KeyShare or ExtensionType.PreSharedKey;

    /// <summary>Like s2n, the server sends its dummy change_cipher_spec right after its first handshake message.</summary>
    private void SendServerChangeCipherSpec(ClientHello hello)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4
        //# The server sends a dummy change_cipher_spec record immediately
        //# after its first handshake message.  This may either be after a
        //# ServerHello or a HelloRetryRequest.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4
        //# but if the client sends a non-empty session ID,
        //# the server MUST send the change_cipher_spec as described in this
        //# appendix.
        _ = hello;
        SendChangeCipherSpecOnce();
    }
}
