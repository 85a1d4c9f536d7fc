using Reference.Tls;

namespace Reference.Cli;

/// <summary>The options client and server share: policy, ALPN, key log, blinding, external PSK.</summary>
internal static class TlsSettings
{
    public const string SharedHelp = """
          --policy NAME         s2n security policy (suites, groups, signature schemes); default: the engine's defaults
          --alpn A,B            ALPN protocols in preference order
          --psk ID,HEX[,SHA384] an external PSK: identity, secret in hex, hash (SHA256 by default), as s2nc/s2nd --psk
          --keylog FILE         append the traffic secrets in NSS key log format (for Wireshark and `reference check`)
          --blinding MODE       builtin (default, as s2n: a failure the peer caused is reported after 10-30 s),
                                self-service (the failure is reported at once; the CLI waits before closing), off
          --timeout SECONDS     give up on a handshake that has not finished after this long (default 10)
          --verbose             print every handshake message
        """;

    public static readonly string[] Valued = ["policy", "alpn", "psk", "keylog", "blinding", "timeout"];

    public static TlsConfig Build(Options o, Action<string> log)
    {
        var config = o.Get("policy") is { } name ? TlsConfig.FromPolicy(Policy(name)) : new TlsConfig();
        string? keylog = o.Get("keylog");
        return config with
        {
            ApplicationProtocols = o.List("alpn"),
            PreSharedKeys = o.Get("psk") is { } psk ? [ParsePsk(psk)] : [],
            KeyLogCallback = keylog is null ? null : KeyLogFile.Open(keylog).Append,
            Blinding = Blinding(o) == "self-service" ? BlindingMode.SelfService : BlindingMode.BuiltIn,
            BlindingDelayRange = Blinding(o) == "off" ? (TimeSpan.Zero, TimeSpan.Zero) : config.BlindingDelayRange,
            HandshakeObserver = o.Has("verbose") ? e => log($"  {(e.Sent ? "-->" : "<--")} {e.Message} ({e.Length} bytes)") : null,
        };
    }

    public static TimeSpan Timeout(Options o) => TimeSpan.FromSeconds(o.Int("timeout", 10, 1, 3600));

    public static string Blinding(Options o) => o.Get("blinding") switch
    {
        null => "builtin",
        "builtin" or "self-service" or "off" => o.Get("blinding")!,
        var mode => throw new CliException(ExitCode.Usage, $"--blinding: '{mode}' is not builtin, self-service or off"),
    };

    private static SecurityPolicy Policy(string name) =>
        SecurityPolicies.Names.Contains(name)
            ? SecurityPolicies.Get(name)
            : throw new CliException(ExitCode.Usage, $"--policy: unknown security policy '{name}' (known: {string.Join(", ", SecurityPolicies.Names)})");

    private static TlsSession ParsePsk(string text)
    {
        string[] parts = text.Split(',');
        byte[] secret;
        try
        {
            secret = Convert.FromHexString(parts.Length is 2 or 3 ? parts[1] : "");
        }
        catch (FormatException)
        {
            secret = [];
        }

        var suite = parts.Length == 3 && parts[2].Equals("SHA384", StringComparison.OrdinalIgnoreCase)
            ? CipherSuite.TlsAes256GcmSha384
            : CipherSuite.TlsAes128GcmSha256;
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || secret.Length == 0
            || (parts.Length == 3 && !parts[2].ToUpperInvariant().StartsWith("SHA", StringComparison.Ordinal)))
        {
            throw new CliException(ExitCode.Usage, "--psk: expected IDENTITY,HEX-SECRET[,SHA256|SHA384]");
        }

        return TlsSession.External(System.Text.Encoding.UTF8.GetBytes(parts[0]), secret, suite);
    }
}

/// <summary>An NSS key log file (SSLKEYLOGFILE format), appended to line by line by concurrent connections.</summary>
internal sealed class KeyLogFile
{
    private static readonly Dictionary<string, KeyLogFile> OpenFiles = [];
    private readonly StreamWriter _writer;

    private KeyLogFile(string path)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            if (!OperatingSystem.IsWindows())
            {
                // The lines decrypt the connections: readable by the owner only.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            _writer = new StreamWriter(stream) { AutoFlush = true };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCode.Config, $"--keylog: cannot write '{path}': {e.Message}");
        }
    }

    public static KeyLogFile Open(string path)
    {
        lock (OpenFiles)
        {
            string full = Path.GetFullPath(path);
            return OpenFiles.TryGetValue(full, out var file) ? file : OpenFiles[full] = new KeyLogFile(full);
        }
    }

    public void Append(string line)
    {
        lock (_writer)
        {
            _writer.WriteLine(line);
        }
    }
}
