namespace Reference.Tls;

/// <summary>
/// C s2n-tls's security policies by name, with s2n's preference lists (tls/s2n_security_policies.c and
/// the cipher, ECC, KEM and signature preference files of the s2n-tls release bundled with aws-crt
/// 1.33.2), checked against the ClientHello that library sends. Names match case-insensitively, as in s2n.
/// </summary>
public static class SecurityPolicies
{
    private static readonly ushort[] Tls13AndTls12 = [0x0304, 0x0303];

    // Cipher suite lists (IANA code points, s2n's order).
    private static readonly ushort[] Cipher20251014 = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02c, 0xc02f, 0xc030];
    private static readonly ushort[] CloudfrontTls12_2019 = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc024, 0xc028, 0xc023, 0xc027];
    private static readonly ushort[] Cipher20251015 = [0x1301, 0x1302, 0xc02b, 0xc02c, 0xc02f, 0xc030];
    private static readonly ushort[] Cipher20190801 = [0x1302, 0x1301, 0x1303, 0xc02f, 0xc030, 0xcca8, 0xc013, 0xc027, 0xc014, 0x009c, 0x003c, 0x002f];
    private static readonly ushort[] Cipher20230317 = [0xc02b, 0xc02c, 0xc023, 0xc024, 0xc02f, 0xc030, 0xc027, 0xc028, 0x1301, 0x1302];
    private static readonly ushort[] Cipher20251013 = [0xc02c, 0xc030, 0x1302];
    private static readonly ushort[] Cipher20250211 = [0x1302];
    private static readonly ushort[] Cipher20251115 =
        [0x1302, 0x1301, 0xc02c, 0xc030, 0xc024, 0xc028, 0xc00a, 0xc014, 0xc02b, 0xc02f, 0xc023, 0xc027, 0xc009, 0xc013, 0x009d, 0x003d, 0x0035, 0x009c, 0x003c, 0x002f];

    // Group lists.
    private static readonly NamedGroup[] KemIetf2025_07 = [NamedGroup.X25519MlKem768, NamedGroup.SecP256r1MlKem768, NamedGroup.SecP384r1MlKem1024];
    private static readonly NamedGroup[] KemCnsa2 = [NamedGroup.MlKem1024];
    private static readonly NamedGroup[] Ecc20240501 = [NamedGroup.Secp256r1, NamedGroup.X25519, NamedGroup.Secp384r1, NamedGroup.Secp521r1];
    private static readonly NamedGroup[] Ecc20201021 = [NamedGroup.Secp256r1, NamedGroup.Secp384r1, NamedGroup.Secp521r1];
    private static readonly NamedGroup[] Ecc20200310 = [NamedGroup.X25519, NamedGroup.Secp256r1, NamedGroup.Secp384r1];
    private static readonly NamedGroup[] Ecc20210816 = [NamedGroup.Secp384r1];
    private static readonly NamedGroup[] Ecc20251113 = [NamedGroup.Secp384r1, NamedGroup.Secp256r1, NamedGroup.Secp521r1];

    // Signature scheme lists.
    private static readonly ushort[] Sig20240501 = [0x0403, 0x0503, 0x0603, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601];
    private static readonly ushort[] Sig20250512 = [0x0904, 0x0905, 0x0906, .. Sig20240501];
    private static readonly ushort[] Sig20200207 = [0x0809, 0x080a, 0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0301, 0x0403, 0x0503, 0x0603, 0x0303, 0x0201, 0x0203];
    private static readonly ushort[] Sig20230317 = [0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0603, 0x0809, 0x080a, 0x080b];
    private static readonly ushort[] Sig20250429 = [0x0503, 0x080a, 0x0805, 0x0501];
    private static readonly ushort[] Sig20260220 = [0x0906, 0x0503, 0x080a, 0x0805, 0x0501];
    private static readonly ushort[] Sig20260722 = [0x0906, 0x0503, 0x080a, 0x0805, 0x0501, 0x0403, 0x0809, 0x0804, 0x0401, 0x0603, 0x080b, 0x0806, 0x0601];

    private static readonly SecurityPolicy P20251014 = new()
    {
        Name = "20251014", WireCipherSuites = Cipher20251014, KemGroups = KemIetf2025_07, Curves = Ecc20240501,
        SignatureSchemes = Sig20240501, SupportedVersions = Tls13AndTls12,
    };

    private static readonly SecurityPolicy P20240503 = new()
    {
        Name = "20240503", WireCipherSuites = CloudfrontTls12_2019, Curves = Ecc20240501,
        SignatureSchemes = Sig20240501, SupportedVersions = Tls13AndTls12,
    };

    private static readonly SecurityPolicy P20251015 = new()
    {
        Name = "20251015", WireCipherSuites = Cipher20251015, KemGroups = KemIetf2025_07, Curves = Ecc20201021,
        SignatureSchemes = Sig20240501, SupportedVersions = Tls13AndTls12,
    };

    private static readonly SecurityPolicy P20250721 = new()
    {
        Name = "20250721", WireCipherSuites = CloudfrontTls12_2019, KemGroups = KemIetf2025_07, Curves = Ecc20240501,
        SignatureSchemes = Sig20250512, SupportedVersions = Tls13AndTls12,
    };

    private static readonly SecurityPolicy P20190801 = new()
    {
        Name = "20190801", WireCipherSuites = Cipher20190801, Curves = Ecc20200310,
        SignatureSchemes = Sig20200207, SupportedVersions = [0x0304, 0x0303, 0x0302, 0x0301],
    };

    private static readonly SecurityPolicy P20230317 = new()
    {
        Name = "20230317", WireCipherSuites = Cipher20230317, Curves = Ecc20201021,
        SignatureSchemes = Sig20230317, SupportedVersions = Tls13AndTls12,
    };

    private static readonly SecurityPolicy P20251013 = new()
    {
        Name = "20251013", WireCipherSuites = Cipher20251013, Curves = Ecc20210816,
        SignatureSchemes = Sig20250429, SupportedVersions = Tls13AndTls12,
    };

    private static readonly SecurityPolicy P20260720 = new()
    {
        Name = "20260720", WireCipherSuites = Cipher20250211, KemGroups = KemCnsa2, Curves = Ecc20210816,
        SignatureSchemes = Sig20260220, SupportedVersions = [0x0304],
    };

    private static readonly SecurityPolicy P20260722 = new()
    {
        Name = "20260722", WireCipherSuites = Cipher20251115, KemGroups = KemCnsa2, Curves = Ecc20251113,
        SignatureSchemes = Sig20260722, SupportedVersions = Tls13AndTls12, StronglyPreferredGroups = [NamedGroup.Secp384r1],
    };

    private static readonly Dictionary<string, SecurityPolicy> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["default"] = P20251014 with { Name = "default" },
        ["20251014"] = P20251014,
        ["default_tls13"] = P20240503 with { Name = "default_tls13" },
        ["20240503"] = P20240503,
        ["default_fips"] = P20251015 with { Name = "default_fips" },
        ["20251015"] = P20251015,
        ["default_pq"] = P20250721 with { Name = "default_pq" },
        ["20250721"] = P20250721,
        ["20190801"] = P20190801,
        ["20230317"] = P20230317,
        ["rfc9151"] = P20251013 with { Name = "rfc9151" },
        ["cnsa_1"] = P20251013 with { Name = "cnsa_1" },
        ["20251013"] = P20251013,
        ["20260720"] = P20260720,
        ["20260722"] = P20260722,
    };

    /// <summary>The names this engine knows.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>The policy called <paramref name="name"/>; an unknown name is a Usage error, as in s2n.</summary>
    public static SecurityPolicy Get(string name) =>
        ByName.TryGetValue(name, out var policy)
            ? policy
            : throw TlsErrors.Usage($"unknown security policy \"{name}\" (known: {string.Join(", ", ByName.Keys)})");
}
