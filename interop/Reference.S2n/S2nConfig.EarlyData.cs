using System.Runtime.InteropServices;

namespace Reference.S2n;

/// <summary>Server-side early data (0-RTT) settings on an s2n_config.</summary>
public sealed unsafe partial class S2nConfig
{
    private Func<byte[], bool>? _acceptEarlyData;

    /// <summary>
    /// Server: the most early data bytes accepted (s2n_config_set_server_max_early_data_size; s2n's default
    /// is 0, which rejects every early data request). A non-zero value also makes the tickets this server
    /// issues carry an early_data extension with that size, so clients may send early data when resuming.
    /// </summary>
    public void SetServerMaxEarlyDataSize(uint size) =>
        Check(S2nNative.s2n_config_set_server_max_early_data_size(Handle, size), "s2n_config_set_server_max_early_data_size");

    /// <summary>
    /// Server: decides early data that TLS would otherwise accept (s2n_config_set_early_data_cb, answered at
    /// once with s2n_offered_early_data_accept or _reject). The argument is the early data context of the
    /// ticket (<see cref="S2nConnection.SetServerEarlyDataContext"/>) or external PSK, empty if none.
    /// Without a callback s2n accepts whatever the TLS checks allow.
    /// </summary>
    public void SetEarlyDataCallback(Func<byte[], bool> accept)
    {
        _acceptEarlyData = accept ?? throw new ArgumentNullException(nameof(accept));
        // The callback has no context argument: it finds this object through the config's context.
        Check(S2nNative.s2n_config_set_ctx(Handle, GCHandle.ToIntPtr(_self)), "s2n_config_set_ctx");
        Check(S2nNative.s2n_config_set_early_data_cb(Handle, &OnEarlyData), "s2n_config_set_early_data_cb");
    }

    [UnmanagedCallersOnly]
    private static int OnEarlyData(nint conn, nint offered)
    {
        try
        {
            // s2n_connection_get_config is exported as S2N_PRIVATE_API (tls/s2n_internal.h), for bindings.
            nint config, ctx;
            if (S2nNative.s2n_connection_get_config(conn, &config) != S2nNative.Success
                || S2nNative.s2n_config_get_ctx(config, &ctx) != S2nNative.Success || ctx == 0)
                return S2nNative.Failure;
            var self = (S2nConfig)GCHandle.FromIntPtr(ctx).Target!;
            ushort length;
            if (S2nNative.s2n_offered_early_data_get_context_length(offered, &length) != S2nNative.Success)
                return S2nNative.Failure;
            var context = new byte[length];
            // An empty array pins to a null pointer, which s2n refuses even for a zero length.
            fixed (byte* p = context)
                if (length > 0 && S2nNative.s2n_offered_early_data_get_context(offered, p, length) != S2nNative.Success)
                    return S2nNative.Failure;
            bool accept = self._acceptEarlyData?.Invoke(context) == true;
            return accept ? S2nNative.s2n_offered_early_data_accept(offered) : S2nNative.s2n_offered_early_data_reject(offered);
        }
        catch (Exception)
        {
            // An exception must not unwind into C; s2n fails the handshake instead.
            return S2nNative.Failure;
        }
    }
}
