using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;

namespace Reference.Tls;

/// <summary>
/// A seeded, reproducible byte stream for <see cref="TlsConfig.DangerousDeterministicRandom"/>: with the
/// same seed and the same sequence of draws it yields the same bytes on every run and machine. Anyone who
/// knows the seed knows every key the connection makes. For tests and test oracles only, never production.
/// </summary>
/// <remarks>
/// The stream is SHA-256 in counter mode over the seed: block i = SHA-256(seed || i as u64 big-endian).
/// It is stateful: give each endpoint its own instance, and replay only in the same order of draws.
/// </remarks>
public sealed class DeterministicRandom
{
    private readonly byte[] _seed;
    private readonly byte[] _block = new byte[32];
    private readonly object _lock = new();
    private ulong _counter;
    private int _used = 32;

    /// <summary>A stream seeded with <paramref name="seed"/>.</summary>
    public DeterministicRandom(ReadOnlySpan<byte> seed) => _seed = seed.ToArray();

    /// <summary>A stream seeded with the bytes of <paramref name="seed"/>.</summary>
    public DeterministicRandom(ulong seed)
        : this(BitConverter.IsLittleEndian ? BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(seed)) : BitConverter.GetBytes(seed))
    {
    }

    /// <summary>Bytes drawn so far (tests compare draw counts across runs).</summary>
    public long BytesDrawn { get; private set; }

    /// <summary>Fills <paramref name="destination"/> with the next bytes of the stream.</summary>
    public void Fill(Span<byte> destination)
    {
        lock (_lock)
        {
            BytesDrawn += destination.Length;
            while (!destination.IsEmpty)
            {
                if (_used == _block.Length)
                {
                    NextBlock();
                }

                int n = Math.Min(destination.Length, _block.Length - _used);
                _block.AsSpan(_used, n).CopyTo(destination);
                _used += n;
                destination = destination[n..];
            }
        }
    }

    private void NextBlock()
    {
        Span<byte> input = stackalloc byte[_seed.Length + 8];
        _seed.CopyTo(input);
        BinaryPrimitives.WriteUInt64BigEndian(input[_seed.Length..], _counter++);
        SHA256.HashData(input, _block);
        _used = 0;
    }
}

/// <summary>
/// Where the engine gets every random value: the operating system's CSPRNG, or the configured
/// <see cref="DeterministicRandom"/> when a test asked for reproducible output.
/// </summary>
//= https://www.rfc-editor.org/rfc/rfc8446#appendix-C.1
//# It is RECOMMENDED to use
//# an existing CSPRNG implementation in preference to crafting a new
//# one.
// RandomNumberGenerator is the platform's CSPRNG; DeterministicRandom exists only for reproducible tests.
internal static class TlsRandom
{
    public static void Fill(DeterministicRandom? deterministic, Span<byte> destination)
    {
        if (deterministic is null)
        {
            RandomNumberGenerator.Fill(destination);
        }
        else
        {
            deterministic.Fill(destination);
        }
    }

    public static byte[] GetBytes(DeterministicRandom? deterministic, int count)
    {
        var bytes = new byte[count];
        Fill(deterministic, bytes);
        return bytes;
    }

    /// <summary>A BouncyCastle SecureRandom over the same source (ML-KEM, RSA-PSS salts).</summary>
    public static SecureRandom AsSecureRandom(DeterministicRandom? deterministic) =>
        deterministic is null ? new SecureRandom() : new SecureRandom(new Generator(deterministic));

    /// <summary>Feeds BouncyCastle from the deterministic stream; seeding it further is ignored so draws stay reproducible.</summary>
    private sealed class Generator(DeterministicRandom source) : IRandomGenerator
    {
        public void AddSeedMaterial(byte[] seed)
        {
        }

        public void AddSeedMaterial(ReadOnlySpan<byte> inSeed)
        {
        }

        public void AddSeedMaterial(long seed)
        {
        }

        public void NextBytes(byte[] bytes) => source.Fill(bytes);

        public void NextBytes(byte[] bytes, int start, int len) => source.Fill(bytes.AsSpan(start, len));

        public void NextBytes(Span<byte> bytes) => source.Fill(bytes);
    }
}
