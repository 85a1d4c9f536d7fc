using System.Security.Cryptography;
using Reference.Tls.Crypto;

namespace Reference.Tls.KeySchedule;

/// <summary>
/// The RFC 8446 §7.1 key schedule for a full (EC)DHE handshake without PSK. Stages advance in one
/// direction (early → handshake → application → resumption); a secret requested before its stage,
/// or a stage derived twice or out of order, is an engine bug and throws <see cref="TlsErrorType.Internal"/>.
/// Secret arrays returned by the properties are owned by this object and zeroed by <see cref="Dispose"/>:
/// copy one if it must outlive the schedule.
/// </summary>
internal sealed class TlsKeySchedule : IDisposable
{
    private enum Stage
    {
        Early,
        Handshake,
        Application,
        Resumption,
        Disposed,
    }

    private Stage _stage;
    private byte[]? _earlySecret;
    private byte[]? _handshakeSecret;
    private byte[]? _masterSecret;
    private byte[]? _clientHandshakeTrafficSecret;
    private byte[]? _serverHandshakeTrafficSecret;
    private byte[]? _clientApplicationTrafficSecret;
    private byte[]? _serverApplicationTrafficSecret;
    private byte[]? _exporterMasterSecret;
    private byte[]? _resumptionMasterSecret;

    public TlsKeySchedule(CipherSuiteSpec suite)
        : this(suite, ReadOnlySpan<byte>.Empty)
    {
    }

    /// <summary>A schedule whose Early Secret is HKDF-Extract(0, <paramref name="psk"/>); no PSK means zeros.</summary>
    public TlsKeySchedule(CipherSuiteSpec suite, ReadOnlySpan<byte> psk)
    {
        Suite = suite;
        if (!psk.IsEmpty)
        {
            Span<byte> salt = stackalloc byte[suite.HashLength];
            // Stryker disable once Statement : stackalloc memory is zero-initialised (no SkipLocalsInit); Clear states the 0-value.
            salt.Clear();
            _earlySecret = Hkdf.Extract(suite.Hash, salt, psk);
            _stage = Stage.Early;
            return;
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
        //# If a given secret is not available, then the 0-value consisting of a
        //# string of Hash.length bytes set to zeros is used.  Note that this
        //# does not mean skipping rounds, so if PSK is not in use, Early Secret
        //# will still be HKDF-Extract(0, 0).
        Span<byte> zeros = stackalloc byte[suite.HashLength];
        // Stryker disable once Statement : stackalloc memory is zero-initialised (no SkipLocalsInit); Clear states the 0-value.
        zeros.Clear();
        _earlySecret = Hkdf.Extract(suite.Hash, zeros, zeros);
        _stage = Stage.Early;
    }

    public CipherSuiteSpec Suite { get; }

    /// <summary>The early secret (HKDF-Extract(0, 0) without PSK); exposed for RFC 8448 tests.</summary>
    internal byte[] EarlySecret => Require(_earlySecret, Stage.Early, Stage.Early);

    /// <summary>The handshake secret; exposed for RFC 8448 tests. Erased once the master secret exists.</summary>
    internal byte[] HandshakeSecret => Require(_handshakeSecret, Stage.Handshake, Stage.Handshake);

    /// <summary>The master secret; exposed for RFC 8448 tests. Erased once the resumption secret exists.</summary>
    internal byte[] MasterSecret => Require(_masterSecret, Stage.Application, Stage.Application);

    public byte[] ClientHandshakeTrafficSecret => Require(_clientHandshakeTrafficSecret, Stage.Handshake, Stage.Resumption);

    public byte[] ServerHandshakeTrafficSecret => Require(_serverHandshakeTrafficSecret, Stage.Handshake, Stage.Resumption);

    public byte[] ClientApplicationTrafficSecret => Require(_clientApplicationTrafficSecret, Stage.Application, Stage.Resumption);

    public byte[] ServerApplicationTrafficSecret => Require(_serverApplicationTrafficSecret, Stage.Application, Stage.Resumption);

    public byte[] ExporterMasterSecret => Require(_exporterMasterSecret, Stage.Application, Stage.Resumption);

    public byte[] ResumptionMasterSecret => Require(_resumptionMasterSecret, Stage.Resumption, Stage.Resumption);

    /// <summary>
    /// client_early_traffic_secret from this PSK's Early Secret and Transcript-Hash(ClientHello) (RFC 8446
    /// §7.1), for 0-RTT. Only in the early stage; the caller owns (and must erase) the returned array.
    /// </summary>
    public byte[] DeriveClientEarlyTrafficSecret(ReadOnlySpan<byte> clientHelloHash)
    {
        RequireHashLength(clientHelloHash);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
        //# +-----> Derive-Secret(., "c e traffic", ClientHello)
        //# |                     = client_early_traffic_secret
        return Hkdf.DeriveSecret(Suite.Hash, Require(_earlySecret, Stage.Early, Stage.Early), "c e traffic", clientHelloHash);
    }

    /// <summary>
    /// early_exporter_master_secret from this PSK's Early Secret and Transcript-Hash(ClientHello) (RFC 8446
    /// §7.1), for the early exporter of a 0-RTT connection. Only in the early stage; the caller owns (and must
    /// erase) the returned array.
    /// </summary>
    public byte[] DeriveEarlyExporterMasterSecret(ReadOnlySpan<byte> clientHelloHash)
    {
        RequireHashLength(clientHelloHash);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
        //# +-----> Derive-Secret(., "e exp master", ClientHello)
        //# |                     = early_exporter_master_secret
        return Hkdf.DeriveSecret(Suite.Hash, Require(_earlySecret, Stage.Early, Stage.Early), "e exp master", clientHelloHash);
    }

    /// <summary>Mixes in the (EC)DHE shared secret; <paramref name="helloTranscriptHash"/> covers ClientHello..ServerHello.</summary>
    public void DeriveHandshakeSecrets(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> helloTranscriptHash)
    {
        Advance(Stage.Early, Stage.Handshake);
        RequireHashLength(helloTranscriptHash);
        var h = Suite.Hash;

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
        //# Derive-Secret(., "derived", "")
        //# |
        //# v
        //# (EC)DHE -> HKDF-Extract = Handshake Secret
        _handshakeSecret = ExtractAfterDerived(_earlySecret!, sharedSecret);
        Erase(ref _earlySecret);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
        //# +-----> Derive-Secret(., "c hs traffic",
        //# |                     ClientHello...ServerHello)
        //# |                     = client_handshake_traffic_secret
        //# |
        //# +-----> Derive-Secret(., "s hs traffic",
        //# |                     ClientHello...ServerHello)
        //# |                     = server_handshake_traffic_secret
        _clientHandshakeTrafficSecret = Hkdf.DeriveSecret(h, _handshakeSecret, "c hs traffic", helloTranscriptHash);
        _serverHandshakeTrafficSecret = Hkdf.DeriveSecret(h, _handshakeSecret, "s hs traffic", helloTranscriptHash);
    }

    /// <summary>Derives the master secret and the application/exporter secrets from ClientHello..server Finished.</summary>
    public void DeriveApplicationSecrets(ReadOnlySpan<byte> transcriptHashThroughServerFinished)
    {
        Advance(Stage.Handshake, Stage.Application);
        RequireHashLength(transcriptHashThroughServerFinished);
        var h = Suite.Hash;

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
        //# Derive-Secret(., "derived", "")
        //# |
        //# v
        //# 0 -> HKDF-Extract = Master Secret
        Span<byte> zeros = stackalloc byte[Suite.HashLength];
        // Stryker disable once Statement : stackalloc memory is zero-initialised (no SkipLocalsInit); Clear states the 0-value.
        zeros.Clear();
        _masterSecret = ExtractAfterDerived(_handshakeSecret!, zeros);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
        //# Once all the values which are to be derived from a given secret have
        //# been computed, that secret SHOULD be erased.
        Erase(ref _handshakeSecret);

        _clientApplicationTrafficSecret = Hkdf.DeriveSecret(h, _masterSecret, "c ap traffic", transcriptHashThroughServerFinished);
        _serverApplicationTrafficSecret = Hkdf.DeriveSecret(h, _masterSecret, "s ap traffic", transcriptHashThroughServerFinished);
        _exporterMasterSecret = Hkdf.DeriveSecret(h, _masterSecret, "exp master", transcriptHashThroughServerFinished);
    }

    /// <summary>Derives resumption_master_secret from ClientHello..client Finished and erases the master secret.</summary>
    public void DeriveResumptionMasterSecret(ReadOnlySpan<byte> transcriptHashThroughClientFinished)
    {
        Advance(Stage.Application, Stage.Resumption);
        RequireHashLength(transcriptHashThroughClientFinished);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
        //# +-----> Derive-Secret(., "res master",
        //# ClientHello...client Finished)
        //# = resumption_master_secret
        _resumptionMasterSecret = Hkdf.DeriveSecret(Suite.Hash, _masterSecret!, "res master", transcriptHashThroughClientFinished);
        Erase(ref _masterSecret);
    }

    /// <summary>
    /// Erases both handshake traffic secrets once the handshake is over (both Finished messages checked and the
    /// application keys installed): nothing derives from them afterwards.
    /// </summary>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
    //# Once all the values which are to be derived from a given secret have
    //# been computed, that secret SHOULD be erased.
    public void EraseHandshakeTrafficSecrets()
    {
        if (_stage != Stage.Resumption)
        {
            throw TlsErrors.Internal($"key schedule: handshake traffic secrets are still needed in stage {_stage}");
        }

        Erase(ref _clientHandshakeTrafficSecret);
        Erase(ref _serverHandshakeTrafficSecret);
    }

    /// <summary>
    /// The PSK binder over Transcript-Hash(Truncate(ClientHello)) (RFC 8446 §4.2.11.2): an HMAC like
    /// Finished, keyed from binder_key = Derive-Secret(Early Secret, "res binder" | "ext binder", "").
    /// </summary>
    public byte[] ComputeBinder(bool resumption, ReadOnlySpan<byte> truncatedTranscriptHash)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11.2
        //# The PskBinderEntry is computed in the same way as the Finished
        //# message (Section 4.4.4) but with the BaseKey being the binder_key
        //# derived via the key schedule from the corresponding PSK which is
        //# being offered (see Section 7.1).
        var empty = Hkdf.Hash(Suite.Hash, ReadOnlySpan<byte>.Empty);
        var binderKey = Hkdf.DeriveSecret(Suite.Hash, EarlySecret, resumption ? "res binder" : "ext binder", empty);
        try
        {
            return ComputeFinishedVerifyData(binderKey, truncatedTranscriptHash);
        }
        // Stryker disable once Block,Statement : zeroes a local nothing reads afterwards; no test can observe it.
        finally
        {
            CryptographicOperations.ZeroMemory(binderKey);
        }
    }

    /// <summary>The PSK a ticket stands for (RFC 8446 §4.6.1).</summary>
    public static byte[] ResumptionPsk(CipherSuiteSpec suite, ReadOnlySpan<byte> resumptionMasterSecret, ReadOnlySpan<byte> ticketNonce)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
        //# HKDF-Expand-Label(resumption_master_secret,
        //# "resumption", ticket_nonce, Hash.length)
        return Hkdf.ExpandLabel(suite.Hash, resumptionMasterSecret, "resumption", ticketNonce, suite.HashLength);
    }

    /// <summary>verify_data = HMAC(finished_key, transcriptHash) for the given Base Key (a handshake traffic secret).</summary>
    public byte[] ComputeFinishedVerifyData(ReadOnlySpan<byte> baseKey, ReadOnlySpan<byte> transcriptHash)
    {
        ThrowIfDisposed();
        RequireHashLength(transcriptHash);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //# finished_key =
        //# HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)
        Span<byte> finishedKey = stackalloc byte[Suite.HashLength];
        try
        {
            Hkdf.ExpandLabel(Suite.Hash, baseKey, "finished", ReadOnlySpan<byte>.Empty, finishedKey);

            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
            //# verify_data =
            //# HMAC(finished_key,
            //# Transcript-Hash(Handshake Context,
            //# Certificate*, CertificateVerify*))
            return Hkdf.Hmac(Suite.Hash, finishedKey, transcriptHash);
        }
        // Stryker disable once Block,Statement : zeroes a local nothing reads afterwards; no test can observe it.
        finally
        {
            CryptographicOperations.ZeroMemory(finishedKey);
        }
    }

    /// <summary>Checks a received verify_data in constant time; the caller sends decrypt_error on false.</summary>
    public bool VerifyFinished(ReadOnlySpan<byte> baseKey, ReadOnlySpan<byte> transcriptHash, ReadOnlySpan<byte> received)
    {
        var expected = ComputeFinishedVerifyData(baseKey, transcriptHash);
        try
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
            //# Recipients of Finished messages MUST verify that the contents are
            //# correct and if incorrect MUST terminate the connection with a
            //# "decrypt_error" alert.
            return CryptographicOperations.FixedTimeEquals(expected, received);
        }
        // Stryker disable once Block,Statement : zeroes a local nothing reads afterwards; no test can observe it.
        finally
        {
            CryptographicOperations.ZeroMemory(expected);
        }
    }

    /// <summary>application_traffic_secret_N+1 from application_traffic_secret_N (KeyUpdate).</summary>
    public static byte[] NextTrafficSecret(CipherSuiteSpec suite, ReadOnlySpan<byte> current)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.2
        //# application_traffic_secret_N+1 =
        //# HKDF-Expand-Label(application_traffic_secret_N,
        //# "traffic upd", "", Hash.length)
        return Hkdf.ExpandLabel(suite.Hash, current, "traffic upd", ReadOnlySpan<byte>.Empty, suite.HashLength);
    }

    /// <summary>True once <see cref="Dispose"/> has erased the secrets.</summary>
    internal bool IsDisposed => _stage == Stage.Disposed;

    /// <summary>TLS-Exporter (RFC 8446 §7.5) keyed by exporter_master_secret; from the application stage on.</summary>
    public void ExportKeyingMaterial(string label, ReadOnlySpan<byte> context, Span<byte> destination)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
        //# Implementations MUST use the
        //# exporter_master_secret unless explicitly specified by the
        //# application.
        TlsExporter.Export(Suite.Hash, ExporterMasterSecret, label, context, destination);
    }

    public void Dispose()
    {
        // Stryker disable once Block,Statement : a second Dispose erases nulls again; idempotent either way.
        if (_stage == Stage.Disposed)
        {
            return;
        }

        _stage = Stage.Disposed;
        Erase(ref _earlySecret);
        Erase(ref _handshakeSecret);
        Erase(ref _masterSecret);
        Erase(ref _clientHandshakeTrafficSecret);
        Erase(ref _serverHandshakeTrafficSecret);
        Erase(ref _clientApplicationTrafficSecret);
        Erase(ref _serverApplicationTrafficSecret);
        Erase(ref _exporterMasterSecret);
        Erase(ref _resumptionMasterSecret);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.1.1
    //# in particular, one
    //# SHOULD NOT use an output of HKDF-Extract as an input to another
    //# application of HKDF-Extract without an HKDF-Expand in between.
    // The only way from one Extract to the next: Derive-Secret(., "derived", "") is an HKDF-Expand.
    private byte[] ExtractAfterDerived(byte[] previous, ReadOnlySpan<byte> ikm)
    {
        var h = Suite.Hash;
        var emptyHash = Hkdf.Hash(h, ReadOnlySpan<byte>.Empty);
        var salt = Hkdf.DeriveSecret(h, previous, "derived", emptyHash);
        try
        {
            return Hkdf.Extract(h, salt, ikm);
        }
        // Stryker disable once Block,Statement : zeroes a local nothing reads afterwards; no test can observe it.
        finally
        {
            CryptographicOperations.ZeroMemory(salt);
        }
    }

    private void Advance(Stage from, Stage to)
    {
        ThrowIfDisposed();
        if (_stage != from)
        {
            throw TlsErrors.Internal($"key schedule: cannot enter {to} from {_stage}");
        }

        _stage = to;
    }

    private byte[] Require(byte[]? secret, Stage first, Stage last)
    {
        ThrowIfDisposed();

        // Stryker disable once Logical : defence in depth; Erase keeps every secret null outside its stage range,
        // so the stage test and the null test agree on every reachable state.
        if (_stage < first || _stage > last || secret is null)
        {
            throw TlsErrors.Internal($"key schedule: secret not available in stage {_stage}");
        }

        return secret;
    }

    private void RequireHashLength(ReadOnlySpan<byte> transcriptHash)
    {
        if (transcriptHash.Length != Suite.HashLength)
        {
            throw TlsErrors.Internal("key schedule: transcript hash has the wrong length");
        }
    }

    private void ThrowIfDisposed()
    {
        if (_stage == Stage.Disposed)
        {
            throw TlsErrors.Internal("key schedule used after Dispose");
        }
    }

    private static void Erase(ref byte[]? secret)
    {
        if (secret is not null)
        {
            CryptographicOperations.ZeroMemory(secret);
            secret = null;
        }
    }
}
