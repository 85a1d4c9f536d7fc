using System.Buffers.Binary;
using Reference.Tls;
using Reference.Tls.Crypto;
using Reference.Tls.Handshake;
using Reference.Tls.Record;
using Reference.Tls.StateMachine;

namespace Reference.Oracle;

/// <summary>
/// Replays a TLS 1.3 transcript in the observer role: frames and decrypts each direction's records with
/// the key log, runs every handshake message through the engine's parsers and transition table, and
/// checks the RFC 8446 clauses in <see cref="Rules"/>. A violation the receiver would abort on (wrong
/// order, undecryptable record) ends the replay; others are recorded and the replay goes on.
/// </summary>
internal sealed partial class TranscriptChecker
{
    private readonly Transcript _input;
    private readonly CheckReport _report = new();
    private readonly Side _client = new(Direction.ClientToServer);
    private readonly Side _server = new(Direction.ServerToClient);
    private HandshakeState _state = HandshakeState.Start;
    private bool _stopped;
    private TraceEntry? _current;

    private TranscriptChecker(Transcript input) => _input = input;

    /// <summary>Receives every record after decryption: direction, outer header, inner type, content, and the secret it was protected under (null if plaintext).</summary>
    private Action<DecodedRecord>? _recordSink;

    /// <summary>Decrypts a transcript into its records (for the corpus mutator).</summary>
    public static (List<DecodedRecord> Records, CheckReport Report) Decode(Transcript transcript)
    {
        var records = new List<DecodedRecord>();
        var checker = new TranscriptChecker(transcript) { _recordSink = records.Add };
        checker.Run();
        return (records, checker._report);
    }

    public static CheckReport Check(Transcript transcript)
    {
        var checker = new TranscriptChecker(transcript);
        checker.Run();
        return checker._report;
    }

    /// <summary>Per-direction record stream state.</summary>
    private sealed class Side(Direction direction)
    {
        public Direction Direction { get; } = direction;

        public List<byte> Buffer { get; } = [];

        public HandshakeDeframer Deframer { get; set; } = new();

        public RecordProtector? Protector { get; set; }

        /// <summary>The traffic secret of <see cref="Protector"/> (the mutator re-seals records with it).</summary>
        public byte[]? Secret { get; set; }

        public byte[]? ApplicationSecret { get; set; }

        public bool FinishedSent { get; set; }

        public bool ClosedNotify { get; set; }

        public int Records { get; set; }

        public int ApplicationRecords { get; set; }

        public int ApplicationBytes { get; set; }
    }

    private void Run()
    {
        foreach (var chunk in _input.Chunks)
        {
            var side = chunk.Direction == Direction.ClientToServer ? _client : _server;
            side.Buffer.AddRange(chunk.Bytes);
            while (!_stopped && TakeRecord(side) is { } record)
            {
                ProcessRecord(side, record.Header, record.Payload);
            }

            if (_stopped)
            {
                break;
            }
        }

        Finish();
    }

    private void Finish()
    {
        foreach (var side in new[] { _client, _server })
        {
            if (!_stopped && side.Buffer.Count > 0)
            {
                _report.Problems.Add($"{Name(side.Direction)}: {side.Buffer.Count} trailing bytes do not form a whole record (truncated transcript)");
            }

            side.Protector?.Dispose();
        }

        if (!_stopped && _state != HandshakeState.Connected && _report.Violations.Count == 0)
        {
            _report.Problems.Add($"the handshake did not complete (last state {_state})");
        }

        _report.Notes.Add($"client sent {_client.Records} records ({_client.ApplicationRecords} application data, {_client.ApplicationBytes} bytes); server sent {_server.Records} records ({_server.ApplicationRecords} application data, {_server.ApplicationBytes} bytes)");
    }

    private static (byte[] Header, byte[] Payload)? TakeRecord(Side side)
    {
        if (side.Buffer.Count < RecordProtector.HeaderLength)
        {
            return null;
        }

        int length = (side.Buffer[3] << 8) | side.Buffer[4];
        if (side.Buffer.Count < RecordProtector.HeaderLength + length)
        {
            return null;
        }

        var header = side.Buffer.GetRange(0, RecordProtector.HeaderLength).ToArray();
        var payload = side.Buffer.GetRange(RecordProtector.HeaderLength, length).ToArray();
        side.Buffer.RemoveRange(0, RecordProtector.HeaderLength + length);
        return (header, payload);
    }

    private void ProcessRecord(Side side, byte[] header, byte[] payload)
    {
        side.Records++;
        var outerType = (ContentType)header[0];
        ushort version = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(1));
        bool initialClientHello = side == _client && _state == HandshakeState.Start && outerType == ContentType.Handshake;
        if (version != 0x0303 && !(initialClientHello && version == 0x0301))
        {
            RecordViolation(side, Rules.RecordVersion, $"record version 0x{version:X4} on a {outerType} record");
        }

        if (outerType == ContentType.ChangeCipherSpec)
        {
            _recordSink?.Invoke(new DecodedRecord(side.Direction, header, outerType, payload, null, null));
            CheckChangeCipherSpec(side, payload);
            return;
        }

        if (outerType == ContentType.ApplicationData && side.Protector is not null)
        {
            var secret = side.Secret;
            if (Decrypt(side, header, payload) is { } inner)
            {
                _recordSink?.Invoke(new DecodedRecord(side.Direction, header, inner.Type, inner.Content, secret, _suite));
                Dispatch(side, inner.Type, inner.Content);
            }

            return;
        }

        if (payload.Length > RecordProtector.MaxPlaintext)
        {
            RecordViolation(side, Rules.RecordOverflow, $"plaintext record of {payload.Length} bytes");
        }

        _recordSink?.Invoke(new DecodedRecord(side.Direction, header, outerType, payload, null, null));
        Dispatch(side, outerType, payload);
    }

    private (ContentType Type, byte[] Content)? Decrypt(Side side, byte[] header, byte[] payload)
    {
        try
        {
            var type = side.Protector!.Open(header, payload, out int length);
            return (type, payload[..length]);
        }
        catch (TlsException e)
        {
            var rule = e.Alert == AlertDescription.RecordOverflow ? Rules.RecordOverflow
                : e.Alert == AlertDescription.BadRecordMac ? Rules.RecordProtection : Rules.Decode;
            RecordViolation(side, rule, $"protected record {side.Records}: {e.Message} (or the key log does not match)");
            Stop("records after one that cannot be decrypted are not checked");
            return null;
        }
    }

    private void Dispatch(Side side, ContentType type, byte[] content)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
        //# Handshake messages MUST NOT be interleaved with other record
        //# types.
        if (type != ContentType.Handshake && side.Deframer.HasPartialMessage)
        {
            RecordViolation(side, Rules.RecordInterleaving, $"{type} record inside a fragmented handshake message");
        }

        switch (type)
        {
            case ContentType.Handshake:
                HandleHandshake(side, content);
                break;
            case ContentType.Alert:
                HandleAlert(side, content);
                break;
            case ContentType.ApplicationData:
                HandleApplicationData(side, content);
                break;
            case ContentType.ChangeCipherSpec:
                RecordViolation(side, Rules.ChangeCipherSpec, "protected change_cipher_spec record");
                break;
            default:
                RecordViolation(side, Rules.MessageOrder, $"record of unknown content type {(byte)type}");
                Stop("unknown record type");
                break;
        }
    }

    private void CheckChangeCipherSpec(Side side, byte[] payload)
    {
        var entry = NewEntry(side, "change_cipher_spec", payload.Length);
        if (payload is not [0x01])
        {
            Violate(Rules.ChangeCipherSpec, $"change_cipher_spec content {Convert.ToHexString(payload)}, not 01");
        }
        else if (_state == HandshakeState.Start || side.FinishedSent)
        {
            Violate(Rules.ChangeCipherSpecTiming, side.FinishedSent ? "change_cipher_spec after the sender's Finished" : "change_cipher_spec before the ClientHello");
        }
        else
        {
            entry.Satisfied.Add(Rules.ChangeCipherSpec);
        }
    }

    private void HandleHandshake(Side side, byte[] content)
    {
        if (content.Length == 0)
        {
            RecordViolation(side, Rules.ZeroLengthHandshake, "zero-length handshake record");
            return;
        }

        side.Deframer.Append(content);
        while (!_stopped)
        {
            byte[]? message;
            try
            {
                message = side.Deframer.TryTakeMessage();
            }
            catch (TlsException e)
            {
                RecordViolation(side, Rules.Decode, e.Message);
                Stop("handshake framing is broken");
                return;
            }

            if (message is null)
            {
                return;
            }

            HandleMessage(side, message);
        }
    }

    private void HandleAlert(Side side, byte[] content)
    {
        var entry = NewEntry(side, "alert", content.Length);
        if (content.Length != 2)
        {
            Violate(Rules.AlertRecord, $"alert record of {content.Length} bytes");
            return;
        }

        var description = (AlertDescription)content[1];
        entry.Field("level", content[0] == 1 ? "warning" : content[0] == 2 ? "fatal" : content[0].ToString());
        entry.Field("description", description);
        entry.Satisfied.Add(Rules.AlertRecord);
        if (description == AlertDescription.CloseNotify)
        {
            side.ClosedNotify = true;
        }
        else if (description != AlertDescription.UserCanceled)
        {
            _report.Notes.Add($"{Name(side.Direction)} sent alert {description}: the connection ends there");
        }
    }

    private void HandleApplicationData(Side side, byte[] content)
    {
        side.ApplicationRecords++;
        side.ApplicationBytes += content.Length;
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //# Servers MAY send data after sending their first flight, but
        //# because the handshake is not yet complete, they have no assurance
        //# of either the peer's identity or its liveness
        var entry = NewEntry(side, "application_data", content.Length);
        if ((side == _server && side.FinishedSent && _state != HandshakeState.Connected)
            || (_state == HandshakeState.Connected && side.Protector is not null))
        {
            entry.Field("data", Preview(content));
            entry.Satisfied.Add(Rules.MessageOrder);
            return;
        }

        Violate(Rules.MessageOrder, $"application data from the {Sender(side)} in state {_state}{(side.Protector is null ? " (unprotected)" : "")}");
        Stop("the receiver would abort on premature application data");
    }

    private TraceEntry NewEntry(Side side, string message, int length)
    {
        _current = new TraceEntry(_report.Entries.Count, side.Direction, message, length);
        _report.Entries.Add(_current);
        return _current;
    }

    private void Violate(Rule rule, string detail)
    {
        var v = new Violation(rule, _current?.Index ?? -1, _current?.Direction, detail);
        _current?.Violations.Add(v);
        _report.Violations.Add(v);
    }

    private void RecordViolation(Side side, Rule rule, string detail)
    {
        NewEntry(side, "record", 0);
        Violate(rule, detail);
    }

    private void Stop(string why)
    {
        _stopped = true;
        _report.Notes.Add($"replay stopped: {why}");
    }

    /// <summary>Installs a new read key for one direction; the messages before it must end at a record boundary.</summary>
    private void SetKey(Side side, CipherSuiteSpec suite, byte[] secret, string after)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
        //# Implementations
        //# MUST verify that all messages immediately preceding a key change
        //# align with a record boundary
        if (side.Deframer.HasPartialMessage)
        {
            Violate(Rules.KeyChangeAlignment, $"{after} does not end at a record boundary before the key change");
            side.Deframer = new HandshakeDeframer();
        }

        side.Protector?.Dispose();
        side.Protector = RecordProtector.Create(suite, secret);
        side.Secret = secret;
    }

    private static Sender Sender(Side side) => side.Direction == Direction.ClientToServer ? Tls.StateMachine.Sender.Client : Tls.StateMachine.Sender.Server;

    private static string Preview(byte[] content)
    {
        var text = new string(content.Take(48).Select(b => b is >= 0x20 and < 0x7F ? (char)b : '.').ToArray());
        return content.Length > 48 ? text + "..." : text;
    }

    internal static string Name(Direction d) => d == Direction.ClientToServer ? "client" : "server";
}
