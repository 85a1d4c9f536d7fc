using System.Security.Cryptography;
using Reference.Tls.Crypto;

namespace Reference.Tls.Negotiation;

/// <summary>What a selection rule requires of one candidate; every flag set must hold.</summary>
[Flags]
internal enum Require
{
    None = 0,

    /// <summary>The client listed it (cipher_suites, supported_groups, ALPN protocol_name_list, signature_algorithms).</summary>
    ClientOffers = 1,

    /// <summary>It is one of the server's configured items (needed when the pool is another list).</summary>
    Configured = 2,

    /// <summary>The engine implements it (a group with a key share implementation).</summary>
    EngineSupports = 4,

    /// <summary>The client sent a key share for it.</summary>
    ClientShared = 8,

    /// <summary>The client sent no key share for it.</summary>
    NotShared = 16,

    /// <summary>An ML-KEM group (hybrid or pure).</summary>
    Kem = 32,

    /// <summary>Its hash is the hash of the client's first PSK the server knows.</summary>
    PskHash = 64,

    /// <summary>The certificate's key can sign with it.</summary>
    KeyCanSign = 128,
}

/// <summary>The list a rule walks, in that list's order.</summary>
internal enum Pool
{
    /// <summary>The server's own preference list.</summary>
    Ours,

    /// <summary>The policy's strongly preferred groups (s2n's strongly_preferred_groups).</summary>
    StronglyPreferred,
}

/// <summary>How a chosen item is used.</summary>
internal enum Outcome
{
    Selected,

    /// <summary>A group answered with the client's key share (ServerHello).</summary>
    KeyShare,

    /// <summary>A group requested through a HelloRetryRequest.</summary>
    HelloRetry,
}

/// <summary>One rule: the first candidate of <paramref name="Pool"/> meeting <paramref name="Require"/> is chosen, with <paramref name="Outcome"/>.</summary>
internal readonly record struct SelectionRule(Pool Pool, Require Require, Outcome Outcome);

/// <summary>The chosen item and how it is used.</summary>
internal readonly record struct Selection<T>(T Item, Outcome Outcome);

/// <summary>The server's configuration as its choices see it.</summary>
internal sealed record ServerPreferences(
    IReadOnlyList<CipherSuite> CipherSuites,
    IReadOnlyList<NamedGroup> Groups,
    IReadOnlyList<NamedGroup> StronglyPreferredGroups,
    IReadOnlyList<string> ApplicationProtocols);

/// <summary>What the server chose for one ClientHello (inputs and outputs), reported to <see cref="TlsConfig.NegotiationObserver"/>.</summary>
internal sealed record NegotiationRecord(
    ServerPreferences Preferences,
    IReadOnlyCollection<ushort> CipherSuites,
    HashAlgorithmName? PskHash,
    IReadOnlyCollection<ushort> Groups,
    IReadOnlyCollection<ushort> KeyShareGroups,
    IReadOnlyCollection<string>? ApplicationProtocols,
    CipherSuite? Suite,
    Selection<NamedGroup>? Group,
    string? ApplicationProtocol);

/// <summary>
/// The server's choices as pure functions of (configuration, ClientHello offer): cipher suite, key exchange group
/// or HelloRetryRequest, ALPN protocol, and the CertificateVerify scheme of a chain. Each is an ordered list of
/// <see cref="SelectionRule"/>s (data, like the transition table) read by one interpreter, <see cref="Select"/>.
/// The engine calls these; proofs/ reads the same rules and proves them against a Z3 specification of RFC 8446
/// §4.1.1, §4.2.x and s2n's preference rules.
/// </summary>
internal static class ServerNegotiation
{
    private const Require Mutual = Require.ClientOffers | Require.Configured | Require.EngineSupports;

    /// <summary>Server preference order; a suite of the known PSK's hash first, so that PSK can be used (RFC 8446 §4.2.11).</summary>
    public static readonly SelectionRule[] CipherSuiteRules =
    [
        new(Pool.Ours, Require.ClientOffers | Require.PskHash, Outcome.Selected),
        new(Pool.Ours, Require.ClientOffers, Outcome.Selected),
    ];

    /// <summary>
    /// C s2n-tls's rule, in order: a client share for our most preferred mutual ML-KEM group; else a
    /// HelloRetryRequest for a mutual ML-KEM group (never downgrade a PQ-capable client); else one for a
    /// strongly preferred group of the policy that the client did not share; else the client's share for
    /// our most preferred mutual group it sent; else a HelloRetryRequest for our most preferred mutual group.
    /// </summary>
    public static readonly SelectionRule[] GroupRules =
    [
        new(Pool.Ours, Mutual | Require.Kem | Require.ClientShared, Outcome.KeyShare),
        new(Pool.Ours, Mutual | Require.Kem, Outcome.HelloRetry),
        new(Pool.StronglyPreferred, Mutual | Require.NotShared, Outcome.HelloRetry),
        new(Pool.Ours, Mutual | Require.ClientShared, Outcome.KeyShare),
        new(Pool.Ours, Mutual, Outcome.HelloRetry),
    ];

    /// <summary>Server preference order among the protocols the client offered (as s2n).</summary>
    public static readonly SelectionRule[] ApplicationProtocolRules = [new(Pool.Ours, Require.ClientOffers, Outcome.Selected)];

    /// <summary>Our preference order among the schemes the client offered and the chain's key can sign with.</summary>
    public static readonly SelectionRule[] SignatureSchemeRules = [new(Pool.Ours, Require.ClientOffers | Require.KeyCanSign, Outcome.Selected)];

    /// <summary>The interpreter: the first rule, in order, with a candidate meeting its requirements; that rule's first such candidate.</summary>
    public static Selection<T>? Select<T>(IReadOnlyList<SelectionRule> rules, IReadOnlyList<T> ours, IReadOnlyList<T> stronglyPreferred, Func<T, Require, bool> holds)
        where T : struct
    {
        // Indexed loops: foreach over the interfaces would allocate an enumerator per rule on every handshake.
        for (int r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            var pool = rule.Pool == Pool.Ours ? ours : stronglyPreferred;
            for (int c = 0; c < pool.Count; c++)
            {
                if (Meets(pool[c], rule.Require, holds))
                {
                    return new Selection<T>(pool[c], rule.Outcome);
                }
            }
        }

        return null;
    }

    public static CipherSuite? ChooseCipherSuite(ServerPreferences server, IReadOnlyCollection<ushort> offered, HashAlgorithmName? pskHash) =>
        Select(CipherSuiteRules, server.CipherSuites, [], (suite, require) => require switch
        {
            Require.ClientOffers => offered.Contains((ushort)suite),
            Require.PskHash => CipherSuiteSpec.Get(suite).Hash == pskHash,
            _ => false,
        })?.Item;

    public static Selection<NamedGroup>? ChooseGroup(ServerPreferences server, IReadOnlyCollection<ushort> offered, IReadOnlyCollection<ushort> shared) =>
        Select(GroupRules, server.Groups, server.StronglyPreferredGroups, (group, require) => require switch
        {
            Require.ClientOffers => offered.Contains((ushort)group),
            Require.Configured => server.Groups.Contains(group),
            Require.EngineSupports => KeyShare.IsSupported(group),
            Require.ClientShared => shared.Contains((ushort)group),
            Require.NotShared => !shared.Contains((ushort)group),
            Require.Kem => KeyShare.IsKem(group),
            _ => false,
        });

    /// <summary>The protocol to acknowledge, or null (no ALPN configured, none offered, or no overlap: s2n then sends none).</summary>
    public static string? ChooseApplicationProtocol(ServerPreferences server, IReadOnlyCollection<string>? offered)
    {
        if (server.ApplicationProtocols.Count == 0 || offered is null)
        {
            return null;
        }

        var indexes = Enumerable.Range(0, server.ApplicationProtocols.Count).ToList();
        return Select(ApplicationProtocolRules, indexes, [], (i, require) => require == Require.ClientOffers && offered.Contains(server.ApplicationProtocols[i]))
            is { } chosen ? server.ApplicationProtocols[chosen.Item] : null;
    }

    public static SignatureScheme? ChooseSignatureScheme(IReadOnlyList<SignatureScheme> ours, IReadOnlyCollection<ushort> offered, IReadOnlyCollection<SignatureScheme> keyCanSign) =>
        Select(SignatureSchemeRules, ours, [], (scheme, require) => require switch
        {
            Require.ClientOffers => offered.Contains((ushort)scheme),
            Require.KeyCanSign => keyCanSign.Contains(scheme),
            _ => false,
        })?.Item;

    private static bool Meets<T>(T candidate, Require require, Func<T, Require, bool> holds)
    {
        for (var flag = Require.ClientOffers; flag <= Require.KeyCanSign; flag = (Require)((int)flag << 1))
        {
            // A bit test, not Enum.HasFlag, which boxes both operands in unoptimized code.
            if ((require & flag) != 0 && !holds(candidate, flag))
            {
                return false;
            }
        }

        return true;
    }
}
