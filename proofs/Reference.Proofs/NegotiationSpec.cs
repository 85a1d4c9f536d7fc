using Microsoft.Z3;
using Reference.Tls;
using Reference.Tls.Crypto;
using Reference.Tls.Negotiation;

namespace Reference.Proofs;

/// <summary>
/// The specification of the server's choices, written from RFC 8446 §4.1.1, §4.1.4, §4.2.x, RFC 7301 §3.2 and
/// C s2n-tls's documented preference rules, as Z3 constraints over <see cref="NegotiationInputs"/> and the choice.
/// Written without the rules: it says what a correct choice is, not how to find it.
/// </summary>
internal static class NegotiationSpec
{
    private const string Rfc = "https://www.rfc-editor.org/rfc/rfc8446#";
    private const string Alpn = "https://www.rfc-editor.org/rfc/rfc7301#section-3.2";
    private const string S2n = "https://github.com/aws/s2n-tls/blob/main/docs/usage-guide/topics/ch06-security-policies.md";
    private const int KeyShare = (int)Outcome.KeyShare;
    private const int HelloRetry = (int)Outcome.HelloRetry;

    private static readonly CipherSuite[] Suites = Enum.GetValues<CipherSuite>();
    private static readonly NamedGroup[] Groups = Enum.GetValues<NamedGroup>();
    private static readonly SignatureScheme[] Schemes = Enum.GetValues<SignatureScheme>();
    private static readonly string[] Protocols = Enumerable.Range(0, 8).Select(i => $"proto{i}").ToArray();

    /// <summary>The four decisions, each with the rule list given (the engine's, or a mutant's).</summary>
    public static IReadOnlyList<Decision> Decisions(IReadOnlyList<SelectionRule> suite, IReadOnlyList<SelectionRule> group, IReadOnlyList<SelectionRule> alpn, IReadOnlyList<SelectionRule> scheme) =>
    [
        new("cipher suite", suite, Names(Suites), Suites.Length, 0, SuiteHolds, SuiteSpec,
            $"server: any order of any subset of the {Suites.Length} TLS 1.3 suites; client: any subset; PSK: none or either hash"),
        new("group / HelloRetryRequest", group, Names(Groups), Groups.Length, 4, GroupHolds, GroupSpec,
            $"server: any order of any subset of the {Groups.Length} named groups, up to 4 strongly preferred; client: any supported_groups and key_share subsets"),
        new("ALPN", alpn, Protocols, Protocols.Length, 0, (i, x, r) => r == Require.ClientOffers ? Offered(i, x) : i.Ctx.MkFalse(), AlpnSpec,
            $"server: any order of up to {Protocols.Length} protocols; client: any subset"),
        new("signature scheme", scheme, Names(Schemes), Schemes.Length, 0, SchemeHolds, SchemeSpec,
            $"server: any order of any subset of the {Schemes.Length} schemes; client: any subset; key: any set of schemes it can sign with"),
    ];

    private static string[] Names<T>(T[] values) where T : struct, Enum => values.Select(v => v.ToString()).ToArray();

    private static BoolExpr Offered(NegotiationInputs i, Expr x) => i.Lookup(i.Offered, x);

    private static BoolExpr Shared(NegotiationInputs i, Expr x) => i.Lookup(i.Shared, x);

    private static BoolExpr InOurs(NegotiationInputs i, Expr x) => i.InList(i.Ours, i.OursLength, x);

    /// <summary>Some item of our list satisfies <paramref name="p"/>.</summary>
    private static BoolExpr Exists(NegotiationInputs i, Func<Expr, BoolExpr> p) =>
        i.Ctx.MkOr(i.Ours.Select((x, k) => i.Ctx.MkAnd(i.Active(i.OursLength, k), p(x))).ToArray());

    /// <summary>An item before <paramref name="x"/> in our list satisfies <paramref name="p"/> (x is not the first such).</summary>
    private static BoolExpr Before(NegotiationInputs i, Expr x, Func<Expr, BoolExpr> p, bool strong = false)
    {
        var (list, length) = strong ? (i.Strong, i.StrongLength) : (i.Ours, i.OursLength);
        var cases = new List<BoolExpr> { i.Ctx.MkFalse() };
        for (int k = 0; k < list.Length; k++)
        {
            for (int j = 0; j < k; j++)
            {
                cases.Add(i.Ctx.MkAnd(i.Active(length, k), i.Ctx.MkEq(list[k], x), p(list[j])));
            }
        }

        return i.Ctx.MkOr(cases);
    }

    private static BoolExpr Implies(NegotiationInputs i, BoolExpr a, BoolExpr b) => i.Ctx.MkImplies(a, b);

    private static BoolExpr Is(NegotiationInputs i, SymbolicChoice c, int outcome) => i.Ctx.MkAnd(c.Found, i.Ctx.MkEq(c.Outcome, i.Ctx.MkInt(outcome)));

    // ---- cipher suite ----

    private static BoolExpr HashMatches(NegotiationInputs i, Expr x) => i.Ctx.MkOr(Suites.Select((s, u) =>
        i.Ctx.MkAnd(i.Ctx.MkEq(x, i.Ctx.MkInt(u)), i.Ctx.MkEq(i.PskHash, i.Ctx.MkInt(1 + Array.IndexOf(NegotiationProofs.Hashes, CipherSuiteSpec.Get(s).Hash.Name))))).ToArray());

    private static BoolExpr SuiteHolds(NegotiationInputs i, Expr x, Require r) => r switch
    {
        Require.ClientOffers => Offered(i, x),
        Require.PskHash => HashMatches(i, x),
        _ => i.Ctx.MkFalse(),
    };

    private static readonly SpecConstraint[] SuiteSpec =
    [
        new("the suite is ours and offered by the client", Rfc + "section-4.1.2",
            (i, c) => Implies(i, c.Found, i.Ctx.MkAnd(InOurs(i, c.Item), Offered(i, c.Item)))),
        new("a suite is chosen exactly when one is common (else handshake_failure)", Rfc + "section-4.1.1",
            (i, c) => i.Ctx.MkEq(c.Found, Exists(i, x => Offered(i, x)))),
        new("with a known PSK, our first common suite of its hash (the PSK stays usable)", Rfc + "section-4.2.11",
            (i, c) => Implies(i, Exists(i, x => i.Ctx.MkAnd(Offered(i, x), HashMatches(i, x))),
                i.Ctx.MkAnd(c.Found, HashMatches(i, c.Item), i.Ctx.MkNot(Before(i, c.Item, x => i.Ctx.MkAnd(Offered(i, x), HashMatches(i, x))))))),
        new("otherwise server preference: no common suite precedes the choice in our order", S2n,
            (i, c) => Implies(i, i.Ctx.MkNot(Exists(i, x => i.Ctx.MkAnd(Offered(i, x), HashMatches(i, x)))), i.Ctx.MkNot(Before(i, c.Item, x => Offered(i, x))))),
    ];

    // ---- group / HelloRetryRequest ----

    private static int[] Where(Func<NamedGroup, bool> p) => Enumerable.Range(0, Groups.Length).Where(u => p(Groups[u])).ToArray();

    private static BoolExpr Supported(NegotiationInputs i, Expr x) => i.Among(x, Where(Tls.Crypto.KeyShare.IsSupported));

    private static BoolExpr Kem(NegotiationInputs i, Expr x) => i.Among(x, Where(Tls.Crypto.KeyShare.IsKem));

    /// <summary>Ours, offered in supported_groups, and implemented by the engine.</summary>
    private static BoolExpr Mutual(NegotiationInputs i, Expr x) => i.Ctx.MkAnd(InOurs(i, x), Offered(i, x), Supported(i, x));

    private static BoolExpr StrongUnshared(NegotiationInputs i, Expr x) => i.Ctx.MkAnd(Mutual(i, x), i.Ctx.MkNot(Shared(i, x)));

    private static BoolExpr AnyStrongUnshared(NegotiationInputs i) =>
        i.Ctx.MkOr(i.Strong.Select((x, k) => i.Ctx.MkAnd(i.Active(i.StrongLength, k), StrongUnshared(i, x))).ToArray());

    private static BoolExpr GroupHolds(NegotiationInputs i, Expr x, Require r) => r switch
    {
        Require.ClientOffers => Offered(i, x),
        Require.Configured => InOurs(i, x),
        Require.EngineSupports => Supported(i, x),
        Require.ClientShared => Shared(i, x),
        Require.NotShared => i.Ctx.MkNot(Shared(i, x)),
        Require.Kem => Kem(i, x),
        _ => i.Ctx.MkFalse(),
    };

    private static readonly SpecConstraint[] GroupSpec =
    [
        new("the group is ours, in the client's supported_groups, and implemented", Rfc + "section-4.2.8",
            (i, c) => Implies(i, c.Found, Mutual(i, c.Item))),
        new("a ServerHello share answers a client share of the same group", Rfc + "section-2",
            (i, c) => Implies(i, Is(i, c, KeyShare), Shared(i, c.Item))),
        new("a HelloRetryRequest never names a group the client already shared", Rfc + "section-4.1.4",
            (i, c) => Implies(i, Is(i, c, HelloRetry), i.Ctx.MkNot(Shared(i, c.Item)))),
        new("a group is chosen exactly when one is mutual (else handshake_failure)", Rfc + "section-4.1.1",
            (i, c) => i.Ctx.MkEq(c.Found, Exists(i, x => Mutual(i, x)))),
        new("HelloRetryRequest when no usable share exists but a mutual group does", Rfc + "section-4.1.1",
            (i, c) => Implies(i, i.Ctx.MkAnd(Exists(i, x => Mutual(i, x)), i.Ctx.MkNot(Exists(i, x => i.Ctx.MkAnd(Mutual(i, x), Shared(i, x))))), Is(i, c, HelloRetry))),
        new("s2n: a PQ-capable client is never downgraded (a mutual ML-KEM group wins)", S2n,
            (i, c) => Implies(i, Exists(i, x => i.Ctx.MkAnd(Mutual(i, x), Kem(i, x))), i.Ctx.MkAnd(c.Found, Kem(i, c.Item)))),
        new("s2n: among ML-KEM groups, our first shared one, else a HelloRetryRequest for our first", S2n,
            (i, c) => i.Ctx.MkAnd(
                Implies(i, i.Ctx.MkAnd(Is(i, c, KeyShare), Kem(i, c.Item)), i.Ctx.MkNot(Before(i, c.Item, x => i.Ctx.MkAnd(Mutual(i, x), Kem(i, x), Shared(i, x))))),
                Implies(i, i.Ctx.MkAnd(Is(i, c, HelloRetry), Kem(i, c.Item)), i.Ctx.MkAnd(
                    i.Ctx.MkNot(Exists(i, x => i.Ctx.MkAnd(Mutual(i, x), Kem(i, x), Shared(i, x)))),
                    i.Ctx.MkNot(Before(i, c.Item, x => i.Ctx.MkAnd(Mutual(i, x), Kem(i, x)))))))),
        new("s2n: without ML-KEM, a strongly preferred mutual group the client did not share is requested (first in that list)", S2n,
            (i, c) => Implies(i, i.Ctx.MkAnd(i.Ctx.MkNot(Exists(i, x => i.Ctx.MkAnd(Mutual(i, x), Kem(i, x)))), AnyStrongUnshared(i)),
                i.Ctx.MkAnd(Is(i, c, HelloRetry), i.InList(i.Strong, i.StrongLength, c.Item), StrongUnshared(i, c.Item),
                    i.Ctx.MkNot(Before(i, c.Item, x => StrongUnshared(i, x), strong: true))))),
        new("s2n: otherwise server preference: our first shared mutual group, else a HelloRetryRequest for our first mutual group", S2n,
            (i, c) => Implies(i, i.Ctx.MkAnd(i.Ctx.MkNot(Exists(i, x => i.Ctx.MkAnd(Mutual(i, x), Kem(i, x)))), i.Ctx.MkNot(AnyStrongUnshared(i))), i.Ctx.MkAnd(
                Implies(i, Is(i, c, KeyShare), i.Ctx.MkNot(Before(i, c.Item, x => i.Ctx.MkAnd(Mutual(i, x), Shared(i, x))))),
                Implies(i, Is(i, c, HelloRetry), i.Ctx.MkAnd(
                    i.Ctx.MkNot(Exists(i, x => i.Ctx.MkAnd(Mutual(i, x), Shared(i, x)))), i.Ctx.MkNot(Before(i, c.Item, x => Mutual(i, x)))))))),
    ];

    // ---- ALPN ----

    private static readonly SpecConstraint[] AlpnSpec =
    [
        new("the protocol is ours and offered by the client", Alpn,
            (i, c) => Implies(i, c.Found, i.Ctx.MkAnd(InOurs(i, c.Item), Offered(i, c.Item)))),
        new("a protocol is chosen exactly when one is common (s2n: no overlap means no ALPN, not an alert)", Alpn,
            (i, c) => i.Ctx.MkEq(c.Found, Exists(i, x => Offered(i, x)))),
        new("server preference: no common protocol precedes the choice in our order", S2n,
            (i, c) => i.Ctx.MkNot(Before(i, c.Item, x => Offered(i, x)))),
    ];

    // ---- signature scheme ----

    private static BoolExpr SchemeHolds(NegotiationInputs i, Expr x, Require r) => r switch
    {
        Require.ClientOffers => Offered(i, x),
        Require.KeyCanSign => i.Lookup(i.KeyCanSign, x),
        _ => i.Ctx.MkFalse(),
    };

    private static BoolExpr Usable(NegotiationInputs i, Expr x) => i.Ctx.MkAnd(Offered(i, x), i.Lookup(i.KeyCanSign, x));

    private static readonly SpecConstraint[] SchemeSpec =
    [
        new("the scheme is ours, in the client's signature_algorithms, and the key can sign with it", Rfc + "section-4.4.2.2",
            (i, c) => Implies(i, c.Found, i.Ctx.MkAnd(InOurs(i, c.Item), Usable(i, c.Item)))),
        new("a scheme is chosen exactly when one is usable (else no certificate qualifies)", Rfc + "section-4.2.3",
            (i, c) => i.Ctx.MkEq(c.Found, Exists(i, x => Usable(i, x)))),
        new("our preference: no usable scheme precedes the choice in our order", Rfc + "section-4.4.3",
            (i, c) => i.Ctx.MkNot(Before(i, c.Item, x => Usable(i, x)))),
    ];
}
