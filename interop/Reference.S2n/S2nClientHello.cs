namespace Reference.S2n;

/// <summary>
/// What C s2n-tls makes of one ClientHello message (s2n_client_hello_parse_message): its verdict and,
/// when it accepts, the fields its getters report. A snapshot: the native structure is freed on return.
/// </summary>
public sealed unsafe class S2nClientHello
{
    private S2nClientHello(byte[] cipherSuites, byte[] extensions, byte[] sessionId, byte[]? serverName,
        byte legacyVersion, int compressionMethods)
    {
        CipherSuites = cipherSuites;
        Extensions = extensions;
        SessionId = sessionId;
        ServerName = serverName;
        LegacyVersion = legacyVersion;
        CompressionMethodsLength = compressionMethods;
    }

    /// <summary>The cipher_suites vector body (2 bytes per suite, no length prefix).</summary>
    public byte[] CipherSuites { get; }

    /// <summary>The raw extensions block body (no length prefix), as s2n_client_hello_get_extensions reports it.</summary>
    public byte[] Extensions { get; }

    public byte[] SessionId { get; }

    /// <summary>The first host_name of server_name, or null when s2n reports none (no or unparsable extension).</summary>
    public byte[]? ServerName { get; }

    /// <summary>s2n's one-byte version code: major*10 + minor (0x0303 is 33).</summary>
    public byte LegacyVersion { get; }

    public int CompressionMethodsLength { get; }

    /// <summary>
    /// Parses a whole handshake message (4-byte header included, no record header).
    /// Returns null when s2n rejects it.
    /// </summary>
    public static S2nClientHello? Parse(ReadOnlySpan<byte> message)
    {
        S2nLibrary.EnsureInitialized();
        nint ch;
        fixed (byte* p = message)
            ch = S2nNative.s2n_client_hello_parse_message(p, (uint)message.Length);
        if (ch == 0)
            return null;
        try
        {
            return Snapshot(ch);
        }
        finally
        {
            S2nNative.s2n_client_hello_free(&ch);
        }
    }

    private static S2nClientHello Snapshot(nint ch)
    {
        var suites = new byte[checked((int)S2nNative.s2n_client_hello_get_cipher_suites_length(ch))];
        fixed (byte* p = suites)
            Require(S2nNative.s2n_client_hello_get_cipher_suites(ch, p, (uint)suites.Length) == suites.Length, "cipher suites");
        long extLength = S2nNative.s2n_client_hello_get_extensions_length(ch);
        var extensions = new byte[Math.Max(0, extLength)];
        if (extensions.Length > 0)
        {
            fixed (byte* p = extensions)
                Require(S2nNative.s2n_client_hello_get_extensions(ch, p, (uint)extensions.Length) == extensions.Length, "extensions");
        }
        uint sidLength;
        Require(S2nNative.s2n_client_hello_get_session_id_length(ch, &sidLength) == 0, "session id length");
        // One spare byte: s2n rejects a null output pointer even for an empty session id.
        var sessionId = new byte[sidLength + 1];
        uint sidOut;
        fixed (byte* p = sessionId)
            Require(S2nNative.s2n_client_hello_get_session_id(ch, p, &sidOut, sidLength) == 0 && sidOut == sidLength, "session id");
        sessionId = sessionId[..(int)sidLength];
        byte version;
        Require(S2nNative.s2n_client_hello_get_legacy_protocol_version(ch, &version) == 0, "legacy version");
        uint compression;
        Require(S2nNative.s2n_client_hello_get_compression_methods_length(ch, &compression) == 0, "compression methods");
        return new S2nClientHello(suites, extensions, sessionId, ServerNameOf(ch), version, (int)compression);
    }

    private static byte[]? ServerNameOf(nint ch)
    {
        ushort length;
        if (S2nNative.s2n_client_hello_get_server_name_length(ch, &length) != 0)
            return null;
        // One spare byte: s2n rejects a null output pointer even for an empty name.
        var name = new byte[length + 1];
        ushort outLength;
        fixed (byte* p = name)
        {
            if (S2nNative.s2n_client_hello_get_server_name(ch, p, length, &outLength) != 0)
                return null;
        }
        return name.AsSpan(0, outLength).ToArray();
    }

    private static void Require(bool ok, string what)
    {
        if (!ok)
            throw S2nException.FromLastError($"s2n_client_hello getter ({what})");
    }
}
