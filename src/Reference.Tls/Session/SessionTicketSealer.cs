using System.Buffers.Binary;
using System.Security.Cryptography;
using Reference.Tls.Wire;

namespace Reference.Tls.Session;

/// <summary>
/// What a server needs back from a ticket to resume: the PSK, its suite, and when it expires; for 0-RTT also
/// the max_early_data_size it advertised and the session's ALPN protocol (RFC 8446 §4.2.10 checks both);
/// and when the session was first established, so that resumption cannot extend it forever (RFC 8446 §4.6.1).
/// </summary>
internal sealed record TicketState(ushort CipherSuite, long IssuedAtMs, uint LifetimeSeconds, uint AgeAdd, byte[] Psk)
{
    /// <summary>When the full handshake (or external PSK handshake) this session descends from took place.</summary>
    public long AuthenticatedAtMs { get; init; }

    public uint MaxEarlyDataSize { get; init; }

    public string? ApplicationProtocol { get; init; }
}

/// <summary>
/// Seals resumption state into the opaque ticket a server hands out, and opens it again: AES-256-GCM under
/// the server's ticket key, so the server keeps no per-session state. A ticket that does not open is
/// simply not a usable PSK (RFC 8446 §4.2.11: unknown PSKs are ignored).
/// </summary>
internal static class SessionTicketSealer
{
    private const byte Version = 3;
    private const int NonceLength = 12;
    private const int TagLength = 16;

    public static byte[] Seal(ReadOnlySpan<byte> key, TicketState state, ReadOnlySpan<byte> nonce)
    {
        var plain = new TlsWriter(96);
        plain.WriteU16(state.CipherSuite);
        plain.WriteU64((ulong)state.IssuedAtMs);
        plain.WriteU64((ulong)state.AuthenticatedAtMs);
        plain.WriteU32(state.LifetimeSeconds);
        plain.WriteU32(state.AgeAdd);
        plain.WriteVector8(state.Psk);
        plain.WriteU32(state.MaxEarlyDataSize);
        plain.WriteVector8(System.Text.Encoding.UTF8.GetBytes(state.ApplicationProtocol ?? ""));
        var ticket = new byte[1 + NonceLength + plain.Length + TagLength];
        ticket[0] = Version;
        nonce.CopyTo(ticket.AsSpan(1, NonceLength));
        using var aead = new AesGcm(key, TagLength);
        aead.Encrypt(nonce, plain.Written, ticket.AsSpan(1 + NonceLength, plain.Length), ticket.AsSpan(ticket.Length - TagLength), ticket.AsSpan(0, 1));
        plain.Wipe();
        return ticket;
    }

    public static TicketState? Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> ticket)
    {
        if (ticket.Length < 1 + NonceLength + TagLength + 32 || ticket[0] != Version)
        {
            return null;
        }

        var cipher = ticket[(1 + NonceLength)..^TagLength];
        var plain = new byte[cipher.Length];
        try
        {
            using var aead = new AesGcm(key, TagLength);
            aead.Decrypt(ticket.Slice(1, NonceLength), cipher, ticket[^TagLength..], plain, ticket[..1]);
            var r = new TlsReader(plain);
            var suite = r.ReadU16();
            var issuedAt = (long)BinaryPrimitives.ReadUInt64BigEndian(r.ReadBytes(8));
            var authenticatedAt = (long)BinaryPrimitives.ReadUInt64BigEndian(r.ReadBytes(8));
            var state = new TicketState(suite, issuedAt, r.ReadU32(), r.ReadU32(), r.ReadVector8(32).ToArray()) { AuthenticatedAtMs = authenticatedAt };
            var maxEarlyData = r.ReadU32();
            var alpn = r.ReadVector8();
            r.ExpectEnd("ticket");
            state = state with { MaxEarlyDataSize = maxEarlyData, ApplicationProtocol = alpn.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(alpn) };
            return state;
        }
        catch (Exception e) when (e is AuthenticationTagMismatchException or TlsException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
