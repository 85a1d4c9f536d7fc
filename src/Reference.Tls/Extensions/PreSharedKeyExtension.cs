using Reference.Tls.Wire;

namespace Reference.Tls.Extensions;

internal readonly record struct PskIdentity(byte[] Identity, uint ObfuscatedTicketAge);

/// <summary>pre_shared_key (RFC 8446 §4.2.11): offered identities and binders in ClientHello, the selected index in ServerHello.</summary>
internal static class PreSharedKeyExtension
{
    /// <summary>Length of the binders vector for the given binder lengths: what Truncate() removes.</summary>
    public static int BindersLength(IEnumerable<int> binderLengths) => 2 + binderLengths.Sum(l => 1 + l);

    public static byte[] EncodeClient(IReadOnlyList<PskIdentity> identities, IReadOnlyList<byte[]> binders)
    {
        var w = new TlsWriter(256);
        var m = w.BeginVector(2);
        foreach (var id in identities)
        {
            w.WriteVector16(id.Identity);
            w.WriteU32(id.ObfuscatedTicketAge);
        }

        w.EndVector(m);
        var b = w.BeginVector(2);
        foreach (var binder in binders)
        {
            w.WriteVector8(binder);
        }

        w.EndVector(b);
        return w.ToArray();
    }

    public static (List<PskIdentity> Identities, List<byte[]> Binders) DecodeClient(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        var ids = r.Sub16(7);
        var identities = new List<PskIdentity>();
        while (!ids.IsEmpty)
        {
            identities.Add(new PskIdentity(ids.ReadVector16(1).ToArray(), ids.ReadU32()));
        }

        var bs = r.Sub16(33);
        r.ExpectEnd("pre_shared_key");
        var binders = new List<byte[]>();
        while (!bs.IsEmpty)
        {
            binders.Add(bs.ReadVector8(32).ToArray());
        }

        // One binder for each identity, in the same order (§4.2.11): a mismatch cannot be checked.
        if (binders.Count != identities.Count)
        {
            throw TlsErrors.IllegalParameter($"{identities.Count} PSK identities but {binders.Count} binders");
        }

        return (identities, binders);
    }

    public static byte[] EncodeServer(int selectedIdentity) => [(byte)(selectedIdentity >> 8), (byte)selectedIdentity];

    public static int DecodeServer(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        var selected = r.ReadU16();
        r.ExpectEnd("pre_shared_key");
        return selected;
    }
}

/// <summary>psk_key_exchange_modes (RFC 8446 §4.2.9).</summary>
internal static class PskKeyExchangeModesExtension
{
    public const byte PskKe = 0;
    public const byte PskDheKe = 1;

    public static byte[] Encode(params byte[] modes) => [(byte)modes.Length, .. modes];

    public static byte[] Decode(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        var modes = r.ReadVector8(1).ToArray();
        r.ExpectEnd("psk_key_exchange_modes");
        return modes;
    }
}
