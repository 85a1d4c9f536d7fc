using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Wire;

namespace Reference.Tls.Tests.Properties;

/// <summary>Generators of valid handshake messages and extension values, and a readable shape for comparing them.</summary>
internal static class MessageGenerators
{
    public static Gen<byte[]> Bytes(int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), n));

    public static Gen<ushort> U16 => Gen.Choose(0, 0xFFFF).Select(i => (ushort)i);

    /// <summary>Extensions allowed in <paramref name="context"/>, unique by type; unknown types included.</summary>
    public static Gen<List<Extension>> ExtensionsGen(ExtensionContext context)
    {
        var allowed = ExtensionBlock.AllowedIn.Where(kv => (kv.Value & context) != 0).Select(kv => kv.Key).ToList();
        var unknown = Gen.Choose(0x7A00, 0x7AFF).Select(i => (ExtensionType)i);
        var type = allowed.Count > 0 ? Gen.OneOf(Gen.Elements<ExtensionType>((IEnumerable<ExtensionType>)allowed), unknown) : unknown;
        var one = Gen.Zip(type, Bytes(0, 24)).Select(t => new Extension(t.Item1, t.Item2));
        return Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(one, n))
            .Select(list => list.DistinctBy(e => e.Type).ToList());
    }

    public static Gen<ClientHello> ClientHelloGen =>
        from random in Bytes(32, 32)
        from sid in Bytes(0, 32)
        from suites in Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(U16, n))
        from compression in Bytes(1, 4)
        from ext in ExtensionsGen(ExtensionContext.ClientHello)
        select new ClientHello
        {
            Random = random, LegacySessionId = sid, CipherSuites = [.. suites],
            LegacyCompressionMethods = compression, Extensions = ext,
        };

    public static Gen<ServerHello> ServerHelloGen =>
        from hrr in Gen.Elements(false, true)
        from random in Bytes(32, 32)
        from sid in Bytes(0, 32)
        from suite in U16
        from compression in Gen.Choose(0, 255)
        from ext in ExtensionsGen(hrr ? ExtensionContext.HelloRetryRequest : ExtensionContext.ServerHello)
        select new ServerHello
        {
            Random = hrr ? global::Reference.Tls.Handshake.Messages.ServerHello.HelloRetryRequestRandom : random,
            LegacySessionIdEcho = sid, CipherSuite = suite, LegacyCompressionMethod = (byte)compression, Extensions = ext,
        };

    public static Gen<EncryptedExtensions> EncryptedExtensionsGen =>
        ExtensionsGen(ExtensionContext.EncryptedExtensions).Select(e => new EncryptedExtensions { Extensions = e });

    public static Gen<CertificateRequest> CertificateRequestGen =>
        Gen.Zip(Bytes(0, 16), ExtensionsGen(ExtensionContext.CertificateRequest))
            .Select(t => new CertificateRequest { Context = t.Item1, Extensions = t.Item2 });

    public static Gen<CertificateMessage> CertificateGen =>
        from context in Bytes(0, 8)
        from entries in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(CertificateEntryGen, n))
        select new CertificateMessage { Context = context, Entries = [.. entries] };

    private static Gen<CertificateEntry> CertificateEntryGen =>
        Gen.Zip(Bytes(1, 64), ExtensionsGen(ExtensionContext.Certificate)).Select(t => new CertificateEntry(t.Item1, t.Item2));

    public static Gen<CertificateVerifyMessage> CertificateVerifyGen =>
        Gen.Zip(U16, Bytes(1, 128)).Select(t => new CertificateVerifyMessage((SignatureScheme)t.Item1, t.Item2));

    public static Gen<global::Reference.Tls.Extensions.KeyShareEntry> KeyShareEntryGen =>
        Gen.Zip(U16, Bytes(1, 97)).Select(t => new global::Reference.Tls.Extensions.KeyShareEntry((NamedGroup)t.Item1, t.Item2));

    public static Gen<string> HostNameGen =>
        Gen.Choose(1, 40).SelectMany(n => Gen.ArrayOf(Gen.Choose(0x21, 0x7E).Select(c => (char)c), n)).Select(c => new string(c));

    public static Gen<string> AlpnProtocolGen =>
        Gen.Choose(1, 20).SelectMany(n => Gen.ArrayOf(Gen.Choose('a', 'z').Select(c => (char)c), n)).Select(c => new string(c));

    /// <summary>Serialises with a message's Write method.</summary>
    public static byte[] Serialize(Action<TlsWriter> write)
    {
        var w = new TlsWriter(256);
        write(w);
        return w.ToArray();
    }

    /// <summary>A readable rendering used for equality, so a failing case shows both sides in full.</summary>
    public static string Shape(IEnumerable<Extension> extensions) =>
        string.Join(",", extensions.Select(e => $"{(ushort)e.Type:X4}:{Convert.ToHexString(e.Data)}"));

    public static string Shape(ClientHello m) =>
        $"CH v={m.LegacyVersion:X4} r={Convert.ToHexString(m.Random)} sid={Convert.ToHexString(m.LegacySessionId)} " +
        $"cs=[{string.Join(",", m.CipherSuites.Select(s => s.ToString("X4")))}] comp={Convert.ToHexString(m.LegacyCompressionMethods)} ext=[{Shape(m.Extensions)}]";

    public static string Shape(ServerHello m) =>
        $"SH v={m.LegacyVersion:X4} r={Convert.ToHexString(m.Random)} sid={Convert.ToHexString(m.LegacySessionIdEcho)} " +
        $"cs={m.CipherSuite:X4} comp={m.LegacyCompressionMethod} hrr={m.IsHelloRetryRequest} ext=[{Shape(m.Extensions)}]";

    public static string Shape(CertificateMessage m) =>
        $"CT ctx={Convert.ToHexString(m.Context)} " + string.Join(";", m.Entries.Select(e => $"{Convert.ToHexString(e.Data)}/[{Shape(e.Extensions)}]"));

    public static string Shape(CertificateRequest m) => $"CR ctx={Convert.ToHexString(m.Context)} ext=[{Shape(m.Extensions)}]";

    public static string Shape(IEnumerable<KeyShareEntry> entries) =>
        string.Join(",", entries.Select(e => $"{(ushort)e.Group:X4}:{Convert.ToHexString(e.KeyExchange)}"));

    public static string Ascii(byte[] b) => Encoding.ASCII.GetString(b);
}
