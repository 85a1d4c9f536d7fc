using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Reference.Tls.Wire;

namespace Reference.Tls.Extensions;

//= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
//# In the absence of an application profile standard specifying
//# otherwise, a TLS-compliant application MUST implement the following
//# TLS extensions:
// supported_versions, signature_algorithms (and signature_algorithms_cert, read by CertificateSelection),
// supported_groups, key_share, server_name and cookie each have their codec in this file.

/// <summary>supported_versions (RFC 8446 §4.2.1): a list in ClientHello, one version in ServerHello/HRR.</summary>
internal static class SupportedVersionsExtension
{
    public static byte[] EncodeClient(IReadOnlyList<ushort> versions)
    {
        var encoded = new byte[1 + (2 * versions.Count)];
        encoded[0] = checked((byte)(2 * versions.Count));
        for (int i = 0; i < versions.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(encoded.AsSpan(1 + (2 * i)), versions[i]);
        }

        return encoded;
    }

    public static List<ushort> DecodeClient(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        var list = r.Sub8(2, 254);
        r.ExpectEnd("supported_versions");
        var versions = new List<ushort>();
        while (!list.IsEmpty)
        {
            versions.Add(list.ReadU16());
        }

        return versions;
    }

    public static byte[] EncodeServer(ushort version) => [(byte)(version >> 8), (byte)version];

    public static ushort DecodeServer(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        var v = r.ReadU16();
        r.ExpectEnd("supported_versions");
        return v;
    }
}

/// <summary>A u16-prefixed list of u16 code points: supported_groups (§4.2.7), signature_algorithms (§4.2.3).</summary>
internal static class U16ListExtension
{
    // Written straight into the exact array: no writer, no copy, and no boxing of each enum value.
    public static byte[] Encode<T>(IReadOnlyList<T> values) where T : struct, Enum
    {
        if (Unsafe.SizeOf<T>() != sizeof(ushort))
        {
            throw TlsErrors.Internal($"{typeof(T).Name} is not a u16 code point");
        }

        var encoded = new byte[2 + (2 * values.Count)];
        BinaryPrimitives.WriteUInt16BigEndian(encoded, checked((ushort)(2 * values.Count)));
        for (int i = 0; i < values.Count; i++)
        {
            T value = values[i];
            BinaryPrimitives.WriteUInt16BigEndian(encoded.AsSpan(2 + (2 * i)), Unsafe.As<T, ushort>(ref value));
        }

        return encoded;
    }

    public static List<ushort> Decode(ReadOnlySpan<byte> data, string name)
    {
        var r = new TlsReader(data);
        var list = r.Sub16(2, 0xFFFE);
        r.ExpectEnd(name);
        if (list.Remaining % 2 != 0)
        {
            throw TlsErrors.Decode($"{name} list has an odd length");
        }

        var values = new List<ushort>(list.Remaining / 2);
        while (!list.IsEmpty)
        {
            values.Add(list.ReadU16());
        }

        return values;
    }
}

internal readonly record struct KeyShareEntry(NamedGroup Group, byte[] KeyExchange);

/// <summary>key_share (RFC 8446 §4.2.8): a list in ClientHello, one entry in ServerHello, a group in HRR.</summary>
internal static class KeyShareExtension
{
    public static byte[] EncodeClient(IEnumerable<KeyShareEntry> entries)
    {
        var w = new TlsWriter(128);
        var m = w.BeginVector(2);
        foreach (var e in entries)
        {
            WriteEntry(w, e);
        }

        w.EndVector(m);
        return w.ToArray();
    }

    public static List<KeyShareEntry> DecodeClient(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        var list = r.Sub16();
        r.ExpectEnd("key_share");
        var entries = new List<KeyShareEntry>();
        while (!list.IsEmpty)
        {
            entries.Add(ReadEntry(ref list));
        }

        return entries;
    }

    public static byte[] EncodeServer(KeyShareEntry entry)
    {
        var w = new TlsWriter(4 + entry.KeyExchange.Length);
        WriteEntry(w, entry);
        return w.ToArray();
    }

    public static KeyShareEntry DecodeServer(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        var e = ReadEntry(ref r);
        r.ExpectEnd("key_share");
        return e;
    }

    public static byte[] EncodeHelloRetry(NamedGroup group) => [(byte)((ushort)group >> 8), (byte)group];

    public static NamedGroup DecodeHelloRetry(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        var g = (NamedGroup)r.ReadU16();
        r.ExpectEnd("key_share");
        return g;
    }

    private static void WriteEntry(TlsWriter w, KeyShareEntry e)
    {
        w.WriteU16((ushort)e.Group);
        w.WriteVector16(e.KeyExchange);
    }

    private static KeyShareEntry ReadEntry(ref TlsReader r)
    {
        var group = (NamedGroup)r.ReadU16();
        return new KeyShareEntry(group, r.ReadVector16(1).ToArray());
    }
}

/// <summary>server_name (RFC 6066 §3): the client's list holds one host_name; the server's answer is empty.</summary>
internal static class ServerNameExtension
{
    private const byte HostNameType = 0;

    public static byte[] Encode(string hostName)
    {
        var name = Encoding.ASCII.GetBytes(hostName);
        var w = new TlsWriter(5 + name.Length);
        var m = w.BeginVector(2);
        w.WriteU8(HostNameType);
        w.WriteVector16(name);
        w.EndVector(m);
        return w.ToArray();
    }

    public static string? Decode(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        var list = r.Sub16(1);
        r.ExpectEnd("server_name");
        string? host = null;
        while (!list.IsEmpty)
        {
            var type = list.ReadU8();
            var name = list.ReadVector16(1);
            if (type == HostNameType && host is null)
            {
                host = DecodeHostName(name);
            }
        }

        return host;
    }

    private static string DecodeHostName(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (b is < 0x21 or > 0x7E)
            {
                throw TlsErrors.Decode("server_name host_name is not printable ASCII");
            }
        }

        return Encoding.ASCII.GetString(name);
    }
}

/// <summary>application_layer_protocol_negotiation (RFC 7301 §3.1).</summary>
internal static class AlpnExtension
{
    public static byte[] Encode(IReadOnlyList<string> protocols)
    {
        var w = new TlsWriter(64);
        var m = w.BeginVector(2);
        foreach (var p in protocols)
        {
            w.WriteVector8(Encoding.UTF8.GetBytes(p));
        }

        w.EndVector(m);
        return w.ToArray();
    }

    public static List<string> Decode(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        var list = r.Sub16(2);
        r.ExpectEnd("application_layer_protocol_negotiation");
        var protocols = new List<string>();
        while (!list.IsEmpty)
        {
            protocols.Add(Encoding.UTF8.GetString(list.ReadVector8(1)));
        }

        return protocols;
    }
}

/// <summary>cookie (RFC 8446 §4.2.2).</summary>
internal static class CookieExtension
{
    public static byte[] Encode(ReadOnlySpan<byte> cookie)
    {
        var w = new TlsWriter(2 + cookie.Length);
        w.WriteVector16(cookie);
        return w.ToArray();
    }

    public static byte[] Decode(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        var cookie = r.ReadVector16(1).ToArray();
        r.ExpectEnd("cookie");
        return cookie;
    }
}

/// <summary>certificate_authorities (RFC 8446 §4.2.4): distinguished names of acceptable CAs.</summary>
internal static class CertificateAuthoritiesExtension
{
    public static byte[] Encode(IReadOnlyList<byte[]> names)
    {
        var w = new TlsWriter(256);
        var m = w.BeginVector(2);
        foreach (var name in names)
        {
            w.WriteVector16(name);
        }

        w.EndVector(m);
        return w.ToArray();
    }

    public static List<byte[]> Decode(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        var list = r.Sub16(3);
        r.ExpectEnd("certificate_authorities");
        var names = new List<byte[]>();
        while (!list.IsEmpty)
        {
            names.Add(list.ReadVector16(1).ToArray());
        }

        return names;
    }
}
