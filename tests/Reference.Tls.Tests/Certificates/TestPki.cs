using System.Collections.Concurrent;
using System.Diagnostics;
using Reference.Tls.Certificates;
using Xunit;

namespace Reference.Tls.Tests.Certificates;

/// <summary>Generated PKIs shared across tests, one per server key kind (RSA key generation is slow).</summary>
internal static class TestPki
{
    private static readonly ConcurrentDictionary<KeyKind, Lazy<GeneratedPki>> Cache = new();

    public static GeneratedPki For(KeyKind serverKind) =>
        Cache.GetOrAdd(serverKind, k => new Lazy<GeneratedPki>(() => CertificateGenerator.Generate(k, "localhost", k))).Value;

    public static CertificateKeyPair ServerPair(KeyKind kind)
    {
        GeneratedPki pki = For(kind);
        return CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem);
    }

    public static CertificateKeyPair ClientPair(KeyKind kind)
    {
        GeneratedPki pki = For(kind);
        return CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem);
    }

    public static byte[] Message(int seed)
    {
        var message = new byte[130];
        new Random(seed).NextBytes(message);
        return message;
    }

    /// <summary>Runs the openssl CLI (OpenSSL 3, as installed by CI) and returns its stdout; fails the test on a non-zero exit.</summary>
    public static string OpenSsl(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"openssl {string.Join(' ', arguments)} failed: {stderr.Result}{stdout}");
        return stdout;
    }
}
