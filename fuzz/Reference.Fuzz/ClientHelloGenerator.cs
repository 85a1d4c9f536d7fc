using System.Text;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Wire;

namespace Reference.Fuzz;

/// <summary>
/// Makes ClientHello bodies (no handshake header) for the differential: well-formed ones with random
/// suites, session ids and extensions (known and unknown types, valid bodies), and mutations of those
/// and of seed corpora (bit flips, byte edits, truncation, insertion, length tweaks, structural edits).
/// </summary>
internal sealed class ClientHelloGenerator(int seed, IReadOnlyList<byte[]>? seeds = null)
{
    private static readonly ushort[] KnownSuites = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0xC02B, 0xC02F, 0x009C, 0x00FF];
    private static readonly ushort[] Groups = [0x001D, 0x0017, 0x0018, 0x0019, 0x001E, 0x0100, 0x11EC, 0x6399];
    private static readonly ushort[] Schemes = [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807, 0x0401, 0x0201];

    private readonly Random _random = new(seed);
    private readonly IReadOnlyList<byte[]> _seeds = seeds ?? [];

    /// <summary>Roughly one in four is left valid; the rest are mutated once to a few times.</summary>
    public byte[] Next()
    {
        byte[] body = _seeds.Count > 0 && _random.Next(4) == 0 ? _seeds[_random.Next(_seeds.Count)] : Valid();
        int mutations = _random.Next(4) == 0 ? 0 : 1 + _random.Next(3);
        for (int i = 0; i < mutations; i++)
        {
            body = Mutate(body);
        }

        return body;
    }

    public byte[] Valid()
    {
        var hello = new ClientHello
        {
            LegacyVersion = _random.Next(8) == 0 ? (ushort)_random.Next(0x0300, 0x0305) : ProtocolVersion.Tls12,
            Random = Bytes(32),
            LegacySessionId = Bytes(_random.Next(3) switch { 0 => 0, 1 => 32, _ => _random.Next(33) }),
            CipherSuites = Pick(KnownSuites, 1 + _random.Next(6)),
            Extensions = Extensions(),
        };
        var w = new TlsWriter(512);
        hello.Write(w);
        return w.ToArray();
    }

    private List<Extension> Extensions()
    {
        var list = new List<Extension>();
        void Add(ExtensionType type, byte[] data)
        {
            if (!list.Exists(e => e.Type == type))
            {
                list.Add(new Extension(type, data));
            }
        }

        int count = _random.Next(10);
        for (int i = 0; i < count; i++)
        {
            switch (_random.Next(9))
            {
                case 0: Add(ExtensionType.SupportedVersions, SupportedVersionsExtension.EncodeClient([0x0304, 0x0303])); break;
                case 1: Add(ExtensionType.SupportedGroups, U16ListExtension.Encode(Pick(Groups, 1 + _random.Next(4)).Select(g => (NamedGroup)g).ToList())); break;
                case 2: Add(ExtensionType.SignatureAlgorithms, U16ListExtension.Encode(Pick(Schemes, 1 + _random.Next(5)).Select(s => (SignatureScheme)s).ToList())); break;
                case 3: Add(ExtensionType.KeyShare, KeyShareExtension.EncodeClient([new KeyShareEntry(NamedGroup.X25519, Bytes(32))])); break;
                case 4: Add(ExtensionType.ServerName, ServerNameExtension.Encode(HostName())); break;
                case 5: Add(ExtensionType.ApplicationLayerProtocolNegotiation, AlpnExtension.Encode(["h2", "http/1.1"])); break;
                case 6: Add(ExtensionType.PskKeyExchangeModes, [1, 1]); break;
                case 7: Add(ExtensionType.Cookie, CookieExtension.Encode(Bytes(1 + _random.Next(40)))); break;
                default: Add((ExtensionType)(0x7A00 + _random.Next(64)), Bytes(_random.Next(8))); break;
            }
        }

        return list;
    }

    private string HostName()
    {
        var sb = new StringBuilder();
        int length = 1 + _random.Next(20);
        for (int i = 0; i < length; i++)
        {
            sb.Append((char)('a' + _random.Next(26)));
        }

        return sb.Append(".example").ToString();
    }

    private byte[] Mutate(byte[] body)
    {
        if (body.Length == 0)
        {
            return Bytes(1 + _random.Next(8));
        }

        var b = body.ToList();
        int at = _random.Next(b.Count);
        switch (_random.Next(9))
        {
            case 0: b[at] ^= (byte)(1 << _random.Next(8)); break;
            case 1: b[at] = (byte)_random.Next(256); break;
            case 2: b.RemoveRange(at, Math.Min(b.Count - at, 1 + _random.Next(4))); break;
            case 3: b.InsertRange(at, Bytes(1 + _random.Next(4))); break;
            case 4: return body[.._random.Next(body.Length)];
            case 5: return [.. body, .. Bytes(1 + _random.Next(3))];
            case 6: b[at] = (byte)(b[at] + (_random.Next(2) == 0 ? 1 : -1)); break;
            case 7: return StructuralEdit(body);
            default: b[at] = _random.Next(2) == 0 ? (byte)0 : (byte)0xFF; break;
        }

        return [.. b];
    }

    /// <summary>Edits that keep the syntax but break a rule: empty compression, duplicate or misplaced extension.</summary>
    private byte[] StructuralEdit(byte[] body)
    {
        ClientHello hello;
        try
        {
            hello = ClientHello.Parse(body);
        }
        catch (TlsException)
        {
            return body;
        }

        var extensions = hello.Extensions.ToList();
        byte[] compression = hello.LegacyCompressionMethods;
        switch (_random.Next(3))
        {
            case 0: compression = _random.Next(2) == 0 ? [] : [0, 1]; break;
            case 1 when extensions.Count > 0: extensions.Add(extensions[_random.Next(extensions.Count)]); break;
            default: extensions.Add(new Extension(ExtensionType.OidFilters, Bytes(_random.Next(4)))); break;
        }

        var copy = new ClientHello
        {
            LegacyVersion = hello.LegacyVersion, Random = hello.Random, LegacySessionId = hello.LegacySessionId,
            CipherSuites = hello.CipherSuites, LegacyCompressionMethods = compression, Extensions = extensions,
        };
        var w = new TlsWriter(body.Length + 16);
        copy.Write(w);
        return w.ToArray();
    }

    private List<ushort> Pick(ushort[] from, int count) =>
        Enumerable.Range(0, count).Select(_ => from[_random.Next(from.Length)]).Distinct().ToList();

    private byte[] Bytes(int count)
    {
        var b = new byte[count];
        _random.NextBytes(b);
        return b;
    }
}
