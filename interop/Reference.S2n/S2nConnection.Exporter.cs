namespace Reference.S2n;

/// <summary>RFC 8446 §7.5 exporter on an s2n_connection.</summary>
public sealed unsafe partial class S2nConnection
{
    /// <summary>
    /// s2n_connection_tls_exporter: <paramref name="length"/> bytes of TLS-Exporter(label, context) after a
    /// completed TLS 1.3 handshake. The label is passed as its ASCII bytes, without a terminating NUL.
    /// </summary>
    public byte[] ExportKeyingMaterial(string label, ReadOnlySpan<byte> context, int length)
    {
        byte[] labelBytes = System.Text.Encoding.ASCII.GetBytes(label);
        var output = new byte[length];
        // s2n refuses a null context pointer even for an empty context, so point at a dummy byte then.
        byte none = 0;
        fixed (byte* l = labelBytes)
        fixed (byte* c = context)
        fixed (byte* o = output)
        {
            byte* contextPointer = context.IsEmpty ? &none : c;
            Check(S2nNative.s2n_connection_tls_exporter(Handle, l, (uint)labelBytes.Length,
                contextPointer, (uint)context.Length, o, (uint)output.Length), "s2n_connection_tls_exporter");
        }

        return output;
    }
}
