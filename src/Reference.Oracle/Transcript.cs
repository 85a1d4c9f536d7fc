using System.Text;

namespace Reference.Oracle;

/// <summary>A clause of RFC 8446 the checker enforces.</summary>
internal sealed record Rule(string Id, string Section, string Quote)
{
    public string Url => "https://www.rfc-editor.org/rfc/rfc8446#" + (Section.StartsWith("appendix", StringComparison.Ordinal) ? Section : "section-" + Section);

    /// <summary>"§4.4.4" or "Appendix D.5", as people cite it.</summary>
    public string Citation => Section.StartsWith("appendix-", StringComparison.Ordinal) ? "Appendix " + Section["appendix-".Length..] : "§" + Section;

    public override string ToString() => $"{Id} ({Citation})";
}

internal enum Direction
{
    ClientToServer,
    ServerToClient,
}

/// <summary>Bytes one endpoint sent, in the order they crossed the wire relative to the other direction.</summary>
internal sealed record TranscriptChunk(Direction Direction, byte[] Bytes);

/// <summary>One TLS connection as observed on the wire, with the secrets needed to decrypt it.</summary>
internal sealed class Transcript
{
    public List<TranscriptChunk> Chunks { get; } = [];

    public KeyLog Keys { get; set; } = new();

    public void Add(Direction direction, ReadOnlySpan<byte> bytes)
    {
        if (!bytes.IsEmpty)
        {
            Chunks.Add(new TranscriptChunk(direction, bytes.ToArray()));
        }
    }

    /// <summary>
    /// Loads a transcript: a pcap/pcapng capture (detected by its magic number) or the hex format
    /// (lines "C: hex" and "S: hex", NSS key log lines allowed in between, '#' comments).
    /// </summary>
    public static Transcript Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return PcapReader.IsCapture(bytes) ? PcapReader.Read(bytes) : HexTranscript.Parse(Encoding.UTF8.GetString(bytes));
    }
}

/// <summary>
/// The hex transcript format: one line per write, "C: " (client to server) or "S: " (server to client)
/// then hex (spaces allowed); NSS key log lines may be embedded; blank lines and '#' comments are ignored.
/// </summary>
internal static class HexTranscript
{
    public static Transcript Parse(string text)
    {
        var transcript = new Transcript();
        var keyLines = new StringBuilder();
        int lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("C:", StringComparison.Ordinal) || line.StartsWith("S:", StringComparison.Ordinal))
            {
                var direction = line[0] == 'C' ? Direction.ClientToServer : Direction.ServerToClient;
                transcript.Add(direction, ParseHex(line[2..], lineNumber));
            }
            else
            {
                keyLines.AppendLine(line);
            }
        }

        transcript.Keys = KeyLog.Parse(keyLines.ToString());
        return transcript;
    }

    public static string Format(Transcript transcript, bool includeKeys = true)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# TLS transcript: C: client to server, S: server to client (hex); NSS key log lines");
        if (includeKeys)
        {
            sb.Append(transcript.Keys.Format());
        }

        foreach (var chunk in transcript.Chunks)
        {
            sb.Append(chunk.Direction == Direction.ClientToServer ? "C: " : "S: ").AppendLine(Convert.ToHexStringLower(chunk.Bytes));
        }

        return sb.ToString();
    }

    private static byte[] ParseHex(string hex, int lineNumber)
    {
        var compact = string.Concat(hex.Where(c => !char.IsWhiteSpace(c)));
        try
        {
            return Convert.FromHexString(compact);
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"line {lineNumber}: not hex");
        }
    }
}

/// <summary>An NSS key log (SSLKEYLOGFILE): "LABEL client_random_hex secret_hex" lines.</summary>
internal sealed class KeyLog
{
    private readonly List<(string Label, string ClientRandom, byte[] Secret)> _entries = [];

    public int Count => _entries.Count;

    public static KeyLog Parse(string text)
    {
        var log = new KeyLog();
        foreach (var raw in text.Split('\n'))
        {
            var parts = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && !parts[0].StartsWith('#') && IsHex(parts[1]) && IsHex(parts[2]))
            {
                log.Add(parts[0], parts[1].ToLowerInvariant(), Convert.FromHexString(parts[2]));
            }
        }

        return log;
    }

    public static KeyLog Load(string path) => Parse(File.ReadAllText(path));

    public void Add(string label, string clientRandomHex, byte[] secret) => _entries.Add((label, clientRandomHex, secret));

    /// <summary>Adds a line as the engine's KeyLogCallback writes it.</summary>
    public void AddLine(string line)
    {
        var other = Parse(line);
        _entries.AddRange(other._entries);
    }

    public byte[]? Find(string label, ReadOnlySpan<byte> clientRandom)
    {
        var hex = Convert.ToHexStringLower(clientRandom);
        foreach (var e in _entries)
        {
            if (e.Label == label && e.ClientRandom == hex)
            {
                return e.Secret;
            }
        }

        return null;
    }

    public string Format()
    {
        var sb = new StringBuilder();
        foreach (var e in _entries)
        {
            sb.Append(e.Label).Append(' ').Append(e.ClientRandom).Append(' ').AppendLine(Convert.ToHexStringLower(e.Secret));
        }

        return sb.ToString();
    }

    private static bool IsHex(string s) => s.Length % 2 == 0 && s.All(Uri.IsHexDigit);
}
