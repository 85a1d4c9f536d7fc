using Reference.Tls.Extensions;
using Reference.Tls.Wire;

namespace Reference.Tls.Handshake.Messages;

/// <summary>EncryptedExtensions (RFC 8446 §4.3.1).</summary>
internal sealed class EncryptedExtensions
{
    public required List<Extension> Extensions { get; init; }

    public static EncryptedExtensions Parse(ReadOnlySpan<byte> body)
    {
        var r = new TlsReader(body);
        var ext = ExtensionBlock.Read(ref r, ExtensionContext.EncryptedExtensions);
        r.ExpectEnd("EncryptedExtensions");
        return new EncryptedExtensions { Extensions = ext };
    }

    public void Write(TlsWriter w) => ExtensionBlock.Write(w, Extensions);
}

/// <summary>CertificateRequest (RFC 8446 §4.3.2).</summary>
internal sealed class CertificateRequest
{
    public byte[] Context { get; init; } = [];

    public required List<Extension> Extensions { get; init; }

    public static CertificateRequest Parse(ReadOnlySpan<byte> body)
    {
        var r = new TlsReader(body);
        var context = r.ReadVector8().ToArray();
        var ext = ExtensionBlock.Read(ref r, ExtensionContext.CertificateRequest);
        r.ExpectEnd("CertificateRequest");
        return new CertificateRequest { Context = context, Extensions = ext };
    }

    public void Write(TlsWriter w)
    {
        w.WriteVector8(Context);
        ExtensionBlock.Write(w, Extensions);
    }
}

internal sealed record CertificateEntry(byte[] Data, List<Extension> Extensions);

/// <summary>Certificate (RFC 8446 §4.4.2).</summary>
internal sealed class CertificateMessage
{
    public byte[] Context { get; init; } = [];

    public required List<CertificateEntry> Entries { get; init; }

    public static CertificateMessage Parse(ReadOnlySpan<byte> body)
    {
        var r = new TlsReader(body);
        var context = r.ReadVector8().ToArray();
        var list = r.Sub24();
        r.ExpectEnd("Certificate");
        var entries = new List<CertificateEntry>();
        while (!list.IsEmpty)
        {
            var data = list.ReadVector24(1).ToArray();
            var ext = ExtensionBlock.Read(ref list, ExtensionContext.Certificate);
            entries.Add(new CertificateEntry(data, ext));
        }

        return new CertificateMessage { Context = context, Entries = entries };
    }

    public void Write(TlsWriter w)
    {
        w.WriteVector8(Context);
        var m = w.BeginVector(3);
        foreach (var e in Entries)
        {
            w.WriteVector24(e.Data);
            ExtensionBlock.Write(w, e.Extensions);
        }

        w.EndVector(m);
    }
}

/// <summary>CertificateVerify (RFC 8446 §4.4.3).</summary>
internal sealed record CertificateVerifyMessage(SignatureScheme Scheme, byte[] Signature)
{
    public static CertificateVerifyMessage Parse(ReadOnlySpan<byte> body)
    {
        var r = new TlsReader(body);
        var scheme = (SignatureScheme)r.ReadU16();
        var sig = r.ReadVector16(1).ToArray();
        r.ExpectEnd("CertificateVerify");
        return new CertificateVerifyMessage(scheme, sig);
    }

    public void Write(TlsWriter w)
    {
        w.WriteU16((ushort)Scheme);
        w.WriteVector16(Signature);
    }
}

/// <summary>Finished (RFC 8446 §4.4.4): verify_data is exactly Hash.length bytes.</summary>
internal static class FinishedMessage
{
    public static ReadOnlySpan<byte> Parse(ReadOnlySpan<byte> body, int hashLength)
    {
        if (body.Length != hashLength)
        {
            throw TlsErrors.Decode($"Finished is {body.Length} bytes, expected {hashLength}");
        }

        return body;
    }
}

/// <summary>NewSessionTicket (RFC 8446 §4.6.1). Parsed for validity; resumption is not offered yet.</summary>
internal sealed record NewSessionTicketMessage(uint Lifetime, uint AgeAdd, byte[] Nonce, byte[] Ticket, List<Extension> Extensions)
{
    public static NewSessionTicketMessage Parse(ReadOnlySpan<byte> body)
    {
        var r = new TlsReader(body);
        var lifetime = r.ReadU32();
        var ageAdd = r.ReadU32();
        var nonce = r.ReadVector8().ToArray();
        var ticket = r.ReadVector16(1).ToArray();
        var ext = ExtensionBlock.Read(ref r, ExtensionContext.NewSessionTicket);
        r.ExpectEnd("NewSessionTicket");
        return new NewSessionTicketMessage(lifetime, ageAdd, nonce, ticket, ext);
    }
}

internal enum KeyUpdateRequest : byte
{
    UpdateNotRequested = 0,
    UpdateRequested = 1,
}

/// <summary>KeyUpdate (RFC 8446 §4.6.3).</summary>
internal static class KeyUpdateMessage
{
    public static KeyUpdateRequest Parse(ReadOnlySpan<byte> body, bool acceptTrailingBytes = false)
    {
        var r = new TlsReader(body);
        var value = r.ReadU8();
        if (!acceptTrailingBytes)
        {
            r.ExpectEnd("KeyUpdate");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
        //# If an implementation receives any other value, it MUST terminate the
        //# connection with an "illegal_parameter" alert.
        if (value > 1)
        {
            throw TlsErrors.IllegalParameter($"KeyUpdate request_update {value}");
        }

        return (KeyUpdateRequest)value;
    }
}
