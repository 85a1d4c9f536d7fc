using Reference.Tls;
using Reference.Tls.Certificates;
using Reference.Tls.Crypto;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.KeySchedule;

namespace Reference.Oracle;

/// <summary>A handshake message inside a decoded record, editable in place.</summary>
internal sealed class MessageRef(DecodedRecord record, byte[] bytes)
{
    public DecodedRecord Record { get; } = record;

    public byte[] Bytes { get; set; } = bytes;

    public HandshakeType Type => (HandshakeType)Bytes[0];

    public Direction Direction => Record.Direction;
}

/// <summary>Splits handshake records into messages and joins them back (messages must not span records).</summary>
internal static class HandshakeRecordEditor
{
    public static List<MessageRef> Split(List<DecodedRecord> records)
    {
        var messages = new List<MessageRef>();
        foreach (var r in records.Where(r => r.Type == ContentType.Handshake))
        {
            int offset = 0;
            while (offset < r.Content.Length)
            {
                int length = 4 + ((r.Content[offset + 1] << 16) | (r.Content[offset + 2] << 8) | r.Content[offset + 3]);
                if (offset + length > r.Content.Length)
                {
                    throw new InvalidOperationException("a handshake message spans records; the mutator edits whole messages only");
                }

                messages.Add(new MessageRef(r, r.Content.AsSpan(offset, length).ToArray()));
                offset += length;
            }
        }

        return messages;
    }

    public static void Join(List<DecodedRecord> records, List<MessageRef> messages)
    {
        foreach (var r in records.Where(r => r.Type == ContentType.Handshake))
        {
            var mine = messages.Where(m => ReferenceEquals(m.Record, r)).SelectMany(m => m.Bytes).ToArray();
            if (mine.Length > 0)
            {
                r.Content = mine;
            }
        }
    }

    public static byte[] Frame(HandshakeType type, ReadOnlySpan<byte> body) =>
        [(byte)type, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];
}

/// <summary>Recomputes Finished MACs and re-signs the server's CertificateVerify over a mutated transcript.</summary>
internal static class Repairer
{
    public static void Repair(List<DecodedRecord> records, List<MessageRef> messages, CertificateKeyPair? serverKey, string keepBroken)
    {
        using var transcript = new TranscriptHash();
        CipherSuiteSpec? suite = null;
        bool ownsServerKey = false;
        foreach (var m in messages.OrderBy(m => records.IndexOf(m.Record)))
        {
            switch (m.Type)
            {
                case HandshakeType.ServerHello:
                    suite ??= CipherSuiteSpec.TryGet(ServerHello.Parse(m.Bytes.AsSpan(4)).CipherSuite, out var s) ? s : null;
                    transcript.SetHash(suite!.Hash);
                    if (m.Bytes.AsSpan(6, 32).SequenceEqual(ServerHello.HelloRetryRequestRandom))
                    {
                        transcript.ReplaceWithMessageHash();
                    }

                    break;
                case HandshakeType.Certificate when m.Direction == Direction.ServerToClient:
                    // Re-sign only when the key belongs to the certificate this server sent.
                    var leaf = CertificateMessage.Parse(m.Bytes.AsSpan(4)).Entries.FirstOrDefault()?.Data;
                    ownsServerKey = serverKey is not null && leaf is not null && leaf.AsSpan().SequenceEqual(serverKey.ChainDer[0]);
                    break;
                case HandshakeType.CertificateVerify when m.Direction == Direction.ServerToClient && ownsServerKey && keepBroken != "bad-certificate-verify":
                    var scheme = CertificateVerifyMessage.Parse(m.Bytes.AsSpan(4)).Scheme;
                    var content = CertificateVerifyContent.Build(server: true, transcript.Current());
                    var signature = DeterministicSigning.Sign(serverKey!, scheme, content, new DeterministicRandom(0));
                    var writer = new Tls.Wire.TlsWriter(signature.Length + 8);
                    new CertificateVerifyMessage(scheme, signature).Write(writer);
                    m.Bytes = HandshakeRecordEditor.Frame(HandshakeType.CertificateVerify, writer.Written);
                    break;
                case HandshakeType.Finished when !(keepBroken == "bad-finished" && m.Direction == Direction.ServerToClient):
                    using (var schedule = new TlsKeySchedule(suite!))
                    {
                        m.Bytes = HandshakeRecordEditor.Frame(HandshakeType.Finished, schedule.ComputeFinishedVerifyData(m.Record.Secret!, transcript.Current()));
                    }

                    break;
            }

            if (m.Type is not HandshakeType.KeyUpdate and not HandshakeType.NewSessionTicket)
            {
                transcript.Add(m.Bytes);
            }
        }
    }
}
