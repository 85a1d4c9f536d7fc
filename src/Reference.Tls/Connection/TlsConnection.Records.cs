using Reference.Tls.Crypto;
using Reference.Tls.Handshake;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Record;
using Reference.Tls.StateMachine;
using Reference.Tls.Wire;

namespace Reference.Tls;

/// <summary>Record dispatch: what each content type means at each point of the connection.</summary>
public sealed partial class TlsConnection
{
    // Rented while messages are queued, returned (zeroed) by each flush.
    private readonly TlsWriter _outgoingHandshake = TlsWriter.CreatePooled(4096);

    private void ProcessRecords()
    {
        while (!IsPeerClosed && _records.TryReadRecord(out var record))
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
            //# Handshake messages MUST NOT be interleaved with other record
            //# types.  That is, if a handshake message is split over two or more
            //# records, there MUST NOT be any other records between them.
            if (record.Type != ContentType.Handshake && _handshake.HasPartialMessage)
            {
                throw TlsErrors.Unexpected($"{record.Type} record inside a fragmented handshake message");
            }

            CountRecordWithoutProgress(record.Type is ContentType.Handshake || (record.Type is ContentType.ApplicationData && !record.Content.IsEmpty));
            switch (record.Type)
            {
                case ContentType.ChangeCipherSpec:
                    HandleChangeCipherSpec(record);
                    break;
                case ContentType.Alert:
                    HandleAlert(record.Content);
                    break;
                case ContentType.Handshake:
                    HandleHandshakeRecord(record.Content);
                    break;
                case ContentType.ApplicationData:
                    HandleApplicationData(record.Content);
                    break;
                default:
                    throw TlsErrors.Unexpected($"unexpected inner content type {(byte)record.Type}");
            }
        }

        FlushHandshake();
    }

    /// <summary>
    /// Most records in a row that carry neither a handshake byte nor an application byte: change_cipher_spec
    /// records, ignored (user_canceled) alerts and empty application_data fragments. A conforming peer sends
    /// at most one change_cipher_spec between two handshake messages (RFC 8446 D.4) and zero-length
    /// fragments only as an occasional countermeasure; 32 is also OpenSSL's MAX_EMPTY_RECORDS, so a peer that
    /// works with OpenSSL stays within it. Each such record costs the peer 5+ bytes and us constant work, so
    /// the bound caps the work per byte of progress.
    /// </summary>
    internal const int MaxRecordsWithoutProgress = 32;

    private int _recordsWithoutProgress;

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5
    //# If a TLS
    //# implementation receives an unexpected record type, it MUST terminate
    //# the connection with an "unexpected_message" alert.
    // Each record of the run is allowed on its own (RFC 8446 §5 drops a change_cipher_spec, §5.1 allows
    // zero-length application data); past the bound the run itself is what is unexpected.
    private void CountRecordWithoutProgress(bool progress)
    {
        _recordsWithoutProgress = progress ? 0 : _recordsWithoutProgress + 1;
        if (_recordsWithoutProgress > MaxRecordsWithoutProgress)
        {
            throw TlsErrors.Unexpected($"more than {MaxRecordsWithoutProgress} records in a row carry no handshake or application data");
        }
    }

    private void HandleChangeCipherSpec(PlainRecord record)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5
        //# An implementation may receive an unencrypted record of type
        //# change_cipher_spec consisting of the single byte value 0x01 at any
        //# time after the first ClientHello message has been sent or received
        //# and before the peer's Finished message has been received and MUST
        //# simply drop it without further processing.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5
        //# An
        //# implementation which receives any other change_cipher_spec value or
        //# which receives a protected change_cipher_spec record MUST abort the
        //# handshake with an "unexpected_message" alert.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5
        //# If an implementation
        //# detects a change_cipher_spec record received before the first
        //# ClientHello message or after the peer's Finished message, it MUST be
        //# treated as an unexpected record type
        if (record.WasProtected || record.Content.Length != 1 || record.Content[0] != 0x01)
        {
            throw TlsErrors.Unexpected("malformed or protected change_cipher_spec");
        }

        if (_state == HandshakeState.Start || _peerFinishedReceived)
        {
            throw TlsErrors.Unexpected("change_cipher_spec outside the handshake");
        }
    }

    private void HandleAlert(ReadOnlySpan<byte> content)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
        //# In other words, a record with an Alert type
        //# MUST contain exactly one message.
        if (content.Length != 2)
        {
            throw TlsErrors.Decode($"alert record of {content.Length} bytes");
        }

        var description = (AlertDescription)content[1];
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6
        //# Upon receiving such an alert, the TLS implementation SHOULD indicate
        //# end-of-data to the application.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
        //# If the application protocol using TLS provides that any data may be
        //# carried over the underlying transport after the TLS connection is
        //# closed, the TLS implementation MUST receive a "close_notify" alert
        //# before indicating end-of-data to the application layer.
        if (description == AlertDescription.CloseNotify)
        {
            IsPeerClosed = true;
            return;
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-6
        //# Unknown Alert types MUST be treated as error alerts.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6
        //# Upon receiving an error alert, the TLS implementation
        //# SHOULD indicate an error to the application and MUST NOT allow any
        //# further data to be sent or received on the connection.
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6
        //# All the alerts listed in Section 6.2 MUST be sent with AlertLevel=fatal
        //# and MUST be treated as error alerts when received regardless of the
        //# AlertLevel in the message.
        if (description == AlertDescription.UserCanceled)
        {
            return;
        }

        IsWriteClosed = true;
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
        //# The implementation SHOULD provide a way to facilitate logging the
        //# sending and receiving of alerts.
        throw TlsErrors.PeerAlert(description);
    }

    private void HandleApplicationData(ReadOnlySpan<byte> content)
    {
        if (_readingEarlyData)
        {
            ReceiveEarlyData(content);
            return;
        }

        Advance(TableMessage.ApplicationData, Peer);
        _appData.Append(content);
    }

    private void HandleHandshakeRecord(ReadOnlySpan<byte> content)
    {
        _handshake.Append(content);
        while (_handshake.TryTakeMessage(out var message))
        {
            var type = (HandshakeType)message[0];
            var body = message[4..];
            var kind = Classify(type, body);
            if (kind == TableMessage.EncryptedExtensions && AcceptsOfferedEarlyData(body))
            {
                kind = TableMessage.EncryptedExtensionsEarlyData;
            }

            Advance(kind, Peer);
            _config.HandshakeObserver?.Invoke(new HandshakeMessageEvent(false, MessageName(kind), message.Length));
            DispatchReceived(kind, message);
            if (_state is HandshakeState.Failed or HandshakeState.Closed)
            {
                return;
            }
        }
    }

    /// <summary>Maps a wire message to the table's alphabet; unknown and forbidden types are unexpected.</summary>
    private static TableMessage Classify(HandshakeType type, ReadOnlySpan<byte> body) => type switch
    {
        HandshakeType.ClientHello => TableMessage.ClientHello,
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
        //# Upon receiving a message with type server_hello, implementations MUST
        //# first examine the Random value and, if it matches this value, process it
        //# as described in Section 4.1.4).
        HandshakeType.ServerHello => ClassifyServerHello(body),
        HandshakeType.EncryptedExtensions => TableMessage.EncryptedExtensions,
        HandshakeType.CertificateRequest => TableMessage.CertificateRequest,
        HandshakeType.Certificate => IsEmptyCertificate(body) ? TableMessage.EmptyCertificate : TableMessage.Certificate,
        HandshakeType.CertificateVerify => TableMessage.CertificateVerify,
        HandshakeType.Finished => TableMessage.Finished,
        HandshakeType.NewSessionTicket => TableMessage.NewSessionTicket,
        HandshakeType.KeyUpdate => TableMessage.KeyUpdate,
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
        //# Servers MUST NOT send this message, and clients receiving it MUST
        //# terminate the connection with an "unexpected_message" alert.
        // The table has no row for an EndOfEarlyData sent by the server.
        HandshakeType.EndOfEarlyData => TableMessage.EndOfEarlyData,
        _ => throw TlsErrors.Unexpected($"unexpected handshake message type {(byte)type}"),
    };

    /// <summary>
    /// A HelloRetryRequest by its random; a ServerHello that accepts a PSK by its pre_shared_key. A body
    /// that does not parse is classified as a plain ServerHello: the table decides whether one may come now
    /// (unexpected_message), and its handler reports the decode_error.
    /// </summary>
    private static TableMessage ClassifyServerHello(ReadOnlySpan<byte> body)
    {
        var r = new TlsReader(body);
        r.ReadU16();
        if (r.ReadBytes(32).SequenceEqual(ServerHello.HelloRetryRequestRandom))
        {
            return TableMessage.HelloRetryRequest;
        }

        try
        {
            var hello = ServerHello.Parse(body);
            return Extensions.ExtensionBlock.Find(hello.Extensions, ExtensionType.PreSharedKey) is null
                ? TableMessage.ServerHello
                : TableMessage.ServerHelloPsk;
        }
        catch (TlsException)
        {
            return TableMessage.ServerHello;
        }
    }

    private static bool IsEmptyCertificate(ReadOnlySpan<byte> body)
    {
        var r = new TlsReader(body);
        r.ReadVector8();
        return r.ReadU24() == 0;
    }

    /// <summary>Moves along the transition table; a message with no row is rejected with the table's alert.</summary>
    private void Advance(TableMessage message, Sender sender)
    {
        var from = _state;
        if (!TransitionTable.TryNext(from, message, sender, out var to, out var alert))
        {
            if (sender == Self)
            {
                throw TlsErrors.Internal($"engine tried to send {message} in {from}");
            }

            throw TlsErrors.Protocol(alert, $"{message} from the {sender.ToString().ToLowerInvariant()} is not expected in state {from}");
        }

        _state = to;
        _config.TransitionObserver?.Invoke(new Transition(from, message, sender, to));
    }

    /// <summary>Frames a handshake message, adds it to the transcript and queues it for the next flush.</summary>
    private void SendHandshake(TableMessage kind, HandshakeType type, Action<TlsWriter> writeBody)
    {
        Advance(kind, Self);
        int start = _outgoingHandshake.Length;
        _outgoingHandshake.WriteU8((byte)type);
        var mark = _outgoingHandshake.BeginVector(3);
        writeBody(_outgoingHandshake);
        _outgoingHandshake.EndVector(mark);
        var message = _outgoingHandshake.Written[start..];
        if (kind != TableMessage.KeyUpdate && kind != TableMessage.NewSessionTicket)
        {
            _transcript.Add(message);
        }

        _config.HandshakeObserver?.Invoke(new HandshakeMessageEvent(true, MessageName(kind), message.Length));
    }

    /// <summary>Writes queued handshake messages as records under the current write protection.</summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //# Handshake messages MAY be coalesced into a single TLSPlaintext record
    //# or fragmented across several records, provided that:
    private void FlushHandshake(ushort plaintextVersion = ProtocolVersion.Tls12)
    {
        if (_outgoingHandshake.Length == 0)
        {
            return;
        }

        _records.WriteRecords(ContentType.Handshake, _outgoingHandshake.Written, plaintextVersion);
        _outgoingHandshake.Release();
    }

    /// <summary>Switches write protection; queued messages go out under the old keys first.</summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //# -  Handshake messages MUST NOT span key changes.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //# Because the ClientHello, EndOfEarlyData, ServerHello, Finished, and
    //# KeyUpdate messages can immediately precede a key change, implementations
    //# MUST send these messages in alignment with a record boundary.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.3
    //# Each sequence number is set to zero at the beginning of a connection and
    //# whenever the key is changed; the first record transmitted under a
    //# particular traffic key MUST use sequence number 0.
    private void SetWriteSecret(ReadOnlySpan<byte> secret)
    {
        FlushHandshake();
        _records.SetWriteProtector(RecordProtector.Create(_schedule!.Suite, secret));
    }

    private void SetReadSecret(ReadOnlySpan<byte> secret, string precedingMessage)
    {
        _handshake.EnsureAlignedForKeyChange(precedingMessage);
        _records.SetReadProtector(RecordProtector.Create(_schedule!.Suite, secret));
    }

    /// <summary>Middlebox compatibility (RFC 8446 D.4): one dummy change_cipher_spec per endpoint.</summary>
    private void SendChangeCipherSpecOnce()
    {
        if (!_config.MiddleboxCompatibility || _sentChangeCipherSpec)
        {
            return;
        }

        FlushHandshake();
        _records.WritePlaintextRecord(ContentType.ChangeCipherSpec, [0x01]);
        _sentChangeCipherSpec = true;
    }

    private static string MessageName(TableMessage kind) => kind switch
    {
        TableMessage.EmptyCertificate => "Certificate (empty)",
        _ => kind.ToString(),
    };
}
