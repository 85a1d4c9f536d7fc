using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Reference.Tls.Certificates;

/// <summary>
/// Chains that one <see cref="TrustStore"/> accepted, so that the next handshake with the same peer skips X509Chain
/// (about 0.5 ms). Bounded, least-recently-used eviction, safe to use from many connections on many threads.
/// </summary>
/// <remarks>
/// Why a hit gives the verdict a cold validation would give (TrustStore.ValidateChain enforces the conditions):
/// <list type="bullet">
/// <item>The store is immutable and owns its cache, so the trust anchors are fixed.</item>
/// <item>The key is SHA-256 over the exact DER of every certificate, each length-prefixed (no two chains share an
/// encoding), and over every option the verdict depends on: the host name (ordinal, as given) and the required
/// extended key usage. Everything else in the chain policy is constant.</item>
/// <item>Only successes are cached, and only when the path X509Chain built consists of certificates the peer sent
/// plus one of our anchors: on Linux X509Chain also looks in the user's and system's intermediate stores, which the
/// key does not cover.</item>
/// <item>Signatures, constraints, usages and names do not depend on time; time enters only through validity
/// periods (RFC 5280 §4.1.2.5). An entry is used only while the verification time lies in every sent certificate's
/// and the anchor's period, shrunk by a second at each end so that second rounding and OpenSSL's exclusive notAfter
/// cannot differ from it. Outside that window the chain is validated again, and a failure is reported as before.</item>
/// <item>The TLS rules that depend on the handshake (the signature_algorithms we advertised, RFC 8446 §4.2.3 and
/// §4.4.2.4; CertificateRules.CheckPeerChain) are not cached: the caller runs them on every handshake.</item>
/// </list>
/// </remarks>
internal sealed class VerifiedChainCache
{
    internal const int DefaultCapacity = 256;

    // Margin at each end of the validity window (see remarks).
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    private static ReadOnlySpan<byte> Domain => "Reference.Tls verified chain v1\0"u8;

    private readonly int _capacity;
    private readonly object _gate = new();
    private readonly Dictionary<ChainKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recentFirst = new();

    /// <param name="capacity">Entries kept; 0 turns the cache off.</param>
    public VerifiedChainCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
    }

    /// <summary>SHA-256 of the chain and the options, as four words.</summary>
    internal readonly record struct ChainKey(ulong A, ulong B, ulong C, ulong D);

    private sealed record Entry(ChainKey Key, DateTime ValidFromUtc, DateTime ValidUntilUtc, LeafPublicKey LeafKey);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// The key for <paramref name="chainDer"/> validated with these options. A null certificate hashes like an
    /// empty one; both fail to parse, so neither is ever cached.
    /// </summary>
    public static ChainKey KeyOf(IReadOnlyList<byte[]> chainDer, string? hostName, string? requiredUsage)
    {
        int length = Domain.Length + 4 + OptionLength(hostName) + OptionLength(requiredUsage);
        for (int i = 0; i < chainDer.Count; i++)
        {
            length = checked(length + 4 + (chainDer[i]?.Length ?? 0));
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Span<byte> rest = buffer.AsSpan(0, length);
            rest = Append(rest, Domain);
            BinaryPrimitives.WriteInt32BigEndian(rest, chainDer.Count);
            rest = rest[4..];
            for (int i = 0; i < chainDer.Count; i++)
            {
                rest = AppendPrefixed(rest, chainDer[i] ?? []);
            }

            rest = AppendOption(rest, hostName);
            AppendOption(rest, requiredUsage);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, length), hash);
            ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(hash);
            return new ChainKey(words[0], words[1], words[2], words[3]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The leaf key of an entry valid at <paramref name="verificationTimeUtc"/>, or null (validate cold).</summary>
    public LeafPublicKey? Find(ChainKey key, DateTime verificationTimeUtc)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out LinkedListNode<Entry>? node))
            {
                return null;
            }

            Entry entry = node.Value;
            if (verificationTimeUtc < entry.ValidFromUtc || verificationTimeUtc > entry.ValidUntilUtc)
            {
                return null;
            }

            _recentFirst.Remove(node);
            _recentFirst.AddFirst(node);
            return entry.LeafKey;
        }
    }

    /// <summary>
    /// Remembers a success for the verification times in [<paramref name="notBeforeUtc"/>, <paramref name="notAfterUtc"/>]
    /// (the latest notBefore and the earliest notAfter of the chain and its anchor), shrunk by the margin.
    /// Returns false, caching nothing, when that window is empty or the cache is off.
    /// </summary>
    public bool Add(ChainKey key, DateTime notBeforeUtc, DateTime notAfterUtc, LeafPublicKey leafKey)
    {
        DateTime from = notBeforeUtc > DateTime.MaxValue - Margin ? DateTime.MaxValue : notBeforeUtc + Margin;
        DateTime until = notAfterUtc < DateTime.MinValue + Margin ? DateTime.MinValue : notAfterUtc - Margin;
        if (_capacity == 0 || from > until)
        {
            return false;
        }

        lock (_gate)
        {
            if (_entries.Remove(key, out LinkedListNode<Entry>? replaced))
            {
                _recentFirst.Remove(replaced);
                replaced.Value.LeafKey.Retire();
            }

            if (_entries.Count == _capacity)
            {
                LinkedListNode<Entry> oldest = _recentFirst.Last!;
                _recentFirst.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                oldest.Value.LeafKey.Retire();
            }

            _entries.Add(key, _recentFirst.AddFirst(new Entry(key, from, until, leafKey)));
            return true;
        }
    }

    private static int OptionLength(string? value) => 1 + (value is null ? 0 : 4 + (value.Length * sizeof(char)));

    private static Span<byte> Append(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination);
        return destination[bytes.Length..];
    }

    private static Span<byte> AppendPrefixed(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, bytes.Length);
        return Append(destination[4..], bytes);
    }

    // Absent and empty differ (a presence byte); the UTF-16 code units are hashed as they are, so no two strings
    // (even ill-formed ones, which UTF-8 would merge into U+FFFD) share an encoding.
    private static Span<byte> AppendOption(Span<byte> destination, string? value)
    {
        destination[0] = value is null ? (byte)0 : (byte)1;
        return value is null ? destination[1..] : AppendPrefixed(destination[1..], MemoryMarshal.AsBytes(value.AsSpan()));
    }
}
