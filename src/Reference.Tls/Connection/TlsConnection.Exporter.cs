using Reference.Tls.KeySchedule;

namespace Reference.Tls;

/// <summary>Keying material exporters (RFC 8446 §7.5, with the RFC 5705 interface).</summary>
public sealed partial class TlsConnection
{
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

        // No early exporter is offered: without 0-RTT there is no early_exporter_master_secret, and this
        // interface only ever reads exporter_master_secret.
        return _schedule;
    }
}
