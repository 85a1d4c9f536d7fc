using System.Security.Cryptography;

namespace Reference.Tls.KeySchedule;

/// <summary>
/// The TLS 1.3 keying material exporter (RFC 8446 §7.5) over a given exporter secret. The caller
/// checks the label and the length first (<see cref="CheckRequest"/>), so both stay Usage errors.
/// </summary>
internal static class TlsExporter
{
    /// <summary>
    /// The longest label: HkdfLabel's label is opaque&lt;7..255&gt; and carries the 6-byte "tls13 " prefix.
    /// </summary>
    public const int MaxLabelLength = 255 - 6;

    /// <summary>Refuses, as a Usage error, a label or output length the exporter cannot take.</summary>
    public static void CheckRequest(string? label, int length, int hashLength)
    {
        if (label is null || label.Length == 0 || label.Length > MaxLabelLength)
        {
            throw TlsErrors.Usage($"an exporter label must be 1 to {MaxLabelLength} characters long");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
        //# Requirements for the format of exporter labels are defined in
        //# Section 4 of [RFC5705].
        // RFC 5705 §4: labels are ASCII strings (no terminating NUL is sent).
        foreach (char c in label)
        {
            if (c == '\0' || c > '\x7f')
            {
                throw TlsErrors.Usage("an exporter label must be an ASCII string without NUL characters");
            }
        }

        // HKDF-Expand (RFC 5869 §2.3) yields at most 255 * HashLen bytes.
        if (length < 1 || length > 255 * hashLength)
        {
            throw TlsErrors.Usage($"an exporter output must be 1 to {255 * hashLength} bytes long");
        }
    }

    /// <summary>Fills <paramref name="destination"/> with TLS-Exporter(label, context, destination.Length).</summary>
    public static void Export(HashAlgorithmName h, ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context, Span<byte> destination)
    {
        CheckRequest(label, destination.Length, Hkdf.HashLength(h));
        var emptyHash = Hkdf.Hash(h, ReadOnlySpan<byte>.Empty);
        var contextHash = Hkdf.Hash(h, context);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
        //# The exporter value is computed as:
        //# TLS-Exporter(label, context_value, key_length) =
        //# HKDF-Expand-Label(Derive-Secret(Secret, label, ""),
        //# "exporter", Hash(context_value), key_length)
        var derived = Hkdf.DeriveSecret(h, secret, label, emptyHash);
        try
        {
            Hkdf.ExpandLabel(h, derived, "exporter", contextHash, destination);
        }
        finally
        {
            // Stryker disable once Statement : erasing a local secret nothing reads again is not observable; kept for hygiene.
            CryptographicOperations.ZeroMemory(derived);
        }
    }
}
