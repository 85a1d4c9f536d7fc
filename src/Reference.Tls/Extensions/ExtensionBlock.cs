using Reference.Tls.Wire;

namespace Reference.Tls.Extensions;

/// <summary>One extension as it appears on the wire; the body is parsed by its own codec on demand.</summary>
internal readonly record struct Extension(ExtensionType Type, byte[] Data);

/// <summary>Which messages an extension may appear in (RFC 8446 §4.2 table), as flags.</summary>
[Flags]
internal enum ExtensionContext
{
    None = 0,
    ClientHello = 1,
    ServerHello = 2,
    EncryptedExtensions = 4,
    Certificate = 8,
    CertificateRequest = 16,
    NewSessionTicket = 32,
    HelloRetryRequest = 64,
}

/// <summary>Reads and writes an extension list and applies the §4.2 placement rules, which are data.</summary>
internal static class ExtensionBlock
{
    private const ExtensionContext CH = ExtensionContext.ClientHello;
    private const ExtensionContext SH = ExtensionContext.ServerHello;
    private const ExtensionContext EE = ExtensionContext.EncryptedExtensions;
    private const ExtensionContext CT = ExtensionContext.Certificate;
    private const ExtensionContext CR = ExtensionContext.CertificateRequest;
    private const ExtensionContext NST = ExtensionContext.NewSessionTicket;
    private const ExtensionContext HRR = ExtensionContext.HelloRetryRequest;

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //# The table below indicates the messages where a given extension may
    //# appear, using the following notation: CH (ClientHello),
    //# SH (ServerHello), EE (EncryptedExtensions), CT (Certificate),
    //# CR (CertificateRequest), NST (NewSessionTicket), and
    //# HRR (HelloRetryRequest).
    internal static readonly IReadOnlyDictionary<ExtensionType, ExtensionContext> AllowedIn =
        new Dictionary<ExtensionType, ExtensionContext>
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.5
            //# This extension, if provided by the server, MUST only be sent in the
            //# CertificateRequest message.
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.6
            //# Servers MUST NOT send this extension.
            [ExtensionType.ServerName] = CH | EE,
            [ExtensionType.MaxFragmentLength] = CH | EE,
            [ExtensionType.StatusRequest] = CH | CR | CT,
            [ExtensionType.SupportedGroups] = CH | EE,
            [ExtensionType.SignatureAlgorithms] = CH | CR,
            [ExtensionType.UseSrtp] = CH | EE,
            [ExtensionType.Heartbeat] = CH | EE,
            [ExtensionType.ApplicationLayerProtocolNegotiation] = CH | EE,
            [ExtensionType.SignedCertificateTimestamp] = CH | CR | CT,
            [ExtensionType.ClientCertificateType] = CH | EE,
            [ExtensionType.ServerCertificateType] = CH | EE,
            [ExtensionType.Padding] = CH,
            [ExtensionType.KeyShare] = CH | SH | HRR,
            [ExtensionType.PreSharedKey] = CH | SH,
            [ExtensionType.PskKeyExchangeModes] = CH,
            [ExtensionType.EarlyData] = CH | EE | NST,
            [ExtensionType.Cookie] = CH | HRR,
            [ExtensionType.SupportedVersions] = CH | SH | HRR,
            [ExtensionType.CertificateAuthorities] = CH | CR,
            [ExtensionType.OidFilters] = CR,
            [ExtensionType.PostHandshakeAuth] = CH,
            [ExtensionType.SignatureAlgorithmsCert] = CH | CR,
        };

    /// <summary>Parses an extension list (a u16-prefixed vector) and checks placement and uniqueness.</summary>
    public static List<Extension> Read(ref TlsReader reader, ExtensionContext context)
    {
        var block = reader.Sub16();
        var list = new List<Extension>();
        // A block holds up to 16,383 empty extensions: past a handful of entries the duplicate check uses a
        // set, so a hostile block costs linear rather than quadratic time.
        HashSet<ExtensionType>? seen = null;
        while (!block.IsEmpty)
        {
            var type = (ExtensionType)block.ReadU16();
            var data = block.ReadVector16().ToArray();
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
            //# There MUST NOT be more than one extension of the same type in a given
            //# extension block.
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-6
            //# Peers which receive a message which is syntactically correct but
            //# semantically invalid (e.g., a DHE share of p - 1, or an invalid enum)
            //# MUST terminate the connection with an "illegal_parameter" alert.
            if (IsDuplicate(list, ref seen, type))
            {
                throw TlsErrors.IllegalParameter($"duplicate extension {type}");
            }

            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
            //# If an implementation receives an extension
            //# which it recognizes and which is not specified for the message in
            //# which it appears, it MUST abort the handshake with an
            //# "illegal_parameter" alert.
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
            //# Servers MUST ignore unrecognized extensions.
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
            //# Clients MUST ignore unrecognized extensions.
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
            //# Clients MUST ignore unrecognized extensions.
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-9.3
            //# In
            //# TLS 1.3, a client receiving a CertificateRequest or
            //# NewSessionTicket MUST also ignore all unrecognized extensions.
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.1
            //# TLS 1.3 servers MUST NOT act upon its presence or information in it when
            //# processing ClientHello messages; in particular, they MUST NOT send the
            //# status_request_v2 extension in the EncryptedExtensions,
            //# CertificateRequest, or Certificate messages.
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.1
            //# TLS 1.3 servers MUST be able to process ClientHello messages that
            //# include it, as it MAY be sent by clients that wish to use it in earlier
            //# protocol versions.
            if (AllowedIn.TryGetValue(type, out var allowed) && (allowed & context) == 0)
            {
                throw TlsErrors.IllegalParameter($"extension {type} is not allowed in {context}");
            }

            list.Add(new Extension(type, data));
        }

        return list;
    }

    private static bool IsDuplicate(List<Extension> list, ref HashSet<ExtensionType>? seen, ExtensionType type)
    {
        const int LinearScanLimit = 32;
        // Stryker disable once Equality,Logical,Boolean : performance only; both paths find the same duplicates.
        if (seen is null && list.Count < LinearScanLimit)
        {
            return Find(list, type) is not null;
        }

        seen ??= [.. list.Select(e => e.Type)];
        return !seen.Add(type);
    }

    public static void Write(TlsWriter writer, IReadOnlyList<Extension> extensions)
    {
        var mark = writer.BeginVector(2);
        for (int i = 0; i < extensions.Count; i++)
        {
            writer.WriteU16((ushort)extensions[i].Type);
            writer.WriteVector16(extensions[i].Data);
        }

        writer.EndVector(mark);
    }

    // Indexed loops, not foreach: foreach over the interface would box List's enumerator on every lookup.
    public static byte[]? Find(IReadOnlyList<Extension> list, ExtensionType type)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].Type == type)
            {
                return list[i].Data;
            }
        }

        return null;
    }

    /// <summary>
    /// A responder may only answer extensions the requester sent: any response extension whose type the
    /// request did not carry is fatal.
    /// </summary>
    public static void RejectUnsolicited(IReadOnlyList<Extension> response, IReadOnlyList<Extension> request, ExtensionType? exempt = null)
    {
        for (int i = 0; i < response.Count; i++)
        {
            var e = response[i];
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
            //# Implementations MUST NOT send extension responses if the remote
            //# endpoint did not send the corresponding extension requests, with the
            //# exception of the "cookie" extension in the HelloRetryRequest.  Upon
            //# receiving such an extension, an endpoint MUST abort the handshake
            //# with an "unsupported_extension" alert.
            if (e.Type != exempt && Find(request, e.Type) is null)
            {
                throw TlsErrors.Protocol(AlertDescription.UnsupportedExtension, $"unsolicited extension {e.Type}");
            }
        }
    }
}
