using System.Security.Cryptography;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.KeySchedule;
using Reference.Tls.Session;
using Reference.Tls.StateMachine;
using Reference.Tls.Wire;

namespace Reference.Tls;

/// <summary>
/// Pre-shared keys (RFC 8446 §2.2, §4.2.11, §4.6.1): session tickets issued and redeemed, external PSKs,
/// binders. Only psk_dhe_ke is offered and accepted, as s2n does: a PSK handshake still runs (EC)DHE.
/// </summary>
public sealed partial class TlsConnection
{
    private readonly List<TlsSession> _receivedSessions = [];
    private TlsSession? _resumeSession;
    private List<(TlsSession Psk, TlsKeySchedule Schedule)> _offeredPsks = [];
    private CipherSuiteSpec? _hrrSuite;
    private bool _pskAccepted;
    private int _ticketsIssued;
    private DateTime? _sessionAuthenticatedAt;

    /// <summary>Session tickets this client received; pass one to <see cref="CreateClient(TlsConfig, string?, TlsSession?)"/> to resume.</summary>
    public IReadOnlyList<TlsSession> ReceivedSessions => _receivedSessions;

    /// <summary>A client that offers <paramref name="session"/> (a ticket or an external PSK) before any configured PSKs.</summary>
    public static TlsConnection CreateClient(TlsConfig config, string? serverName, TlsSession? session)
    {
        var connection = new TlsConnection(config, TlsRole.Client) { _resumeSession = session };
        connection.Guard(() => connection.StartClient(serverName));
        return connection;
    }

    private DateTime Now => _config.DangerousClock?.Invoke() ?? DateTime.UtcNow;

    /// <summary>The PSKs to offer now, each with its own early secret; after a HelloRetryRequest only those of its hash.</summary>
    private List<TlsSession> OfferPsks()
    {
        DisposeOfferedPsks();
        var offeredHashes = _config.CipherSuites.Select(s => CipherSuiteSpec.Get(s).Hash).ToHashSet();
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# The client MAY use this PSK for future handshakes by including the
        //# ticket value in the "pre_shared_key" extension in its ClientHello
        //# (Section 4.2.11).
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11.1
        //# Clients MUST NOT attempt to use tickets which have ages greater than
        //# the "ticket_lifetime" value which was provided with the ticket.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
        //# If the client is attempting a PSK key establishment, it SHOULD
        //# advertise at least one cipher suite indicating a Hash associated with
        //# the PSK.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.1
        //# A client using a ticket for resumption SHOULD initiate the connection
        //# using the version that was previously negotiated.
        // Every ticket comes from a TLS 1.3 session (the engine negotiates nothing else), and every ClientHello
        // offers TLS 1.3 first in supported_versions.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# Clients MUST only resume if the new SNI value is valid
        //# for the server certificate presented in the original session and
        //# SHOULD only resume if the SNI value matches the one used in the
        //# original session.
        var candidates = (_resumeSession is null ? _config.PreSharedKeys : _config.PreSharedKeys.Prepend(_resumeSession))
            .Where(p => !p.IsExpired(Now) && offeredHashes.Contains(CipherSuiteSpec.Get(p.CipherSuite).Hash))
            .Where(p => !p.IsResumption || string.Equals(p.ServerName, _serverName, StringComparison.OrdinalIgnoreCase));
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
        //# In addition, in its updated ClientHello, the client SHOULD NOT offer
        //# any pre-shared keys associated with a hash other than that of the
        //# selected cipher suite.
        if (_hrrSuite is { } retry)
        {
            candidates = candidates.Where(p => CipherSuiteSpec.Get(p.CipherSuite).Hash == retry.Hash);
        }

        var psks = candidates.ToList();
        _offeredPsks = psks.Select(p => (p, new TlsKeySchedule(CipherSuiteSpec.Get(p.CipherSuite), p.Secret))).ToList();
        return psks;
    }

    /// <summary>Adds pre_shared_key as the last extension, then fills in each binder over the truncated ClientHello.</summary>
    private void AddPreSharedKey(ClientHello hello, List<TlsSession> psks)
    {
        var identities = psks.Select(p => new PskIdentity(p.Identity, p.ObfuscatedAge(Now))).ToList();
        var placeholders = _offeredPsks.Select(o => new byte[o.Schedule.Suite.HashLength]).ToList();
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
        //# The "pre_shared_key" extension MUST be the last extension in the
        //# ClientHello (this facilitates implementation as described below).
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
        //# When multiple extensions of different types are present, the
        //# extensions MAY appear in any order, with the exception of
        //# "pre_shared_key" (Section 4.2.11) which MUST be the last extension in
        //# the ClientHello (but can appear anywhere in the ServerHello extensions
        //# block).
        hello.Extensions.Add(new(ExtensionType.PreSharedKey, PreSharedKeyExtension.EncodeClient(identities, placeholders)));
        var framed = new TlsWriter(512);
        framed.WriteU8((byte)HandshakeType.ClientHello);
        var mark = framed.BeginVector(3);
        hello.Write(framed);
        framed.EndVector(mark);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11.2
        //# Each entry in the binders list is computed as an HMAC
        //# over a transcript hash (see Section 4.4.1) containing a partial
        //# ClientHello up to and including the PreSharedKeyExtension.identities
        //# field.
        var truncated = framed.Written[..^PreSharedKeyExtension.BindersLength(placeholders.Select(p => p.Length))].ToArray();
        var binders = _offeredPsks
            .Select(o => o.Schedule.ComputeBinder(o.Psk.IsResumption, _transcript.HashWith(o.Schedule.Suite.Hash, truncated)))
            .ToList();
        hello.Extensions[^1] = new(ExtensionType.PreSharedKey, PreSharedKeyExtension.EncodeClient(identities, binders));
    }

    /// <summary>The schedule of the PSK the server accepted, or null for a full handshake.</summary>
    private TlsKeySchedule? AcceptedPsk(ServerHello hello, CipherSuiteSpec suite)
    {
        if (ExtensionBlock.Find(hello.Extensions, ExtensionType.PreSharedKey) is not { } data)
        {
            return null;
        }

        int selected = PreSharedKeyExtension.DecodeServer(data);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
        //# If these values are not consistent, the client MUST abort the
        //# handshake with an "illegal_parameter" alert.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# Any ticket MUST only be resumed with a cipher suite that has the
        //# same KDF hash algorithm as that used to establish the original
        //# connection.
        if (selected >= _offeredPsks.Count || _offeredPsks[selected].Schedule.Suite.Hash != suite.Hash)
        {
            throw TlsErrors.IllegalParameter($"server selected PSK {selected}, which was not offered for this cipher suite's hash");
        }

        var (psk, schedule) = _offeredPsks[selected];
        _offeredPsks.RemoveAt(selected);
        _selectedPskIndex = selected;
        _pskAccepted = true;
        return ScheduleForSuite(schedule, psk, suite);
    }

    /// <summary>
    /// The PSK's schedule for the negotiated suite: any suite of the PSK's hash may be chosen, and traffic
    /// key lengths follow the suite, so a schedule started for another suite is restarted from the PSK.
    /// </summary>
    private static TlsKeySchedule ScheduleForSuite(TlsKeySchedule schedule, TlsSession psk, CipherSuiteSpec suite)
    {
        if (schedule.Suite.Id == suite.Id)
        {
            return schedule;
        }

        schedule.Dispose();
        return new TlsKeySchedule(suite, psk.Secret);
    }

    private void DisposeOfferedPsks()
    {
        foreach (var (_, schedule) in _offeredPsks)
        {
            schedule.Dispose();
        }

        _offeredPsks = [];
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //# The server MAY also send unsolicited extensions in the NewSessionTicket,
    //# though the client does not respond directly to these.
    // ExtensionBlock.Read passes unknown extensions over; only early_data is read, and nothing is sent back.
    private void ClientReceiveNewSessionTicket(ReadOnlySpan<byte> message)
    {
        var ticket = NewSessionTicketMessage.Parse(message[4..]);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# The value of zero indicates that the
        //# ticket should be discarded immediately.
        if (ticket.Lifetime == 0)
        {
            return;
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# Clients MUST NOT cache
        //# tickets for longer than 7 days, regardless of the ticket_lifetime,
        //# and MAY delete tickets earlier based on local policy.
        var lifetime = TimeSpan.FromSeconds(Math.Min(ticket.Lifetime, 604800));
        var psk = TlsKeySchedule.ResumptionPsk(_schedule!.Suite, _schedule.ResumptionMasterSecret, ticket.Nonce);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
        //# Clients, however, SHOULD store the SNI with the PSK to fulfill
        //# the requirements of Section 4.6.1.
        _receivedSessions.Add(TlsSession.FromTicket(ticket.Ticket, psk, _schedule.Suite.Id, ticket.AgeAdd, lifetime, Now, _serverName, TicketMaxEarlyDataSize(ticket)));
    }

    /// <summary>
    /// Server: the first offered PSK we can use with <paramref name="suite"/>, its binder checked; null
    /// for a full handshake. A usable PSK whose binder does not verify is fatal.
    /// </summary>
    private SelectedPsk? SelectPsk(ClientHello hello, ReadOnlySpan<byte> message, CipherSuiteSpec suite)
    {
        if (ExtensionBlock.Find(hello.Extensions, ExtensionType.PreSharedKey) is not { } data)
        {
            return null;
        }

        var modes = CheckPreSharedKeyOffer(hello)!;
        var (identities, binders) = PreSharedKeyExtension.DecodeClient(data);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
        //# Servers MUST NOT
        //# select a key exchange mode that is not listed by the client.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
        //# If the server selects a PSK, then it MUST also select a key
        //# establishment mode from the set indicated by the client's
        //# "psk_key_exchange_modes" extension (at present, PSK alone or with
        //# (EC)DHE).
        if (!PskKeyExchangeModesExtension.Decode(modes).Contains(PskKeyExchangeModesExtension.PskDheKe))
        {
            return null;
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
        //# Servers SHOULD NOT attempt to validate multiple binders;
        //# rather, they SHOULD select a single PSK and validate solely the
        //# binder that corresponds to that PSK.
        for (int i = 0; i < identities.Count; i++)
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
            //# The server MUST ensure that it selects a compatible PSK
            //# (if any) and cipher suite.
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
            //# Any ticket MUST only be resumed with a cipher suite that has the
            //# same KDF hash algorithm as that used to establish the original
            //# connection.
            if (ResolvePsk(identities[i].Identity) is { } psk && CipherSuiteSpec.Get(psk.CipherSuite).Hash == suite.Hash)
            {
                // Tickets issued on this connection keep the age of the session they resume (RFC 8446 §4.6.1);
                // an external PSK handshake starts a session of its own.
                _sessionAuthenticatedAt = psk.IsResumption ? psk.AuthenticatedAt : Now;
                return new SelectedPsk(VerifyBinder(psk, message, binders, i, suite), i, psk, identities[i].ObfuscatedTicketAge, binders[i]);
            }
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
        //# If no acceptable PSKs are found, the server SHOULD perform a
        //# non-PSK handshake if possible.
        return null;
    }

    /// <summary>
    /// Server: the hash of the first offered PSK we know and could select (psk_dhe_ke offered), which the
    /// cipher suite choice then favours; null without one. Binders are checked later, by SelectPsk.
    /// </summary>
    private HashAlgorithmName? PreferredPskHash(ClientHello hello)
    {
        if (ExtensionBlock.Find(hello.Extensions, ExtensionType.PreSharedKey) is not { } data
            || ExtensionBlock.Find(hello.Extensions, ExtensionType.PskKeyExchangeModes) is not { } modes
            || !PskKeyExchangeModesExtension.Decode(modes).Contains(PskKeyExchangeModesExtension.PskDheKe))
        {
            return null;
        }

        foreach (var identity in PreSharedKeyExtension.DecodeClient(data).Identities)
        {
            if (ResolvePsk(identity.Identity) is { } psk)
            {
                return CipherSuiteSpec.Get(psk.CipherSuite).Hash;
            }
        }

        return null;
    }

    /// <summary>
    /// Server, on every ClientHello (the first too, even when it is answered with a HelloRetryRequest):
    /// pre_shared_key is last and comes with psk_key_exchange_modes. Returns that extension, or null without a PSK.
    /// </summary>
    private static byte[]? CheckPreSharedKeyOffer(ClientHello hello)
    {
        if (ExtensionBlock.Find(hello.Extensions, ExtensionType.PreSharedKey) is null)
        {
            return null;
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
        //# Servers MUST check that it is the last extension and otherwise fail
        //# the handshake with an "illegal_parameter" alert.
        if (hello.Extensions[^1].Type != ExtensionType.PreSharedKey)
        {
            throw TlsErrors.IllegalParameter("pre_shared_key is not the last ClientHello extension");
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
        //# If clients offer
        //# "pre_shared_key" without a "psk_key_exchange_modes" extension,
        //# servers MUST abort the handshake.
        return ExtensionBlock.Find(hello.Extensions, ExtensionType.PskKeyExchangeModes)
            ?? throw TlsErrors.Protocol(AlertDescription.MissingExtension, "pre_shared_key without psk_key_exchange_modes");
    }

    private TlsKeySchedule VerifyBinder(TlsSession psk, ReadOnlySpan<byte> message, List<byte[]> binders, int index, CipherSuiteSpec suite)
    {
        var schedule = new TlsKeySchedule(suite, psk.Secret);
        var truncated = message[..^PreSharedKeyExtension.BindersLength(binders.Select(b => b.Length))];
        var expected = schedule.ComputeBinder(psk.IsResumption, _transcript.HashWith(suite.Hash, truncated));
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
        //# Prior to accepting PSK key establishment, the server MUST validate
        //# the corresponding binder value (see Section 4.2.11.2 below).  If this
        //# value is not present or does not validate, the server MUST abort the
        //# handshake.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
        //# Sending this alert is OPTIONAL; servers MAY instead choose to send a
        //# "decrypt_error" alert to merely indicate an invalid PSK identity.
        if (!CryptographicOperations.FixedTimeEquals(expected, binders[index]))
        {
            schedule.Dispose();
            throw TlsErrors.Protocol(AlertDescription.DecryptError, $"PSK binder {index} does not verify");
        }

        return schedule;
    }

    /// <summary>An external PSK with this identity, or the session a ticket of ours seals; null if neither.</summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //# For identities established externally, an obfuscated_ticket_age of 0
    //# SHOULD be used, and servers MUST ignore the value.
    private TlsSession? ResolvePsk(byte[] identity)
    {
        foreach (var external in _config.PreSharedKeys)
        {
            if (external.Identity.AsSpan().SequenceEqual(identity))
            {
                return external;
            }
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
        //# Any unknown PSKs (e.g., ones
        //# not in the PSK database or encrypted with an unknown key) SHOULD
        //# simply be ignored.
        if (_config.SessionTicketKey is not { } key || SessionTicketSealer.Open(key, identity) is not { } state)
        {
            return null;
        }

        var issued = DateTime.UnixEpoch.AddMilliseconds(state.IssuedAtMs);
        var authenticated = DateTime.UnixEpoch.AddMilliseconds(state.AuthenticatedAtMs);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# A server MAY treat a ticket as valid for a shorter period of time than
        //# what is stated in the ticket_lifetime.
        // The server's current SessionTicketLifetime applies to tickets issued under a longer one.
        var lifetime = TimeSpan.FromSeconds(Math.Min(state.LifetimeSeconds, _config.SessionTicketLifetime.TotalSeconds));
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# It is RECOMMENDED that implementations place limits on the total
        //# lifetime of such keying material; these limits should take into account
        //# the lifetime of the peer's certificate, the likelihood of intervening
        //# revocation, and the time since the peer's online CertificateVerify
        //# signature.
        // A session older than SessionLifetimeLimit (counted from its full handshake, whichever ticket of
        // the chain this is) is refused: the client gets a full handshake, with certificates, instead.
        if (Now - issued > lifetime || Now - authenticated > _config.SessionLifetimeLimit || !CipherSuiteSpec.TryGet(state.CipherSuite, out var suite))
        {
            return null;
        }

        return TlsSession.FromSealedTicket(identity, state, suite.Id);
    }

    /// <summary>Server: after the handshake, hand out session tickets sealed under our ticket key.</summary>
    private void SendSessionTickets()
    {
        var now = Now;
        var authenticatedAt = _sessionAuthenticatedAt ?? now;
        if (_config.SessionTicketKey is not { } key || !ClientCanUseOurTickets() || TicketLifetime(now, authenticatedAt) is not { } lifetime)
        {
            return;
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#appendix-C.4
        //# Servers SHOULD issue new tickets with every connection.
        // Every handshake that ends here, full or resumed, gets SessionTicketCount fresh tickets.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# Servers MAY send multiple tickets on a single connection, either
        //# immediately after each other or after specific events (see
        //# Appendix C.4).
        for (int i = 0; i < _config.SessionTicketCount; i++)
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
            //# ticket_nonce:  A per-ticket value that is unique across all tickets
            //# issued on this connection.
            byte[] nonce = [(byte)(_ticketsIssued >> 8), (byte)_ticketsIssued];
            _ticketsIssued++;
            var psk = TlsKeySchedule.ResumptionPsk(_schedule!.Suite, _schedule.ResumptionMasterSecret, nonce);
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
            //# The server MUST generate a fresh value for each ticket it sends.
            var ageAdd = BitConverter.ToUInt32(TlsRandom.GetBytes(_config.DangerousDeterministicRandom, 4));
            var state = new TicketState((ushort)_schedule.Suite.Id, (long)(now - DateTime.UnixEpoch).TotalMilliseconds, lifetime, ageAdd, psk)
            {
                AuthenticatedAtMs = (long)(authenticatedAt - DateTime.UnixEpoch).TotalMilliseconds,
                MaxEarlyDataSize = _config.MaxEarlyDataSize,
                ApplicationProtocol = _alpn,
            };
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
            //# It MAY be either a database lookup key or a
            //# self-encrypted and self-authenticated value.
            var ticket = SessionTicketSealer.Seal(key, state, TlsRandom.GetBytes(_config.DangerousDeterministicRandom, 12));
            CryptographicOperations.ZeroMemory(psk);
            SendHandshake(TableMessage.NewSessionTicket, HandshakeType.NewSessionTicket, w =>
            {
                w.WriteU32(lifetime);
                w.WriteU32(ageAdd);
                w.WriteVector8(nonce);
                w.WriteVector16(ticket);
                ExtensionBlock.Write(w, NewSessionTicketExtensions());
            });
        }

        FlushHandshake();
    }

    /// <summary>
    /// Server: false when the client's psk_key_exchange_modes lists no mode we resume with (psk_dhe_ke),
    /// so a ticket would be useless to it.
    /// </summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
    //# Servers SHOULD NOT send NewSessionTicket with tickets that are not
    //# compatible with the advertised modes; however, if a server does so, the
    //# impact will just be that the client's attempts at resumption fail.
    // A ClientHello without the extension advertises no modes, so no ticket is incompatible with them:
    // tickets are still issued then, as s2n's server does (and our client and s2n's without use_tickets send
    // psk_key_exchange_modes only when they offer a PSK).
    private bool ClientCanUseOurTickets() =>
        _receivedClientHello is not { } hello
        || ExtensionBlock.Find(hello.Extensions, ExtensionType.PskKeyExchangeModes) is not { } modes
        || PskKeyExchangeModesExtension.Decode(modes).Contains(PskKeyExchangeModesExtension.PskDheKe);

    /// <summary>
    /// Server: the ticket_lifetime for tickets issued at <paramref name="now"/>, in seconds: SessionTicketLifetime, but no later than
    /// the session's SessionLifetimeLimit (as s2n caps it by the keying material lifetime); null when less than
    /// a second of the session is left, and no ticket is issued.
    /// </summary>
    private uint? TicketLifetime(DateTime now, DateTime authenticatedAt)
    {
        var remaining = authenticatedAt + _config.SessionLifetimeLimit - now;
        var seconds = Math.Min(_config.SessionTicketLifetime.TotalSeconds, Math.Floor(remaining.TotalSeconds));
        return seconds < 1 ? null : (uint)seconds;
    }
}

/// <summary>Server: the PSK chosen from the ClientHello, its index there, and the obfuscated age the client sent for it.</summary>
internal readonly record struct SelectedPsk(KeySchedule.TlsKeySchedule Schedule, int Index, TlsSession Session, uint ObfuscatedTicketAge, byte[] Binder);
