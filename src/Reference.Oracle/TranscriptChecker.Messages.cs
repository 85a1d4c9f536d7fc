using Reference.Tls;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.StateMachine;
using Reference.Tls.Wire;

namespace Reference.Oracle;

/// <summary>Handshake messages: the transition table, then each message's clauses.</summary>
internal sealed partial class TranscriptChecker
{
    private readonly TranscriptHash _transcript = new();
    private CipherSuiteSpec? _suite;
    private ClientHello? _firstClientHello;
    private ClientHello? _clientHello;
    private ServerHello? _helloRetry;
    private CertificateRequest? _certificateRequest;
    private byte[]? _serverLeaf;
    private byte[]? _clientLeaf;
    private byte[]? _clientHandshakeSecret;
    private byte[]? _serverHandshakeSecret;

    private void HandleMessage(Side side, byte[] message)
    {
        var type = (HandshakeType)message[0];
        var body = message.AsSpan(4);
        NewEntry(side, MessageName(type), message.Length);
        TableMessage kind;
        try
        {
            kind = Classify(type, body);
        }
        catch (TlsException e)
        {
            Violate(e.Alert == AlertDescription.UnexpectedMessage ? Rules.MessageOrder : Rules.Decode, e.Message);
            Stop("unknown or malformed handshake message");
            return;
        }

        if (kind == TableMessage.HelloRetryRequest)
        {
            _current!.Message = "HelloRetryRequest";
        }

        if (!Advance(side, kind))
        {
            return;
        }

        try
        {
            CheckMessage(side, kind, message);
        }
        catch (TlsException e)
        {
            Violate(RuleFor(e), e.Message);
            if (kind is TableMessage.ClientHello or TableMessage.ServerHello or TableMessage.HelloRetryRequest)
            {
                Stop("without the hellos the keys and the rest cannot be followed");
                return;
            }

            AddToTranscript(kind, message);
        }
    }

    /// <summary>Looks the message up in the engine's transition table; a missing row ends the replay.</summary>
    private bool Advance(Side side, TableMessage kind)
    {
        var sender = Sender(side);
        if (TransitionTable.TryNext(_state, kind, sender, out var to, out var alert))
        {
            _current!.Transition = $"{_state} -> {to}";
            _current.Satisfied.Add(Rules.MessageOrder);
            _state = to;
            return true;
        }

        var rule = kind == TableMessage.KeyUpdate ? Rules.KeyUpdateTiming
            : kind == TableMessage.HelloRetryRequest && _helloRetry is not null ? Rules.RetryOnce
            : alert == AlertDescription.DecodeError && kind == TableMessage.EmptyCertificate ? Rules.ServerCertificateEmpty
            : Rules.MessageOrder;
        Violate(rule, $"{kind} from the {Name(side.Direction)} is not allowed in state {_state} (the receiver sends {alert})");
        Stop("a message out of order: the receiver would abort the handshake here");
        return false;
    }

    private void CheckMessage(Side side, TableMessage kind, byte[] message)
    {
        var body = message.AsSpan(4);
        switch (kind)
        {
            case TableMessage.ClientHello: CheckClientHello(ClientHello.Parse(body), message); break;
            case TableMessage.HelloRetryRequest: CheckHelloRetry(ServerHello.Parse(body), message); break;
            case TableMessage.ServerHello: CheckServerHello(ServerHello.Parse(body), message); break;
            case TableMessage.EncryptedExtensions: CheckEncryptedExtensions(EncryptedExtensions.Parse(body), message); break;
            case TableMessage.CertificateRequest: CheckCertificateRequest(CertificateRequest.Parse(body), message); break;
            case TableMessage.Certificate or TableMessage.EmptyCertificate: CheckCertificate(side, CertificateMessage.Parse(body), message); break;
            case TableMessage.CertificateVerify: CheckCertificateVerify(side, CertificateVerifyMessage.Parse(body), message); break;
            case TableMessage.Finished: CheckFinished(side, message); break;
            case TableMessage.NewSessionTicket: DescribeTicket(NewSessionTicketMessage.Parse(body)); break;
            case TableMessage.KeyUpdate: CheckKeyUpdate(side, body); break;
            default: throw new InvalidOperationException($"no check for {kind}");
        }
    }

    /// <summary>Maps a parser's rejection to the clause it enforces.</summary>
    private static Rule RuleFor(TlsException e) => e.Message switch
    {
        var m when m.StartsWith("duplicate extension", StringComparison.Ordinal) => Rules.ExtensionDuplicate,
        var m when m.StartsWith("extension ", StringComparison.Ordinal) && m.Contains("is not allowed", StringComparison.Ordinal) => Rules.ExtensionPlacement,
        var m when m.StartsWith("KeyUpdate request_update", StringComparison.Ordinal) => Rules.KeyUpdateValue,
        _ when e.Alert == AlertDescription.DecryptError => Rules.CertificateVerify,
        _ => Rules.Decode,
    };

    private void Check(bool ok, Rule rule, string detail)
    {
        if (ok)
        {
            if (!_current!.Satisfied.Contains(rule))
            {
                _current.Satisfied.Add(rule);
            }
        }
        else
        {
            Violate(rule, detail);
        }
    }

    private void AddToTranscript(TableMessage kind, byte[] message)
    {
        if (kind is not TableMessage.KeyUpdate and not TableMessage.NewSessionTicket && _transcript.MessageCount >= 0)
        {
            _transcript.Add(message);
        }
    }

    private static TableMessage Classify(HandshakeType type, ReadOnlySpan<byte> body)
    {
        var r = new TlsReader(body);
        return type switch
        {
            HandshakeType.ClientHello => TableMessage.ClientHello,
            HandshakeType.ServerHello => SkipU16(ref r).ReadBytes(32).SequenceEqual(ServerHello.HelloRetryRequestRandom) ? TableMessage.HelloRetryRequest : TableMessage.ServerHello,
            HandshakeType.EncryptedExtensions => TableMessage.EncryptedExtensions,
            HandshakeType.CertificateRequest => TableMessage.CertificateRequest,
            HandshakeType.Certificate => SkipVector8(ref r).ReadU24() == 0 ? TableMessage.EmptyCertificate : TableMessage.Certificate,
            HandshakeType.CertificateVerify => TableMessage.CertificateVerify,
            HandshakeType.Finished => TableMessage.Finished,
            HandshakeType.NewSessionTicket => TableMessage.NewSessionTicket,
            HandshakeType.KeyUpdate => TableMessage.KeyUpdate,
            _ => throw TlsErrors.Unexpected($"handshake message type {(byte)type} is not part of TLS 1.3"),
        };
    }

    private static ref TlsReader SkipU16(ref TlsReader r)
    {
        r.ReadU16();
        return ref r;
    }

    private static ref TlsReader SkipVector8(ref TlsReader r)
    {
        r.ReadVector8();
        return ref r;
    }

    private static string MessageName(HandshakeType type) => type switch
    {
        HandshakeType.ClientHello => "ClientHello",
        HandshakeType.ServerHello => "ServerHello",
        HandshakeType.EncryptedExtensions => "EncryptedExtensions",
        HandshakeType.CertificateRequest => "CertificateRequest",
        HandshakeType.Certificate => "Certificate",
        HandshakeType.CertificateVerify => "CertificateVerify",
        HandshakeType.Finished => "Finished",
        HandshakeType.NewSessionTicket => "NewSessionTicket",
        HandshakeType.KeyUpdate => "KeyUpdate",
        _ => $"handshake type {(byte)type}",
    };

    private static string Names(IEnumerable<Extension> extensions) => string.Join(", ", extensions.Select(e => Enum.IsDefined(e.Type) ? e.Type.ToString() : $"0x{(ushort)e.Type:x4}"));

    private static string Hex(ReadOnlySpan<byte> bytes) => bytes.Length == 0 ? "(empty)" : Convert.ToHexStringLower(bytes);
}
