using System.Security.Cryptography;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Record;
using Reference.Tls.StateMachine;

namespace Reference.Tls;

/// <summary>
/// 0-RTT early data (RFC 8446 §2.3, §4.2.10, §4.5). The client protects early data under
/// client_early_traffic_secret of the first offered PSK right after its ClientHello; the server accepts it
/// only when every §4.2.10 condition holds and keeps it apart from 1-RTT data (<see cref="ReadEarlyData"/>):
/// early data can be replayed, so the application must know which bytes were early. Early data records are
/// not handshake messages and so are not in the transition table; EndOfEarlyData is.
/// Anti-replay (§8): the server checks the ticket age against <see cref="TlsConfig.EarlyDataTicketAgeTolerance"/>
/// (freshness, §8.3) and records the binder of each accepted 0-RTT ClientHello for twice that window in
/// <see cref="TlsConfig.EarlyDataReplayFilter"/> (§8.2), accepting 0-RTT at most once per ClientHello.
/// </summary>
public sealed partial class TlsConnection
{
    /// <summary>rustls's bound for skipping rejected early data when the server allows none: one full record.</summary>
    private const int DefaultEarlyDataSkipBudget = RecordLayer.MaxPlaintext;

    private readonly ByteBuffer _earlyData = new(256);
    private uint _earlyDataLimit;
    private long _earlyDataBytes;
    private bool _readingEarlyData;
    private int _selectedPskIndex = -1;
    private byte[]? _clientEarlyTrafficSecret;

    /// <summary>Where 0-RTT stands on this connection, as far as the handshake has got.</summary>
    public EarlyDataStatus EarlyDataStatus { get; private set; }

    /// <summary>Server: accepted 0-RTT bytes waiting to be read with <see cref="ReadEarlyData"/>.</summary>
    public int AvailableEarlyData => _earlyData.Length;

    /// <summary>
    /// Client: sends 0-RTT data, protected under client_early_traffic_secret, queued after the ClientHello.
    /// Allowed from creation until the ServerHello arrives, when the first offered PSK allows early data
    /// (<see cref="TlsSession.MaxEarlyDataSize"/>), up to that many bytes in total. The server may reject
    /// it (<see cref="EarlyDataStatus"/>); it is then lost, and not resent: the application may resend it
    /// as 1-RTT data once the handshake completes.
    /// </summary>
    public void WriteEarlyData(ReadOnlySpan<byte> data)
    {
        ThrowIfFailed();
        if (Role != TlsRole.Client || EarlyDataStatus != EarlyDataStatus.Requested || _state != HandshakeState.AfterClientHello)
        {
            throw TlsErrors.Usage("early data can only be written by a client offering a 0-RTT-capable session, before the ServerHello");
        }

        if (_earlyDataBytes + data.Length > _earlyDataLimit)
        {
            throw TlsErrors.Usage($"early data is limited to {_earlyDataLimit} bytes by the session");
        }

        if (data.IsEmpty)
        {
            return;
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# Note that servers
        //# that reject early data due to lack of cryptographic material will
        //# be unable to differentiate padding from content, so clients
        //# SHOULD NOT depend on being able to send large quantities of
        //# padding in early data records.
        // Early data records carry no padding.

        try
        {
            _records.WriteRecords(ContentType.ApplicationData, data);
            _earlyDataBytes += data.Length;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw OnFailure(e);
        }
    }

    /// <summary>
    /// Server: copies accepted 0-RTT data into <paramref name="destination"/>; returns the count (0 if
    /// none). Early data is never returned by <see cref="ReadApplicationData"/>: it may be a replay.
    /// </summary>
    public int ReadEarlyData(Span<byte> destination)
    {
        int count = _earlyData.Drain(destination);
        _earlyData.ReleaseIfEmpty();
        return count;
    }

    /// <summary>Client: whether to offer early_data with these PSKs (the first one carries the early data).</summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.5
    //# In addition, to avoid accidental misuse, TLS implementations MUST NOT
    //# enable 0-RTT (either sending or accepting) unless specifically
    //# requested by the application and MUST NOT automatically resend 0-RTT
    //# data if it is rejected by the server unless instructed by the
    //# application.
    private bool ShouldOfferEarlyData(List<TlsSession> psks) =>
        _config.OfferEarlyData && _hrrSuite is null && psks.Count > 0 && psks[0].MaxEarlyDataSize > 0 && _config.CipherSuites.Contains(psks[0].CipherSuite);

    /// <summary>Client, right after the first ClientHello: the dummy change_cipher_spec, then the early write key.</summary>
    private void StartClientEarlyData()
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# When a PSK is used and early data is allowed for that PSK, the client
        //# can send Application Data in its first flight of messages.
        var (psk, schedule) = _offeredPsks[0];
        var suite = CipherSuiteSpec.Get(psk.CipherSuite);
        _earlyDataLimit = psk.MaxEarlyDataSize;
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4
        //# If offering early data, the record is placed
        //# immediately after the first ClientHello.
        SendChangeCipherSpecOnce();
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# The PSK used to encrypt the early data MUST be the first PSK listed in
        //# the client's "pre_shared_key" extension.
        var clientHelloHash = _transcript.HashWith(suite.Hash, ReadOnlySpan<byte>.Empty);
        var secret = schedule.DeriveClientEarlyTrafficSecret(clientHelloHash);
        DeriveEarlyExporter(schedule, clientHelloHash);
        LogSecret("CLIENT_EARLY_TRAFFIC_SECRET", secret);
        _records.SetWriteProtector(RecordProtector.Create(suite, secret));
        CryptographicOperations.ZeroMemory(secret);
    }

    /// <summary>Client: a HelloRetryRequest rejects early data; the second ClientHello goes out in plaintext.</summary>
    private void RejectEarlyDataOnHelloRetry()
    {
        if (EarlyDataStatus == EarlyDataStatus.Requested)
        {
            MarkEarlyDataRejected();
            _records.ClearWriteProtector();
        }
    }

    /// <summary>Client: the server did not take our early data; it is dropped here, never resent by the engine.</summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //# If the server rejects the "early_data" extension, the client application
    //# MAY opt to retransmit the Application Data previously sent in early data
    //# once the handshake has been completed.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //# A TLS implementation SHOULD NOT automatically resend early data;
    //# applications are in a better position to decide when retransmission is
    //# appropriate.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //# A TLS implementation MUST NOT automatically resend early data unless the
    //# negotiated connection selects the same ALPN protocol.
    private void MarkEarlyDataRejected()
    {
        EarlyDataStatus = EarlyDataStatus.Rejected;
        _earlyDataLimit = 0;
        // The server has no early secret for a rejected offer, so neither peer has an early exporter.
        ForgetEarlyExporter();
    }

    /// <summary>Client: what EncryptedExtensions says about the offered early data.</summary>
    private void ClientCheckEarlyDataAnswer(EncryptedExtensions ee)
    {
        if (ExtensionBlock.Find(ee.Extensions, ExtensionType.EarlyData) is not { } data)
        {
            if (EarlyDataStatus == EarlyDataStatus.Requested)
            {
                MarkEarlyDataRejected();
            }

            return;
        }

        if (data.Length != 0)
        {
            throw TlsErrors.Decode("EncryptedExtensions early_data must be empty");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
        //# If the server supplies an "early_data" extension, the client MUST verify
        //# that the server's selected_identity is 0.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
        //# If any other value is returned, the client MUST abort the handshake with
        //# an "illegal_parameter" alert.
        if (_selectedPskIndex != 0)
        {
            throw TlsErrors.IllegalParameter($"server accepted early data with PSK {_selectedPskIndex}, not the first");
        }

        EarlyDataStatus = EarlyDataStatus.Accepted;
    }

    /// <summary>Client, after the server Finished: EndOfEarlyData under the early key when early data was accepted.</summary>
    private void SendEndOfEarlyDataIfAccepted()
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
        //# If the server sent an "early_data" extension in EncryptedExtensions, the
        //# client MUST send an EndOfEarlyData message after receiving the server
        //# Finished.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
        //# If the server does not send an "early_data" extension in
        //# EncryptedExtensions, then the client MUST NOT send an EndOfEarlyData
        //# message.
        if (EarlyDataStatus == EarlyDataStatus.Accepted)
        {
            SendHandshake(TableMessage.EndOfEarlyData, HandshakeType.EndOfEarlyData, _ => { });
            // Flushed under the early key by the key change that follows.
        }
    }

    /// <summary>Server: whether this ClientHello offers early data, checked against HelloRetryRequest rules.</summary>
    private void ServerNoteEarlyDataOffer(ClientHello hello)
    {
        if (ExtensionBlock.Find(hello.Extensions, ExtensionType.EarlyData) is not { } data)
        {
            return;
        }

        if (data.Length != 0)
        {
            throw TlsErrors.Decode("ClientHello early_data must be empty");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# A client MUST NOT include the "early_data" extension in its followup
        //# ClientHello.
        if (_sentHelloRetry)
        {
            throw TlsErrors.IllegalParameter("early_data in the ClientHello that answers a HelloRetryRequest");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# If the client opts to do so, it MUST supply both the "pre_shared_key"
        //# and "early_data" extensions.
        if (ExtensionBlock.Find(hello.Extensions, ExtensionType.PreSharedKey) is null)
        {
            throw TlsErrors.IllegalParameter("early_data offered without pre_shared_key");
        }

        EarlyDataStatus = EarlyDataStatus.Requested;
    }

    /// <summary>
    /// Server: after a HelloRetryRequest that rejected early data, skip application_data records until the
    /// second ClientHello.
    /// </summary>
    private void SkipEarlyDataAfterHelloRetry()
    {
        if (EarlyDataStatus != EarlyDataStatus.Requested)
        {
            return;
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# The server
        //# then ignores early data by skipping all records with an external
        //# content type of "application_data" (indicating that they are
        //# encrypted), up to the configured max_early_data_size.
        EarlyDataStatus = EarlyDataStatus.Rejected;
        _records.EarlyDataSkipBudget = EarlyDataSkipBudget();
    }

    private int EarlyDataSkipBudget() =>
        _config.MaxEarlyDataSize == 0 ? DefaultEarlyDataSkipBudget : (int)Math.Min(_config.MaxEarlyDataSize, int.MaxValue);

    /// <summary>Server: decides whether to accept the offered early data (RFC 8446 §4.2.10's conditions).</summary>
    private void ServerDecideEarlyData(ServerChoice choice, SelectedPsk? psk)
    {
        if (_config.DangerousTestAlwaysAcceptEarlyData && psk is { } forced)
        {
            EarlyDataStatus = EarlyDataStatus.Accepted;
            _earlyDataLimit = forced.Session.MaxEarlyDataSize;
            return;
        }

        if (EarlyDataStatus != EarlyDataStatus.Requested)
        {
            return;
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# A server which receives an "early_data" extension MUST behave in one of
        //# three ways:
        // Accept it (early_data in EncryptedExtensions), or reject it by skipping early records under the
        // handshake key (ServerSetFirstReadKey) or after a HelloRetryRequest (SkipEarlyDataAfterHelloRetry).
        bool accept = psk is { } selected && EarlyDataAcceptable(choice, selected);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# If any of these checks fail, the server MUST NOT respond with the
        //# extension and must discard all the first-flight data using one of the
        //# first two mechanisms listed above (thus falling back to 1-RTT or 2-RTT).
        EarlyDataStatus = accept ? EarlyDataStatus.Accepted : EarlyDataStatus.Rejected;
        if (accept)
        {
            _earlyDataLimit = Math.Min(_config.MaxEarlyDataSize, psk!.Value.Session.MaxEarlyDataSize);
        }
    }

    /// <summary>Every RFC 8446 §4.2.10 condition for accepting early data with the selected PSK.</summary>
    private bool EarlyDataAcceptable(ServerChoice choice, SelectedPsk psk)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# In order to accept early data, the server MUST have accepted a PSK
        //# cipher suite and selected the first key offered in the client's
        //# "pre_shared_key" extension.
        if (psk.Index != 0 || _config.MaxEarlyDataSize == 0 || psk.Session.MaxEarlyDataSize == 0)
        {
            return false;
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# In addition, it MUST verify that the following values are the same as
        //# those associated with the selected PSK:
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# -  The selected cipher suite
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# -  The selected ALPN [RFC7301] protocol, if any
        // The TLS version is always 1.3: tickets are only issued, and PSKs only accepted, in TLS 1.3.
        if (choice.Suite.Id != psk.Session.CipherSuite || !string.Equals(choice.Alpn, psk.Session.ApplicationProtocol, StringComparison.Ordinal))
        {
            return false;
        }

        return (!psk.Session.IsResumption || TicketAgeIsFresh(psk)) && FirstUseOfThisClientHello(psk);
    }

    /// <summary>The anti-replay record (RFC 8446 §8.2): 0-RTT at most once per ClientHello on this server instance.</summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-8
    //# The server MUST ensure that any
    //# instance of it (be it a machine, a thread, or any other entity within
    //# the relevant serving infrastructure) would accept 0-RTT for the same
    //# 0-RTT handshake at most once; this limits the number of replays to
    //# the number of server instances in the deployment.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-8.2
    //# The server MUST derive the storage key only from validated sections
    //# of the ClientHello.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-8
    //# Servers
    //# SHOULD provide that level of replay safety by implementing one of the
    //# methods described in this section or by equivalent means.
    // ClientHello recording (section 8.2) together with the freshness check (section 8.3, TicketAgeIsFresh).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-8.2
    //# Servers MAY
    //# also implement data stores with false positives, such as Bloom
    //# filters, in which case they MUST respond to apparent replay by
    //# rejecting 0-RTT but MUST NOT abort the handshake.
    // A full filter answers "seen" for ClientHellos it never saw (a false positive): like a replay, that only
    // rejects 0-RTT, and the handshake goes on in 1-RTT.
    // The key is the binder of the first identity, which VerifyBinder checked. Only the freshness check and
    // this record guard against replays; there is no startup quarantine (RFC 8446 §8.2 SHOULD, not done).
    private bool FirstUseOfThisClientHello(SelectedPsk psk) =>
        _config.EarlyDataReplayFilter is not { } filter
        || filter.TryRecordFirstUse(psk.Binder, Now, 2 * _config.EarlyDataTicketAgeTolerance);

    /// <summary>The client's view of the ticket's age against ours (RFC 8446 §4.2.10, §8.3).</summary>
    private bool TicketAgeIsFresh(SelectedPsk psk)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# For PSKs provisioned via NewSessionTicket, a server MUST validate that
        //# the ticket age for the selected PSK identity (computed by subtracting
        //# ticket_age_add from PskIdentity.obfuscated_ticket_age modulo 2^32) is
        //# within a small tolerance of the time since the ticket was issued (see
        //# Section 8).
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# If it is not, the server SHOULD proceed with the handshake but reject
        //# 0-RTT, and SHOULD NOT take any other action that assumes that this
        //# ClientHello is fresh.
        uint clientAgeMs = unchecked(psk.ObfuscatedTicketAge - psk.Session.AgeAdd);
        double serverAgeMs = (Now - psk.Session.IssuedAt).TotalMilliseconds;
        return Math.Abs(clientAgeMs - serverAgeMs) <= _config.EarlyDataTicketAgeTolerance.TotalMilliseconds;
    }

    /// <summary>Server: after sending its flight, read under the early key (accepted) or skip early data (rejected).</summary>
    private void ServerSetFirstReadKey()
    {
        if (EarlyDataStatus == EarlyDataStatus.Accepted)
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
            //# If the server chooses to accept the "early_data" extension, then it MUST
            //# comply with the same error-handling requirements specified for all
            //# records when processing early data records.
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
            //# Specifically, if the server fails to decrypt a 0-RTT record following an
            //# accepted "early_data" extension, it MUST terminate the connection with a
            //# "bad_record_mac" alert as per Section 5.2.
            // Early records go through the same record layer (and RecordProtector.Open) as all others.
            SetReadSecret(_clientEarlyTrafficSecret!, "ClientHello");
            _readingEarlyData = true;
            return;
        }

        SetReadSecret(_schedule!.ClientHandshakeTrafficSecret, "ClientHello");
        if (EarlyDataStatus == EarlyDataStatus.Rejected)
        {
            _records.EarlyDataSkipBudget = EarlyDataSkipBudget();
        }
    }

    /// <summary>Server: one accepted 0-RTT application_data record.</summary>
    private void ReceiveEarlyData(ReadOnlySpan<byte> content)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# A server receiving more than max_early_data_size bytes of 0-RTT data
        //# SHOULD terminate the connection with an "unexpected_message" alert.
        if (_earlyDataBytes + content.Length > _earlyDataLimit)
        {
            throw TlsErrors.Unexpected($"more than {_earlyDataLimit} bytes of early data");
        }

        _earlyDataBytes += content.Length;
        _earlyData.Append(content);
    }

    private void ServerReceiveEndOfEarlyData(ReadOnlySpan<byte> message)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
        //# struct {} EndOfEarlyData;
        if (message.Length != 4)
        {
            throw TlsErrors.Decode("EndOfEarlyData must be empty");
        }

        _transcript.Add(message);
        _readingEarlyData = false;
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
        //# This message is encrypted under keys
        //# derived from the client_early_traffic_secret.
        SetReadSecret(_schedule!.ClientHandshakeTrafficSecret, "EndOfEarlyData");
        CryptographicOperations.ZeroMemory(_clientEarlyTrafficSecret);
        _clientEarlyTrafficSecret = null;
    }

    /// <summary>Client: whether an EncryptedExtensions body accepts the early data we offered (the table's refinement).</summary>
    private bool AcceptsOfferedEarlyData(ReadOnlySpan<byte> body)
    {
        if (Role != TlsRole.Client || EarlyDataStatus != EarlyDataStatus.Requested)
        {
            return false;
        }

        try
        {
            return ExtensionBlock.Find(EncryptedExtensions.Parse(body).Extensions, ExtensionType.EarlyData) is not null;
        }
        catch (TlsException)
        {
            return false;
        }
    }

    /// <summary>Server: the early_data extension of NewSessionTicket, when we accept early data.</summary>
    private List<Extension> NewSessionTicketExtensions()
    {
        if (_config.MaxEarlyDataSize == 0)
        {
            return [];
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# max_early_data_size:  The maximum amount of 0-RTT data that the
        //# client is allowed to send when using this ticket, in bytes.
        uint max = _config.MaxEarlyDataSize;
        return [new(ExtensionType.EarlyData, [(byte)(max >> 24), (byte)(max >> 16), (byte)(max >> 8), (byte)max])];
    }

    /// <summary>Client: max_early_data_size from a NewSessionTicket's early_data extension (0 without one).</summary>
    private static uint TicketMaxEarlyDataSize(NewSessionTicketMessage ticket)
    {
        if (ExtensionBlock.Find(ticket.Extensions, ExtensionType.EarlyData) is not { } data)
        {
            return 0;
        }

        var r = new Wire.TlsReader(data);
        uint max = r.ReadU32();
        r.ExpectEnd("early_data");
        return max;
    }

    private void DisposeEarlyData()
    {
        CryptographicOperations.ZeroMemory(_clientEarlyTrafficSecret);
        _clientEarlyTrafficSecret = null;
        ForgetEarlyExporter();
        _earlyData.Clear();
    }
}
