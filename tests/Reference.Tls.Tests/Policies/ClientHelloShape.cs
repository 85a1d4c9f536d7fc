using Reference.Tls.Wire;

namespace Reference.Tls.Tests.Policies;

/// <summary>
/// A ClientHello record reduced to what must match C s2n-tls's byte for byte: everything except the
/// random, the session id bytes and the key_exchange values (fresh randomness on both sides: the bundled
/// s2n ignores s2n_rand_set_callbacks), whose lengths are kept.
/// </summary>
internal static class ClientHelloShape
{
    public static string Describe(ReadOnlySpan<byte> record)
    {
        var lines = new List<string> { $"record {Convert.ToHexString(record[..3])}" };
        var r = new TlsReader(record[5..]);
        lines.Add($"handshake type {r.ReadU8()}");
        r.ReadU24();
        lines.Add($"legacy_version {r.ReadU16():x4}");
        r.ReadBytes(32);
        lines.Add($"session id {r.ReadVector8().Length} bytes");
        lines.Add($"cipher suites {Convert.ToHexString(r.ReadVector16())}");
        lines.Add($"compression {Convert.ToHexString(r.ReadVector8())}");
        var extensions = r.Sub16();
        while (!extensions.IsEmpty)
        {
            var type = (ExtensionType)extensions.ReadU16();
            var data = extensions.ReadVector16();
            lines.Add(type == ExtensionType.KeyShare ? $"{type} {MaskKeyShares(data)}" : $"{type} {Convert.ToHexString(data)}");
        }

        r.ExpectEnd("ClientHello");
        return string.Join('\n', lines);
    }

    private static string MaskKeyShares(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        var list = r.Sub16();
        var entries = new List<string>();
        while (!list.IsEmpty)
        {
            var group = list.ReadU16();
            entries.Add($"{group:x4}:{list.ReadVector16().Length} bytes");
        }

        return string.Join(", ", entries);
    }
}
