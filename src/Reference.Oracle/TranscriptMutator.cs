using System.Buffers.Binary;
using Reference.Tls;
using Reference.Tls.Certificates;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.KeySchedule;
using Reference.Tls.Record;

namespace Reference.Oracle;

/// <summary>One record of a transcript after decryption, with the secret that protected it (null: plaintext).</summary>
internal sealed record DecodedRecord(Direction Direction, byte[] Header, ContentType Type, byte[] Content, byte[]? Secret, CipherSuiteSpec? Suite)
{
    public byte[] Content { get; set; } = Content;
}

/// <summary>
/// Makes broken transcripts for the oracle corpus: decrypts a conforming transcript, applies one
/// mutation to the plaintext, repairs everything downstream that would otherwise fail too (Finished
/// MACs, and the server's CertificateVerify when the server key is known), and re-encrypts under the
/// same traffic secrets, so the result breaks exactly one clause.
/// </summary>
internal static class TranscriptMutator
{
    public static readonly IReadOnlyList<string> Mutations =
    [
        "bad-finished", "bad-certificate-verify", "illegal-extension", "unsolicited-extension", "reordered",
        "bad-key-update", "hello-retry-loop", "session-id-mismatch", "late-change-cipher-spec", "bad-record-mac",
        "certificate-context",
    ];

    public static Transcript Mutate(Transcript conforming, string mutation, CertificateKeyPair? serverKey)
    {
        var (records, report) = TranscriptChecker.Decode(conforming);
        if (!report.Conforming)
        {
            throw new InvalidOperationException($"mutations start from a conforming transcript; this one is {report.Verdict}");
        }

        var messages = HandshakeRecordEditor.Split(records);
        bool repair = Apply(mutation, records, messages);
        HandshakeRecordEditor.Join(records, messages);
        if (repair)
        {
            Repairer.Repair(records, messages, serverKey, keepBroken: mutation);
            HandshakeRecordEditor.Join(records, messages);
        }

        var result = Encode(records);
        result.Keys = conforming.Keys;
        if (mutation == "bad-record-mac")
        {
            var target = result.Chunks.FindLastIndex(c => c.Direction == Direction.ServerToClient && c.Bytes[0] == 23);
            result.Chunks[target].Bytes[^1] ^= 0x01;
        }

        return result;
    }

    private static bool Apply(string mutation, List<DecodedRecord> records, List<MessageRef> messages)
    {
        MessageRef Find(HandshakeType type, Direction? from = null) =>
            messages.Find(m => m.Type == type && (from is null || m.Direction == from)) ?? throw new InvalidOperationException($"no {type} to mutate");
        switch (mutation)
        {
            case "bad-finished": Find(HandshakeType.Finished, Direction.ServerToClient).Bytes[^1] ^= 0x01; return true;
            case "bad-certificate-verify": Find(HandshakeType.CertificateVerify).Bytes[^1] ^= 0x01; return true;
            case "illegal-extension": AddExtension(Find(HandshakeType.EncryptedExtensions), ExtensionType.SupportedVersions, [0x03, 0x04]); return true;
            case "unsolicited-extension": AddExtension(Find(HandshakeType.EncryptedExtensions), ExtensionType.ApplicationLayerProtocolNegotiation, [0x00, 0x03, 0x02, (byte)'h', (byte)'2']); return true;
            case "reordered": SwapMessages(Find(HandshakeType.EncryptedExtensions), Find(HandshakeType.Certificate, Direction.ServerToClient)); return false;
            case "bad-key-update": Find(HandshakeType.KeyUpdate).Bytes[4] = 2; return false;
            case "hello-retry-loop": RepeatHelloRetry(records, messages); return false;
            case "session-id-mismatch": Find(HandshakeType.ServerHello).Bytes[4 + 2 + 32 + 1] ^= 0x01; return true;
            case "late-change-cipher-spec": AddLateChangeCipherSpec(records); return false;
            case "bad-record-mac": return false;
            case "certificate-context": SetCertificateContext(Find(HandshakeType.Certificate, Direction.ServerToClient)); return true;
            default: throw new ArgumentException($"unknown mutation {mutation}");
        }
    }

    private static void AddExtension(MessageRef ee, ExtensionType type, byte[] data)
    {
        // EncryptedExtensions body: u16 length of the extension list, then the extensions.
        var body = ee.Bytes.AsSpan(4);
        int listLength = BinaryPrimitives.ReadUInt16BigEndian(body);
        var added = new byte[4 + data.Length];
        BinaryPrimitives.WriteUInt16BigEndian(added, (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(added.AsSpan(2), (ushort)data.Length);
        data.CopyTo(added, 4);
        var newBody = new byte[2 + listLength + added.Length];
        BinaryPrimitives.WriteUInt16BigEndian(newBody, (ushort)(listLength + added.Length));
        body[2..].CopyTo(newBody.AsSpan(2));
        added.CopyTo(newBody, 2 + listLength);
        ee.Bytes = HandshakeRecordEditor.Frame(HandshakeType.EncryptedExtensions, newBody);
    }

    private static void SetCertificateContext(MessageRef certificate)
    {
        var body = certificate.Bytes.AsSpan(4);
        var newBody = new byte[body.Length + 1];
        newBody[0] = 1;
        newBody[1] = 0x2a;
        body[1..].CopyTo(newBody.AsSpan(2));
        certificate.Bytes = HandshakeRecordEditor.Frame(HandshakeType.Certificate, newBody);
    }

    private static void SwapMessages(MessageRef a, MessageRef b) => (a.Bytes, b.Bytes) = (b.Bytes, a.Bytes);

    /// <summary>Sends the HelloRetryRequest again after the second ClientHello.</summary>
    private static void RepeatHelloRetry(List<DecodedRecord> records, List<MessageRef> messages)
    {
        var hrr = messages.Find(m => m.Type == HandshakeType.ServerHello && m.Bytes.AsSpan(6, 32).SequenceEqual(ServerHello.HelloRetryRequestRandom))
            ?? throw new InvalidOperationException("no HelloRetryRequest to repeat");
        var secondHello = messages.FindAll(m => m.Type == HandshakeType.ClientHello)[1];
        int at = records.IndexOf(secondHello.Record) + 1;
        records.Insert(at, records[records.IndexOf(hrr.Record)] with { Content = (byte[])hrr.Bytes.Clone() });
    }

    private static void AddLateChangeCipherSpec(List<DecodedRecord> records)
    {
        int last = records.FindLastIndex(r => r.Direction == Direction.ClientToServer && r.Type == ContentType.ApplicationData);
        records.Insert(last + 1, new DecodedRecord(Direction.ClientToServer, [20, 3, 3, 0, 1], ContentType.ChangeCipherSpec, [1], null, null));
    }

    /// <summary>Seals every record again, each direction's sequence numbers restarting at every new secret.</summary>
    private static Transcript Encode(List<DecodedRecord> records)
    {
        var transcript = new Transcript();
        var protectors = new Dictionary<Direction, (byte[] Secret, RecordProtector Protector)>();
        foreach (var r in records)
        {
            if (r.Secret is null)
            {
                var plain = new byte[5 + r.Content.Length];
                r.Header.AsSpan(0, 3).CopyTo(plain);
                BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(3), (ushort)r.Content.Length);
                r.Content.CopyTo(plain, 5);
                transcript.Add(r.Direction, plain);
                continue;
            }

            if (!protectors.TryGetValue(r.Direction, out var p) || !ReferenceEquals(p.Secret, r.Secret))
            {
                p.Protector?.Dispose();
                p = (r.Secret, RecordProtector.Create(r.Suite!, r.Secret));
                protectors[r.Direction] = p;
            }

            var sealedRecord = new byte[RecordProtector.SealedLength(r.Content.Length, 0)];
            int n = p.Protector.Seal(r.Type, r.Content, 0, sealedRecord);
            transcript.Add(r.Direction, sealedRecord.AsSpan(0, n));
        }

        foreach (var p in protectors.Values)
        {
            p.Protector.Dispose();
        }

        return transcript;
    }
}
