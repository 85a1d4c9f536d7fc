using Reference.Tls;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.StateMachine;

namespace Reference.Oracle;

/// <summary>ClientHello, HelloRetryRequest and ServerHello: what each must carry and echo.</summary>
internal sealed partial class TranscriptChecker
{
    private void CheckClientHello(ClientHello hello, byte[] message)
    {
        var e = _current!;
        e.Field("legacy_version", $"0x{hello.LegacyVersion:x4}");
        e.Field("random", Hex(hello.Random));
        e.Field("legacy_session_id", Hex(hello.LegacySessionId));
        e.Field("cipher_suites", string.Join(", ", hello.CipherSuites.Select(SuiteName)));
        e.Field("extensions", Names(hello.Extensions));
        Check(hello.LegacyVersion > 0x0300, Rules.LegacyVersion, $"legacy_version 0x{hello.LegacyVersion:x4}");
        Check(hello.LegacyCompressionMethods is [0], Rules.ClientHelloCompression, $"legacy_compression_methods {Hex(hello.LegacyCompressionMethods)}");
        var versions = ExtensionBlock.Find(hello.Extensions, ExtensionType.SupportedVersions);
        Check(versions is not null && SupportedVersionsExtension.DecodeClient(versions).Contains(ProtocolVersion.Tls13), Rules.ClientHelloVersions, "no supported_versions extension offering TLS 1.3");
        bool hasGroups = ExtensionBlock.Find(hello.Extensions, ExtensionType.SupportedGroups) is not null;
        bool hasShares = ExtensionBlock.Find(hello.Extensions, ExtensionType.KeyShare) is not null;
        bool hasPsk = ExtensionBlock.Find(hello.Extensions, ExtensionType.PreSharedKey) is not null;
        Check(hasPsk || (hasGroups && ExtensionBlock.Find(hello.Extensions, ExtensionType.SignatureAlgorithms) is not null), Rules.ClientHelloExtensions, "no signature_algorithms or no supported_groups");
        Check(hasGroups == hasShares, Rules.ClientHelloKeyShareGroups, "supported_groups without key_share or the reverse");
        if (hasGroups && hasShares)
        {
            CheckClientShares(hello);
        }

        if (_helloRetry is not null)
        {
            CheckSecondClientHello(hello);
        }
        else
        {
            _firstClientHello = hello;
        }

        _clientHello = hello;
        _transcript.Add(message);
    }

    private void CheckClientShares(ClientHello hello)
    {
        var groups = U16ListExtension.Decode(ExtensionBlock.Find(hello.Extensions, ExtensionType.SupportedGroups)!, "supported_groups");
        var shares = KeyShareExtension.DecodeClient(ExtensionBlock.Find(hello.Extensions, ExtensionType.KeyShare)!);
        _current!.Field("supported_groups", string.Join(", ", groups.Select(g => GroupName((NamedGroup)g))));
        _current.Field("key_share", string.Join(", ", shares.Select(s => $"{GroupName(s.Group)} ({s.KeyExchange.Length} bytes)")));
        bool ok = true;
        for (int i = 0; i < shares.Count; i++)
        {
            ok &= groups.Contains((ushort)shares[i].Group) && shares.FindIndex(s => s.Group == shares[i].Group) == i;
        }

        Check(ok, Rules.ClientKeyShares, "a key share is duplicated or for a group not in supported_groups");
    }

    private void CheckSecondClientHello(ClientHello hello)
    {
        var shares = KeyShareExtension.DecodeClient(ExtensionBlock.Find(hello.Extensions, ExtensionType.KeyShare) ?? []);
        if (ExtensionBlock.Find(_helloRetry!.Extensions, ExtensionType.KeyShare) is { } selected)
        {
            var group = KeyShareExtension.DecodeHelloRetry(selected);
            Check(shares.Count == 1 && shares[0].Group == group, Rules.RetryKeyShare, $"second ClientHello shares [{string.Join(", ", shares.Select(s => s.Group))}], HelloRetryRequest asked for {group}");
        }

        if (ExtensionBlock.Find(_helloRetry.Extensions, ExtensionType.Cookie) is { } cookie)
        {
            var echoed = ExtensionBlock.Find(hello.Extensions, ExtensionType.Cookie);
            Check(echoed is not null && echoed.AsSpan().SequenceEqual(cookie), Rules.RetryCookie, "the cookie is missing or changed");
        }
    }

    /// <summary>Checks shared by ServerHello and HelloRetryRequest; returns the suite (null if not offered).</summary>
    private CipherSuiteSpec? CheckServerHelloCommon(ServerHello hello, bool retry)
    {
        var offered = _clientHello!;
        var e = _current!;
        e.Field("random", retry ? "HelloRetryRequest magic" : Hex(hello.Random));
        e.Field("cipher_suite", SuiteName(hello.CipherSuite));
        e.Field("extensions", Names(hello.Extensions));
        Check(hello.LegacyVersion > 0x0300, Rules.LegacyVersion, $"legacy_version 0x{hello.LegacyVersion:x4}");
        Check(hello.LegacySessionIdEcho.AsSpan().SequenceEqual(offered.LegacySessionId), Rules.ServerHelloSessionId, "legacy_session_id_echo differs from the ClientHello's legacy_session_id");
        bool suiteOk = offered.CipherSuites.Contains(hello.CipherSuite) & CipherSuiteSpec.TryGet(hello.CipherSuite, out var suite);
        Check(suiteOk, Rules.ServerHelloCipherSuite, $"cipher suite 0x{hello.CipherSuite:x4} was not offered");
        Check(hello.LegacyCompressionMethod == 0, Rules.ServerHelloCompression, $"legacy_compression_method {hello.LegacyCompressionMethod}");
        var versions = ExtensionBlock.Find(hello.Extensions, ExtensionType.SupportedVersions);
        Check(versions is not null, Rules.ServerHelloVersions, "no supported_versions extension");
        if (versions is not null)
        {
            var version = SupportedVersionsExtension.DecodeServer(versions);
            e.Field("selected_version", $"0x{version:x4}");
            Check(version == ProtocolVersion.Tls13, Rules.ServerHelloVersionValue, $"selected version 0x{version:x4}");
        }

        var unsolicited = hello.Extensions.Where(x => (!retry || x.Type != ExtensionType.Cookie) && ExtensionBlock.Find(offered.Extensions, x.Type) is null).ToList();
        Check(unsolicited.Count == 0, Rules.ExtensionUnsolicited, $"unsolicited {Names(unsolicited)}");
        return suiteOk ? suite : null;
    }

    private void CheckHelloRetry(ServerHello hrr, byte[] message)
    {
        var suite = CheckServerHelloCommon(hrr, retry: true);
        var groupData = ExtensionBlock.Find(hrr.Extensions, ExtensionType.KeyShare);
        var cookie = ExtensionBlock.Find(hrr.Extensions, ExtensionType.Cookie);
        Check(groupData is not null || cookie is not null, Rules.RetryChangesHello, "HelloRetryRequest asks for no key share and no cookie");
        if (groupData is not null)
        {
            var group = KeyShareExtension.DecodeHelloRetry(groupData);
            _current!.Field("selected_group", GroupName(group));
            var groups = U16ListExtension.Decode(ExtensionBlock.Find(_clientHello!.Extensions, ExtensionType.SupportedGroups) ?? [0, 0], "supported_groups");
            var shares = KeyShareExtension.DecodeClient(ExtensionBlock.Find(_clientHello.Extensions, ExtensionType.KeyShare) ?? [0, 0]);
            Check(groups.Contains((ushort)group) && !shares.Exists(s => s.Group == group), Rules.RetrySelectedGroup, $"selected_group {group} was not offered or already had a key share");
        }

        _helloRetry = hrr;
        if (suite is null)
        {
            Stop("HelloRetryRequest names no usable cipher suite");
            return;
        }

        StartTranscript(suite);
        _transcript.ReplaceWithMessageHash();
        _transcript.Add(message);
    }

    private void StartTranscript(CipherSuiteSpec suite)
    {
        if (_suite is null)
        {
            _suite = suite;
            _transcript.SetHash(suite.Hash);
        }
    }
}
