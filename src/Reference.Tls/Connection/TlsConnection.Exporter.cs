using System.Security.Cryptography;
using Reference.Tls.KeySchedule;
using Reference.Tls.StateMachine;

namespace Reference.Tls;

/// <summary>Keying material exporters (RFC 8446 §7.5, with the RFC 5705 interface).</summary>
public sealed partial class TlsConnection
{
    private byte[]? _earlyExporterMasterSecret;
    private HashAlgorithmName _earlyExporterHash;

    /// <summary>
    /// TLS-Exporter(<paramref name="label"/>, <paramref name="context"/>, <paramref name="length"/>) from the
    /// exporter_master_secret, once the handshake is complete. Both peers of a connection get the same bytes.
    /// No context and an empty context give the same output (RFC 8446 §7.5).
    /// </summary>
    /// <exception cref="TlsException">Usage error before the handshake completes, after a failure or Dispose,
    /// for a label that is empty, longer than 249 characters or not ASCII, or a length outside 1..255*HashLen.</exception>
    public byte[] ExportKeyingMaterial(string label, ReadOnlySpan<byte> context, int length)
    {
        var schedule = RequireExporterSchedule();
        TlsExporter.CheckRequest(label, length, schedule.Suite.HashLength);
        var output = new byte[length];
        schedule.ExportKeyingMaterial(label, context, output);
        return output;
    }

    /// <summary>Like <see cref="ExportKeyingMaterial(string, ReadOnlySpan{byte}, int)"/>, filling <paramref name="destination"/>.</summary>
    public void ExportKeyingMaterial(string label, ReadOnlySpan<byte> context, Span<byte> destination)
    {
        var schedule = RequireExporterSchedule();
        TlsExporter.CheckRequest(label, destination.Length, schedule.Suite.HashLength);
        schedule.ExportKeyingMaterial(label, context, destination);
    }

    private TlsKeySchedule RequireExporterSchedule()
    {
        // A failed connection has forgotten its secrets (RFC 8446 §6), so it has no exporter either.
        if (!IsHandshakeComplete || _schedule is null || _schedule.IsDisposed)
        {
            throw TlsErrors.Usage("keying material can be exported only from a connection whose handshake completed");
        }

        // This interface only ever reads exporter_master_secret; the early exporter is ExportEarlyKeyingMaterial.
        return _schedule;
    }

    /// <summary>
    /// The early exporter: TLS-Exporter(<paramref name="label"/>, <paramref name="context"/>, <paramref name="length"/>)
    /// from the early_exporter_master_secret of a 0-RTT connection (RFC 8446 §7.5). Available to a client from
    /// the moment it offers early data (until the server rejects it), and to a server that accepted early data;
    /// both peers then get the same bytes. Replays of the ClientHello produce the same early exporter (RFC 8446
    /// §E.5.1): do not use it as a channel binding, nor for server-to-client keys.
    /// </summary>
    /// <exception cref="TlsException">Usage error when the connection has no early exporter (no 0-RTT offered,
    /// early data rejected, a failure or Dispose), or for a label or length the exporter cannot take.</exception>
    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
    //# A separate
    //# interface for the early exporter is RECOMMENDED; this avoids the
    //# exporter user accidentally using an early exporter when a regular one
    //# is desired or vice versa.
    public byte[] ExportEarlyKeyingMaterial(string label, ReadOnlySpan<byte> context, int length)
    {
        if (_earlyExporterMasterSecret is not { } secret || _state == HandshakeState.Failed)
        {
            throw TlsErrors.Usage("an early exporter exists only on a connection whose 0-RTT early data was offered (client) or accepted (server)");
        }

        TlsExporter.CheckRequest(label, length, Hkdf.HashLength(_earlyExporterHash));
        var output = new byte[length];
        TlsExporter.Export(_earlyExporterHash, secret, label, context, output);
        return output;
    }

    /// <summary>Keeps early_exporter_master_secret, derived from the 0-RTT PSK's schedule over the ClientHello.</summary>
    private void DeriveEarlyExporter(TlsKeySchedule schedule, ReadOnlySpan<byte> clientHelloHash)
    {
        ForgetEarlyExporter();
        _earlyExporterMasterSecret = schedule.DeriveEarlyExporterMasterSecret(clientHelloHash);
        _earlyExporterHash = schedule.Suite.Hash;
        LogSecret("EARLY_EXPORTER_SECRET", _earlyExporterMasterSecret);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.1.4
    //# However, because these secrets can be used to compute any
    //# exporter value, they SHOULD be erased as soon as possible.
    // The exporters can be called at any time after the handshake, so "as soon as possible" is when the
    // connection can no longer export: early exporter on rejected 0-RTT, both on failure (Fail) and Dispose.
    private void ForgetEarlyExporter()
    {
        CryptographicOperations.ZeroMemory(_earlyExporterMasterSecret);
        _earlyExporterMasterSecret = null;
    }
}
