using System.Security.Cryptography;

namespace Reference.Tls.Certificates;

/// <summary>Finds PEM blocks (RFC 7468) in text. Errors name the label or the position, never the body.</summary>
internal static class Pem
{
    internal readonly record struct Block(string Label, byte[] Der);

    /// <summary>All well-formed PEM blocks in <paramref name="text"/>, in order.</summary>
    public static List<Block> ReadAll(string text)
    {
        var blocks = new List<Block>();
        ReadOnlySpan<char> rest = text;
        while (PemEncoding.TryFind(rest, out PemFields fields))
        {
            string label = rest[fields.Label].ToString();
            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out int written))
            {
                // TryFind already validated the base64, so this is unreachable; fail closed anyway.
                throw TlsErrors.Usage($"the PEM block labelled '{label}' has invalid base64 content");
            }

            blocks.Add(new Block(label, der.AsSpan(0, written).ToArray()));
            rest = rest[fields.Location.End..];
        }

        return blocks;
    }

    public static string ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw TlsErrors.Usage($"could not read the {what} file '{path}': {e.GetType().Name}");
        }
    }
}
