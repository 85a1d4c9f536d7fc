using System.Text;
using Reference.Tls.Wire;

namespace Reference.Tls;

public sealed partial class TlsSession
{
    // "RTS" + format version: data in another format is refused, never half-read.
    private static ReadOnlySpan<byte> Magic => "RTS\u0001"u8;

    /// <summary>
    /// The session as bytes a client can store and give to <see cref="Import"/> later to resume (like
    /// s2n_connection_get_session). Contains the resumption secret: store it as you would a private key.
    /// </summary>
    public byte[] Export()
    {
        var w = new TlsWriter(64 + Identity.Length + Secret.Length);
        w.WriteBytes(Magic);
        w.WriteU8(IsResumption ? 1 : 0);
        w.WriteU16((ushort)CipherSuite);
        w.WriteU32(AgeAdd);
        w.WriteU32(MaxEarlyDataSize);
        w.WriteU64((ulong)ReceivedAt.ToUniversalTime().Ticks);
        w.WriteU64((ulong)Lifetime.Ticks);
        w.WriteVector16(Identity);
        w.WriteVector8(Secret);
        w.WriteVector16(Encoding.UTF8.GetBytes(ServerName ?? ""));
        var bytes = w.ToArray();
        w.Wipe();
        return bytes;
    }

    /// <summary>A session written by <see cref="Export"/>; truncated or foreign data is a Usage error.</summary>
    public static TlsSession Import(ReadOnlySpan<byte> data)
    {
        var r = new TlsReader(data);
        try
        {
            if (!r.ReadBytes(Magic.Length).SequenceEqual(Magic))
            {
                throw TlsErrors.Usage("not a session written by TlsSession.Export");
            }

            bool resumption = r.ReadU8() == 1;
            var suite = (CipherSuite)r.ReadU16();
            Crypto.CipherSuiteSpec.Get(suite);
            uint ageAdd = r.ReadU32();
            uint maxEarly = r.ReadU32();
            var receivedAt = new DateTime(ReadTicks(ref r), DateTimeKind.Utc).ToLocalTime();
            var lifetime = TimeSpan.FromTicks(ReadTicks(ref r));
            var identity = r.ReadVector16(min: 1).ToArray();
            var secret = r.ReadVector8(min: 1).ToArray();
            var name = Encoding.UTF8.GetString(r.ReadVector16());
            r.ExpectEnd("session");
            return new TlsSession(identity, secret, suite, resumption)
            {
                AgeAdd = ageAdd, MaxEarlyDataSize = maxEarly, ReceivedAt = receivedAt, Lifetime = lifetime,
                ServerName = name.Length == 0 ? null : name,
            };
        }
        catch (Exception e) when (e is TlsException { ErrorType: not TlsErrorType.Usage } or ArgumentOutOfRangeException)
        {
            throw TlsErrors.Usage("the session data is truncated or malformed");
        }
    }

    private static long ReadTicks(ref TlsReader r)
    {
        ulong ticks = ((ulong)r.ReadU32() << 32) | r.ReadU32();
        return ticks <= (ulong)DateTime.MaxValue.Ticks ? (long)ticks : throw TlsErrors.Usage("the session data is malformed");
    }
}
