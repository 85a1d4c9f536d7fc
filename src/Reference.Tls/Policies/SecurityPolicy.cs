namespace Reference.Tls;

/// <summary>
/// A named set of preferences, as C s2n-tls defines its security policies: cipher suites, groups and
/// signature schemes in preference order, plus what its ClientHello advertises beyond TLS 1.3. Choose
/// one with <see cref="SecurityPolicies.Get"/> and <see cref="TlsConfig.FromPolicy(SecurityPolicy)"/>.
/// </summary>
public sealed record SecurityPolicy
{
    /// <summary>s2n's name for the policy (e.g. "default_tls13", "20190801").</summary>
    public required string Name { get; init; }

    /// <summary>Every cipher suite code point the ClientHello lists, in s2n's order (TLS 1.2 ones included).</summary>
    public required IReadOnlyList<ushort> WireCipherSuites { get; init; }

    /// <summary>ML-KEM groups (hybrid or pure) in preference order; s2n prefers these over curves.</summary>
    public IReadOnlyList<NamedGroup> KemGroups { get; init; } = [];

    /// <summary>Elliptic curves in preference order.</summary>
    public required IReadOnlyList<NamedGroup> Curves { get; init; }

    /// <summary>signature_algorithms as sent, in preference order (including schemes TLS 1.3 cannot use).</summary>
    public required IReadOnlyList<ushort> SignatureSchemes { get; init; }

    /// <summary>Versions the ClientHello's supported_versions lists, highest first.</summary>
    public required IReadOnlyList<ushort> SupportedVersions { get; init; }

    /// <summary>Groups a server insists on through HelloRetryRequest when mutually supported (s2n's strongly_preferred_groups).</summary>
    public IReadOnlyList<NamedGroup> StronglyPreferredGroups { get; init; } = [];

    /// <summary>The TLS 1.3 cipher suites, in the policy's order.</summary>
    public IReadOnlyList<CipherSuite> Tls13CipherSuites =>
        WireCipherSuites.Where(c => c is >= 0x1301 and <= 0x1303).Select(c => (CipherSuite)c).ToList();

    /// <summary>supported_groups order: ML-KEM groups first, then curves.</summary>
    public IReadOnlyList<NamedGroup> Groups => [.. KemGroups, .. Curves];

    /// <summary>True when the ClientHello also offers TLS 1.2 suites (then s2n appends the renegotiation SCSV).</summary>
    internal bool OffersTls12Suites => WireCipherSuites.Any(c => c is < 0x1301 or > 0x1303);
}
