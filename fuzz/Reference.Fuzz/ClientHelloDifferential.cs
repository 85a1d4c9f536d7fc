using Reference.S2n;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Wire;

namespace Reference.Fuzz;

/// <summary>How one ClientHello fared in both parsers.</summary>
internal enum ClientHelloVerdict
{
    BothReject,
    BothAcceptSame,

    /// <summary>s2n accepts bytes after the extensions block; §6 says decode_error.</summary>
    S2nAcceptsTrailingBytes,

    /// <summary>s2n accepts an empty legacy_compression_methods; §4.1.2 gives the vector a minimum of 1.</summary>
    S2nAcceptsEmptyCompression,

    /// <summary>s2n checks duplicates only among extensions it implements; §4.2 forbids any duplicate.</summary>
    S2nAcceptsDuplicateUnknownExtension,

    /// <summary>s2n ignores the §4.2 placement table (its own documented exception).</summary>
    S2nAcceptsMisplacedExtension,

    /// <summary>Anything else: a real divergence to investigate.</summary>
    Unexplained,
}

/// <summary>
/// Differential (a): s2n_client_hello_parse_message against our ClientHello.Parse (which applies the
/// extension-block placement and uniqueness rules our server applies). Same verdict; when both accept,
/// the same cipher suites, extension block (types and raw bytes), session id and SNI.
/// </summary>
internal static class ClientHelloDifferential
{
    public static (ClientHelloVerdict Verdict, string Detail) Compare(byte[] body)
    {
        ClientHello? ours = null;
        string? ourError = null;
        try
        {
            ours = ClientHello.Parse(body);
        }
        catch (TlsException e)
        {
            ourError = e.Message;
        }

        var theirs = S2nClientHello.Parse(WithHeader(body));
        return (ours, theirs) switch
        {
            (null, null) => (ClientHelloVerdict.BothReject, ""),
            (not null, not null) => CompareFields(ours, theirs),
            (null, not null) => (ExplainS2nLeniency(body), $"ours rejects ({ourError}), s2n accepts"),
            _ => (ClientHelloVerdict.Unexplained, "ours accepts, s2n rejects"),
        };
    }

    public static byte[] WithHeader(byte[] body) =>
        [(byte)HandshakeType.ClientHello, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];

    private static (ClientHelloVerdict, string) CompareFields(ClientHello ours, S2nClientHello theirs)
    {
        var suites = new TlsWriter(ours.CipherSuites.Count * 2);
        ours.CipherSuites.ForEach(s => suites.WriteU16(s));
        if (!suites.ToArray().AsSpan().SequenceEqual(theirs.CipherSuites))
        {
            return (ClientHelloVerdict.Unexplained, "cipher suites differ");
        }

        var block = new TlsWriter(256);
        foreach (var e in ours.Extensions)
        {
            block.WriteU16((ushort)e.Type);
            block.WriteVector16(e.Data);
        }

        if (!block.ToArray().AsSpan().SequenceEqual(theirs.Extensions))
        {
            return (ClientHelloVerdict.Unexplained, "extension block differs");
        }

        if (!ours.LegacySessionId.AsSpan().SequenceEqual(theirs.SessionId))
        {
            return (ClientHelloVerdict.Unexplained, "session id differs");
        }

        return CompareServerName(ours, theirs);
    }

    private static (ClientHelloVerdict, string) CompareServerName(ClientHello ours, S2nClientHello theirs)
    {
        string? ourName = null;
        bool ourNameValid = true;
        if (ExtensionBlock.Find(ours.Extensions, ExtensionType.ServerName) is { } sni)
        {
            try
            {
                ourName = ServerNameExtension.Decode(sni);
            }
            catch (TlsException)
            {
                ourNameValid = false;
            }
        }

        string? theirName = theirs.ServerName is { } n ? System.Text.Encoding.ASCII.GetString(n) : null;
        if (ourNameValid && ourName != theirName && !(ourName is null && theirName == ""))
        {
            return (ClientHelloVerdict.Unexplained, $"server name differs: ours '{ourName}', s2n '{theirName}'");
        }

        return (ClientHelloVerdict.BothAcceptSame, "");
    }

    /// <summary>
    /// Reads the body as s2n does (lenient) and names the rule it skipped. Only called when s2n
    /// accepted, so the lenient syntax below always holds.
    /// </summary>
    internal static ClientHelloVerdict ExplainS2nLeniency(byte[] body)
    {
        try
        {
            return ExplainLenientRead(body);
        }
        catch (TlsException)
        {
            return ClientHelloVerdict.Unexplained;
        }
    }

    private static ClientHelloVerdict ExplainLenientRead(byte[] body)
    {
        var r = new TlsReader(body);
        r.ReadBytes(34);
        r.ReadVector8();
        r.ReadVector16();
        var compression = r.ReadVector8();
        if (compression.IsEmpty)
        {
            return ClientHelloVerdict.S2nAcceptsEmptyCompression;
        }

        if (r.Remaining < 2)
        {
            return r.IsEmpty ? ClientHelloVerdict.Unexplained : ClientHelloVerdict.S2nAcceptsTrailingBytes;
        }

        var block = r.Sub16();
        if (!r.IsEmpty)
        {
            return ClientHelloVerdict.S2nAcceptsTrailingBytes;
        }

        var seen = new HashSet<ushort>();
        while (!block.IsEmpty)
        {
            var type = block.ReadU16();
            block.ReadVector16();
            if (!seen.Add(type))
            {
                return ClientHelloVerdict.S2nAcceptsDuplicateUnknownExtension;
            }

            if (ExtensionBlock.AllowedIn.TryGetValue((ExtensionType)type, out var allowed) && (allowed & ExtensionContext.ClientHello) == 0)
            {
                return ClientHelloVerdict.S2nAcceptsMisplacedExtension;
            }
        }

        return ClientHelloVerdict.Unexplained;
    }
}
