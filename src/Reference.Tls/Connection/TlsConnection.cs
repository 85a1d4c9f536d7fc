using System.Security.Cryptography;
using Reference.Tls.Crypto;
using Reference.Tls.Handshake;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.KeySchedule;
using Reference.Tls.Record;
using Reference.Tls.StateMachine;

namespace Reference.Tls;

/// <summary>
/// A sans-IO TLS 1.3 connection: feed it the bytes received from the peer (<see cref="Feed"/>), send the
/// bytes it produces (<see cref="PendingOutput"/>, then <see cref="ConsumeOutput"/>). It owns no socket,
/// thread or timer. Every failure is a <see cref="TlsException"/>; the first one sticks, and any alert it
/// caused is left in the pending output for the caller to send.
/// </summary>
public sealed partial class TlsConnection : IDisposable
{
    private readonly TlsConfig _config;
    private readonly RecordLayer _records = new();
    private readonly HandshakeDeframer _handshake = new();
    private readonly ByteBuffer _appData = new(1024);
    private readonly TranscriptHash _transcript = new();
    private TlsException? _failure;
    private HandshakeState _state = HandshakeState.Start;
    private TlsKeySchedule? _schedule;
    private bool _sentChangeCipherSpec;
    private bool _peerFinishedReceived;

    private TlsConnection(TlsConfig config, TlsRole role)
    {
        config.Validate(role);
        _config = config;
        Role = role;
    }

    /// <summary>Client or server.</summary>
    public TlsRole Role { get; }

    internal BlindingMode Blinding => _config.Blinding;

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.5
    //# In order to allow applications to implement this kind of
    //# processing, TLS implementations MUST provide a way for the
    //# application to determine if the handshake has completed.
    /// <summary>Whether both Finished messages have been exchanged.</summary>
    public bool IsHandshakeComplete => _state == HandshakeState.Connected;

    /// <summary>The peer sent close_notify: no more application data will arrive.</summary>
    public bool IsPeerClosed { get; private set; }

    /// <summary>We sent close_notify (or a fatal alert): nothing more will be sent.</summary>
    public bool IsWriteClosed { get; private set; }

    /// <summary>
    /// After a failure the peer caused (a Protocol error), how long to wait before closing the transport,
    /// drawn from <see cref="TlsConfig.BlindingDelayRange"/>; zero otherwise.
    /// </summary>
    public TimeSpan BlindingDelay { get; private set; }

    /// <summary>Negotiated parameters, available once the handshake completes.</summary>
    public ConnectionInfo? Info { get; private set; }

    internal HandshakeState State => _state;

    /// <summary>Bytes waiting to be sent to the peer.</summary>
    public ReadOnlySpan<byte> PendingOutput => _records.PendingOutput;

    /// <summary>Whether the engine has bytes to send (see <see cref="PendingOutput"/>).</summary>
    public bool HasPendingOutput => !_records.PendingOutput.IsEmpty;

    /// <summary>Decrypted application data waiting to be read.</summary>
    public int AvailableApplicationData => _appData.Length;

    /// <summary>Marks <paramref name="count"/> bytes of <see cref="PendingOutput"/> as sent.</summary>
    public void ConsumeOutput(int count) => _records.ConsumeOutput(count);

    /// <summary>A client that will verify the server for <paramref name="serverName"/> (sent as server_name unless it is an IP address).</summary>
    public static TlsConnection CreateClient(TlsConfig config, string? serverName = null)
    {
        var connection = new TlsConnection(config, TlsRole.Client);
        connection.Guard(() => connection.StartClient(serverName));
        return connection;
    }

    /// <summary>A server with <paramref name="config"/> (it needs a certificate).</summary>
    public static TlsConnection CreateServer(TlsConfig config) => new(config, TlsRole.Server);

    /// <summary>Processes bytes received from the peer. Throws on a fatal error (after queueing the alert).</summary>
    public void Feed(ReadOnlySpan<byte> received)
    {
        ThrowIfFailed();
        if (IsPeerClosed)
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
            //# Any data received after a closure alert has been received MUST be ignored.
            return;
        }

        try
        {
            _records.AppendInput(received);
            ProcessRecords();
            ReleaseIdleBuffers();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw OnFailure(e);
        }
    }

    /// <summary>Copies decrypted application data into <paramref name="destination"/>; returns the count (0 if none).</summary>
    public int ReadApplicationData(Span<byte> destination)
    {
        int count = _appData.Drain(destination);
        _appData.ReleaseIfEmpty();
        return count;
    }

    /// <summary>
    /// Tests: bytes of pooled buffers this connection holds now (record input/output, handshake reassembly and
    /// queue, received application and early data); 0 for an idle connection with nothing pending.
    /// </summary>
    internal int HeldBufferBytesForTest =>
        _records.HeldBufferBytes + _handshake.HeldBufferBytes + _outgoingHandshake.Capacity + _appData.Capacity + _earlyData.Capacity;

    /// <summary>Tests: the key schedule, to check which secrets are still held.</summary>
    internal TlsKeySchedule? ScheduleForTest => _schedule;

    /// <summary>Gives emptied input buffers back to the pool (zeroed) once every record of this Feed is processed.</summary>
    private void ReleaseIdleBuffers()
    {
        _records.ReleaseInputIfEmpty();
        _handshake.ReleaseIfEmpty();
    }

    /// <summary>Encrypts application data into the pending output.</summary>
    public void WriteApplicationData(ReadOnlySpan<byte> data)
    {
        ThrowIfFailed();
        if (!IsHandshakeComplete)
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
            //# Note that Application Data records MUST NOT be written to the wire
            //# unprotected (see Section 2 for details).
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-2
            //# Application Data MUST NOT be sent prior to sending the Finished
            //# message, except as specified in Section 2.3.
            // Early data (section 2.3) has its own call, WriteEarlyData.
            throw TlsErrors.Usage("application data cannot be sent before the handshake completes");
        }

        if (IsWriteClosed)
        {
            throw TlsErrors.Closed("the connection was closed for writing");
        }

        try
        {
            Advance(TableMessage.ApplicationData, Self);
            WriteApplicationRecords(data);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw OnFailure(e);
        }
    }

    /// <summary>
    /// Protects application data record by record, first answering a pending KeyUpdate request and
    /// updating our key when it reaches its usage limit.
    /// </summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //# Application Data fragments MAY be split across multiple records or
    //# coalesced into a single record.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //# Zero-length
    //# fragments of Application Data MAY be sent, as they are potentially
    //# useful as a traffic analysis countermeasure.
    private void WriteApplicationRecords(ReadOnlySpan<byte> data)
    {
        do
        {
            SendPendingKeyUpdate();
            if (WriteKeyNeedsUpdate())
            {
                SendKeyUpdate(KeyUpdateRequest.UpdateNotRequested);
            }

            int chunk = Math.Min(data.Length, RecordLayer.MaxPlaintext);
            _records.WriteRecords(ContentType.ApplicationData, data[..chunk]);
            data = data[chunk..];
        }
        while (!data.IsEmpty);
    }

    private bool WriteKeyNeedsUpdate() =>
        _config.KeyUpdateRecordLimit is { } limit ? _records.WriteSequence >= limit : _records.WriteKeyExhausted;

    /// <summary>Queues close_notify: we send nothing more, but may still read (RFC 8446 §6.1 half-close).</summary>
    public void Close()
    {
        if (IsWriteClosed || _failure is not null)
        {
            return;
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
        //# Either party MAY initiate a close of its write side of the connection by
        //# sending a "close_notify" alert.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
        //# Each party MUST send a "close_notify" alert before closing its write
        //# side of the connection, unless it has already sent some error alert.
        SendAlert(AlertLevel.Warning, AlertDescription.CloseNotify);
        IsWriteClosed = true;
    }

    /// <summary>Erases the connection's secrets.</summary>
    public void Dispose()
    {
        _schedule?.Dispose();
        DisposeKeyShares();
        DisposeEarlyData();
        CryptographicOperations.ZeroMemory(_readApplicationSecret);
        CryptographicOperations.ZeroMemory(_writeApplicationSecret);
        _records.Dispose();
        _appData.Clear();
        _handshake.Clear();
        _outgoingHandshake.Release();
        _transcript.Dispose();
    }

    private Sender Self => Role == TlsRole.Client ? Sender.Client : Sender.Server;

    private Sender Peer => Role == TlsRole.Client ? Sender.Server : Sender.Client;

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw _failure;
        }
    }

    /// <summary>
    /// Runs one engine step; turns any failure into a sticky <see cref="TlsException"/>, queueing the
    /// alert it names. Nothing else escapes.
    /// </summary>
    private void Guard(Action step)
    {
        try
        {
            step();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw OnFailure(e);
        }
    }

    /// <summary>Makes a failure sticky and returns the exception to throw (wrapping non-TLS ones as Internal).</summary>
    private TlsException OnFailure(Exception e)
    {
        var tls = e as TlsException ?? TlsErrors.Internal($"internal failure ({e.GetType().Name})", e);
        if (!ReferenceEquals(tls, _failure))
        {
            Fail(tls);
        }

        return tls;
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
    //# Upon transmission or receipt of a fatal alert message, both parties MUST
    //# immediately close the connection.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
    //# Whenever an implementation encounters a fatal error condition, it SHOULD
    //# send an appropriate fatal alert and MUST close the connection without
    //# sending or receiving any additional data.
    private void Fail(TlsException e)
    {
        _failure = e;
        _state = HandshakeState.Failed;
        if (e.ErrorType == TlsErrorType.Protocol)
        {
            BlindingDelay = DrawBlindingDelay(_config.BlindingDelayRange);
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-6
        //# All the alerts listed in Section 6.2 MUST be sent with AlertLevel=fatal
        //# and MUST be treated as error alerts when received regardless of the
        //# AlertLevel in the message.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
        //# The phrases "terminate the connection with an X alert" and "abort the
        //# handshake with an X alert" mean that the implementation MUST send alert
        //# X if it sends any alert.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
        //# In the rest of this specification, when the phrases "terminate the
        //# connection" and "abort the handshake" are used without a specific alert
        //# it means that the implementation SHOULD send the alert indicated by the
        //# descriptions below.
        if (e.Alert is { } alert && !e.AlertFromPeer && !IsWriteClosed)
        {
            try
            {
                if (_config.S2nQuirks.HasFlag(S2nQuirks.CloseNotifyInsteadOfFatalAlert))
                {
                    SendAlert(AlertLevel.Warning, AlertDescription.CloseNotify);
                }
                else
                {
                    SendAlert(AlertLevel.Fatal, alert);
                }
            }
            catch (Exception)
            {
                // The alert is a courtesy; the original failure is what the caller must see.
            }
        }

        IsWriteClosed = true;
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6
        //# Servers and
        //# clients MUST forget the secret values and keys established in failed
        //# connections, with the exception of the PSKs associated with session
        //# tickets, which SHOULD be discarded if possible.
        _records.DiscardKeys();
        _schedule?.Dispose();
        ForgetEarlyExporter();
    }

    private static TimeSpan DrawBlindingDelay((TimeSpan Min, TimeSpan Max) range)
    {
        long spread = range.Max.Ticks - range.Min.Ticks;
        return range.Min + TimeSpan.FromTicks(spread == 0 ? 0 : RandomNumberGenerator.GetInt32(int.MaxValue) * spread / int.MaxValue);
    }

    private void SendAlert(AlertLevel level, AlertDescription description)
    {
        FlushHandshake();
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
        //# Alert messages (Section 6) MUST NOT be fragmented across records, and
        //# multiple alert messages MUST NOT be coalesced into a single TLSPlaintext
        //# record.
        _records.WriteRecords(ContentType.Alert, [(byte)level, (byte)description]);
    }
}
