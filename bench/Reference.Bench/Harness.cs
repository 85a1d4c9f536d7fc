namespace Reference.Bench;

/// <summary>One implementation's side of every measurement; all run client and server in this process.</summary>
internal interface IEngineHarness
{
    Engine Engine { get; }

    /// <summary>Why this engine cannot run <paramref name="scenario"/> as specified, or null if it can.</summary>
    string? Unsupported(HandshakeCase scenario);

    /// <summary>Per-thread state running complete handshakes of <paramref name="scenario"/>.</summary>
    IHandshaker CreateHandshaker(HandshakeCase scenario);

    /// <summary>An established pair ready to move 16 KiB records client → server.</summary>
    IBulkPair CreateBulkPair(BulkCase scenario);

    /// <summary>An established pair with its transport buffers released, to be held idle.</summary>
    IDisposable EstablishIdle(HandshakeCase scenario);
}

internal interface IHandshaker
{
    /// <summary>One full handshake between a fresh client and a fresh server, then both are freed.</summary>
    void HandshakeOnce();

    /// <summary>What the last handshake negotiated, e.g. "TLS_AES_256_GCM_SHA384 / x25519".</summary>
    string Negotiated { get; }
}

internal interface IBulkPair : IDisposable
{
    /// <summary>
    /// Moves <paramref name="records"/> writes of 16 KiB: encrypted by the sender and decrypted by the
    /// receiver. Returns the time spent in the measured implementation's code.
    /// </summary>
    TimeSpan Transfer(int records);

    /// <summary>The negotiated cipher suite as IANA names it.</summary>
    string Negotiated { get; }
}

internal static class Harnesses
{
    public static IEngineHarness For(Engine engine) => engine switch
    {
        Engine.Ours => new OursHarness(),
        Engine.S2n => new S2nHarness(),
        Engine.SslStream => new SslStreamHarness(),
        _ => throw new ArgumentOutOfRangeException(nameof(engine)),
    };
}
