using System.Security.Cryptography;
using System.Text;

namespace Reference.Tls.KeySchedule;

/// <summary>
/// HKDF (RFC 5869) with the TLS 1.3 labelling of RFC 8446 §7.1, on top of .NET's <see cref="HKDF"/>.
/// </summary>
internal static class Hkdf
{
    private const string LabelPrefix = "tls13 ";
    private const int MaxLabelLength = 255;
    private const int MaxContextLength = 255;

    /// <summary>HKDF-Extract(salt, IKM). An empty salt means Hash.length zero bytes (RFC 5869 §2.2).</summary>
    public static byte[] Extract(HashAlgorithmName h, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> ikm)
    {
        var prk = new byte[HashLength(h)];
        HKDF.Extract(h, ikm, salt, prk);
        return prk;
    }

    /// <summary>HKDF-Expand-Label(Secret, Label, Context, Length); the "tls13 " prefix is added here.</summary>
    public static byte[] ExpandLabel(HashAlgorithmName h, ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context, int length)
    {
        var output = new byte[length];
        ExpandLabel(h, secret, label, context, output);
        return output;
    }

    /// <summary>HKDF-Expand-Label into <paramref name="destination"/>, whose length is the Length field.</summary>
    public static void ExpandLabel(HashAlgorithmName h, ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context, Span<byte> destination)
    {
        int labelLength = LabelPrefix.Length + Encoding.ASCII.GetByteCount(label);

        // RFC 5869 §2.3 bounds L by 255 * HashLen (tighter than the uint16 Length field); checking it here
        // keeps HKDF.Expand's ArgumentException from escaping the engine.
        if (labelLength > MaxLabelLength || context.Length > MaxContextLength || destination.Length > 255 * HashLength(h))
        {
            throw TlsErrors.Internal("HKDF-Expand-Label input out of range");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
        //# struct {
        //#     uint16 length = Length;
        //#     opaque label<7..255> = "tls13 " + Label;
        //#     opaque context<0..255> = Context;
        //# } HkdfLabel;
        Span<byte> info = stackalloc byte[2 + 1 + labelLength + 1 + context.Length];
        // Stryker disable once Bitwise : Length is non-negative, so >> and >>> agree.
        info[0] = (byte)(destination.Length >> 8);
        info[1] = (byte)destination.Length;
        info[2] = (byte)labelLength;
        int at = 3 + Encoding.ASCII.GetBytes(LabelPrefix, info[3..]);
        at += Encoding.ASCII.GetBytes(label, info[at..]);
        info[at++] = (byte)context.Length;
        context.CopyTo(info[at..]);

        HKDF.Expand(h, secret, destination, info);
    }

    /// <summary>Derive-Secret(Secret, Label, Messages), given Transcript-Hash(Messages).</summary>
    public static byte[] DeriveSecret(HashAlgorithmName h, ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> transcriptHash)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
        //# Derive-Secret(Secret, Label, Messages) =
        //# HKDF-Expand-Label(Secret, Label,
        //# Transcript-Hash(Messages), Hash.length)
        return ExpandLabel(h, secret, label, transcriptHash, HashLength(h));
    }

    /// <summary>Output length of the suite hashes TLS 1.3 uses.</summary>
    public static int HashLength(HashAlgorithmName h)
    {
        if (h == HashAlgorithmName.SHA256)
        {
            return SHA256.HashSizeInBytes;
        }

        if (h == HashAlgorithmName.SHA384)
        {
            return SHA384.HashSizeInBytes;
        }

        throw TlsErrors.Internal($"hash {h.Name} is not used by TLS 1.3");
    }

    /// <summary>Hash(data) with the suite hash; used for the empty-transcript hash in "derived".</summary>
    public static byte[] Hash(HashAlgorithmName h, ReadOnlySpan<byte> data)
    {
        if (h == HashAlgorithmName.SHA256)
        {
            return SHA256.HashData(data);
        }

        if (h == HashAlgorithmName.SHA384)
        {
            return SHA384.HashData(data);
        }

        throw TlsErrors.Internal($"hash {h.Name} is not used by TLS 1.3");
    }

    /// <summary>HMAC(key, data) with the suite hash.</summary>
    public static byte[] Hmac(HashAlgorithmName h, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        if (h == HashAlgorithmName.SHA256)
        {
            return HMACSHA256.HashData(key, data);
        }

        if (h == HashAlgorithmName.SHA384)
        {
            return HMACSHA384.HashData(key, data);
        }

        throw TlsErrors.Internal($"hash {h.Name} is not used by TLS 1.3");
    }
}
