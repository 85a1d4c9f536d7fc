using System.Security.Cryptography;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.KeySchedule;
using Reference.Tls.Record;
using Reference.Tls.StateMachine;

namespace Reference.Tls;

/// <summary>
/// Which handler runs for a received message. The transition table has already accepted the message,
/// so each (role, message) pair here has exactly one handler and none of them chooses what comes next.
/// </summary>
public sealed partial class TlsConnection
{
    private void DispatchReceived(TableMessage kind, ReadOnlySpan<byte> m)
    {
        switch (Role, kind)
        {
            case (TlsRole.Server, TableMessage.ClientHello): ServerReceiveClientHello(m); break;
            case (TlsRole.Server, TableMessage.Certificate): ServerReceiveClientCertificate(m, empty: false); break;
            case (TlsRole.Server, TableMessage.EmptyCertificate): ServerReceiveClientCertificate(m, empty: true); break;
            case (TlsRole.Server, TableMessage.CertificateVerify): ServerReceiveClientCertificateVerify(m); break;
            case (TlsRole.Server, TableMessage.Finished): ServerReceiveClientFinished(m); break;
            case (TlsRole.Server, TableMessage.EndOfEarlyData): ServerReceiveEndOfEarlyData(m); break;
            case (TlsRole.Client, TableMessage.ServerHello): ClientReceiveServerHello(m); break;
            case (TlsRole.Client, TableMessage.ServerHelloPsk): ClientReceiveServerHello(m); break;
            case (TlsRole.Client, TableMessage.HelloRetryRequest): ClientReceiveHelloRetryRequest(m); break;
            case (TlsRole.Client, TableMessage.EncryptedExtensions): ClientReceiveEncryptedExtensions(m); break;
            case (TlsRole.Client, TableMessage.EncryptedExtensionsEarlyData): ClientReceiveEncryptedExtensions(m); break;
            case (TlsRole.Client, TableMessage.CertificateRequest): ClientReceiveCertificateRequest(m); break;
            case (TlsRole.Client, TableMessage.Certificate): ReceivePeerCertificate(m, []); break;
            case (TlsRole.Client, TableMessage.CertificateVerify): ClientReceiveServerCertificateVerify(m); break;
            case (TlsRole.Client, TableMessage.Finished): ClientReceiveServerFinished(m); break;
            case (TlsRole.Client, TableMessage.NewSessionTicket): ClientReceiveNewSessionTicket(m); break;
            case (_, TableMessage.KeyUpdate): ReceiveKeyUpdate(m); break;
            default: throw TlsErrors.Internal($"no handler for {kind} received by the {Role}");
        }
    }

    private byte[]? _readApplicationSecret;
    private byte[]? _writeApplicationSecret;

    /// <summary>Sends KeyUpdate and moves our write key forward (RFC 8446 §4.6.3).</summary>
    public void UpdateKeys(bool requestPeerUpdate)
    {
        ThrowIfFailed();
        if (!IsHandshakeComplete || IsWriteClosed)
        {
            throw TlsErrors.Usage("keys can only be updated on an established, open connection");
        }

        Guard(() =>
        {
            // The answer to a pending peer request is itself our update: with requestPeerUpdate false one
            // KeyUpdate serves both. With it true a second is needed, since the answer must say
            // update_not_requested (RFC 8446 §4.6.3).
            bool answeredPeer = _peerRequestedKeyUpdate;
            SendPendingKeyUpdate();
            if (requestPeerUpdate || !answeredPeer)
            {
                SendKeyUpdate(requestPeerUpdate ? KeyUpdateRequest.UpdateRequested : KeyUpdateRequest.UpdateNotRequested);
            }

            FlushHandshake();
        });
    }

    /// <summary>Number of KeyUpdate messages received and sent (diagnostics and tests).</summary>
    public (int Received, int Sent) KeyUpdateCounts => (_keyUpdatesReceived, _keyUpdatesSent);

    private int _keyUpdatesReceived;
    private int _keyUpdatesSent;

    private void SendKeyUpdate(KeyUpdateRequest request)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
        //# Both sender and receiver MUST encrypt their KeyUpdate messages with the
        //# old keys.
        SendHandshake(TableMessage.KeyUpdate, HandshakeType.KeyUpdate, w => w.WriteU8((byte)request));
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
        //# After sending a KeyUpdate message, the sender SHALL send all
        //# its traffic using the next generation of keys, computed as described
        //# in Section 7.2.
        var current = _writeApplicationSecret ?? (Role == TlsRole.Client ? _schedule!.ClientApplicationTrafficSecret : _schedule!.ServerApplicationTrafficSecret);
        _writeApplicationSecret = TlsKeySchedule.NextTrafficSecret(_schedule!.Suite, current);
        SetWriteSecret(_writeApplicationSecret);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.2
        //# Once client_/server_application_traffic_secret_N+1 and its associated
        //# traffic keys have been computed, implementations SHOULD delete
        //# client_/server_application_traffic_secret_N and its associated
        //# traffic keys.
        CryptographicOperations.ZeroMemory(current);
        _keyUpdatesSent++;
    }

    private void ReceiveKeyUpdate(ReadOnlySpan<byte> message)
    {
        var request = KeyUpdateMessage.Parse(message[4..], _config.S2nQuirks.HasFlag(S2nQuirks.AcceptKeyUpdateTrailingBytes));
        var current = _readApplicationSecret ?? (Role == TlsRole.Client ? _schedule!.ServerApplicationTrafficSecret : _schedule!.ClientApplicationTrafficSecret);
        _readApplicationSecret = TlsKeySchedule.NextTrafficSecret(_schedule!.Suite, current);
        CryptographicOperations.ZeroMemory(current);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
        //# Upon receiving a KeyUpdate, the receiver MUST update its receiving keys.
        // The read key moves only here, after the KeyUpdate itself was opened with the old key: a record
        // sealed under the new key before it fails to open (bad_record_mac).
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
        //# Additionally, both sides MUST enforce that a KeyUpdate
        //# with the old key is received before accepting any messages encrypted
        //# with the new key.
        SetReadSecret(_readApplicationSecret, "KeyUpdate");
        _keyUpdatesReceived++;
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
        //# If the request_update
        //# field is set to "update_requested", then the receiver MUST send a
        //# KeyUpdate of its own with request_update set to
        //# "update_not_requested" prior to sending its next Application Data
        //# record.
        // Like s2n, answer on our next send, once however many requests arrived meanwhile: a peer
        // flooding requests then cannot make us queue unbounded output while nobody writes.
        if (request == KeyUpdateRequest.UpdateRequested && !IsWriteClosed)
        {
            _peerRequestedKeyUpdate = true;
        }
    }

    private bool _peerRequestedKeyUpdate;

    /// <summary>
    /// Tests: the application traffic secret arrays this connection holds now, and its record layer's
    /// protectors, so a test can check that a KeyUpdate erased the previous generation (RFC 8446 §7.2).
    /// </summary>
    internal (byte[] Write, byte[] Read, RecordProtector? WriteProtector, RecordProtector? ReadProtector) ApplicationKeysForTest =>
    (
        _writeApplicationSecret ?? (Role == TlsRole.Client ? _schedule!.ClientApplicationTrafficSecret : _schedule!.ServerApplicationTrafficSecret),
        _readApplicationSecret ?? (Role == TlsRole.Client ? _schedule!.ServerApplicationTrafficSecret : _schedule!.ClientApplicationTrafficSecret),
        _records.ProtectorsForTest.Write,
        _records.ProtectorsForTest.Read);

    private void SendPendingKeyUpdate()
    {
        if (_peerRequestedKeyUpdate)
        {
            _peerRequestedKeyUpdate = false;
            SendKeyUpdate(KeyUpdateRequest.UpdateNotRequested);
        }
    }
}
