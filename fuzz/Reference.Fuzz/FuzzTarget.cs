namespace Reference.Fuzz;

/// <summary>
/// One fuzz target: a function of arbitrary bytes that may only fail with a <see cref="TlsException"/>
/// that names an alert or a protocol error. Anything else (another exception type, an Internal error, a
/// broken round trip) is a finding.
/// </summary>
internal sealed record FuzzTarget(string Name, Action<byte[]> Body)
{
    /// <summary>Runs the body; returns normally on acceptance or on an allowed rejection.</summary>
    public void Run(byte[] input)
    {
        try
        {
            Body(input);
        }
        catch (TlsException e) when (IsAllowedRejection(e))
        {
            // A clean rejection: exactly what a parser may do with hostile input.
        }
    }

    /// <summary>A rejection is clean when it is a protocol failure carrying an alert, never an internal error.</summary>
    public static bool IsAllowedRejection(TlsException e) =>
        e.ErrorType != TlsErrorType.Internal && e.Alert is not null;
}

/// <summary>A target's oracle failed: the bytes were accepted but did not behave (e.g. a round trip differed).</summary>
internal sealed class FuzzOracleException(string message) : Exception(message);
