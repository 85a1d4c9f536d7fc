using static Reference.Tls.Tests.Cli.CliProcess;

namespace Reference.Tls.Tests.Cli;

/// <summary>`reference server --www` as `openssl s_server -www` is used: many `openssl s_client`s, one after another and at once.</summary>
public class CliWwwTests
{
    private const int Count = 50;

    private static async Task<string> FetchAsync(int port)
    {
        using var client = Start(Interop.OpenSslProcess.Executable, "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost",
            "-CAfile", Cert("ca-certificate.pem"), "-verify_return_error", "-quiet", "-ign_eof");
        await client.WriteAndCloseAsync("GET / HTTP/1.0\r\n\r\n");
        int code = await client.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 0, client.Stderr);
        return client.Stdout;
    }

    [Fact]
    public async Task Www_serves_50_sequential_and_50_concurrent_openssl_clients()
    {
        using var server = StartCli("server", "--port", "0", "--www", "--max-conns", "64", "--naccept", $"{2 * Count}",
            "--cert", Cert("server-chain.pem"), "--key", Cert("server-key.pem"));
        int port = await server.ListeningPortAsync();

        var pages = new List<string>();
        for (int i = 0; i < Count; i++)
        {
            pages.Add(await FetchAsync(port));
        }

        pages.AddRange(await Task.WhenAll(Enumerable.Range(0, Count).Select(_ => FetchAsync(port))));

        Assert.All(pages, page =>
        {
            Assert.StartsWith("HTTP/1.0 200 ok", page, StringComparison.Ordinal);
            Assert.Contains("request: GET / HTTP/1.0", page, StringComparison.Ordinal);
        });
        Assert.Equal(0, await server.WaitAsync(TimeSpan.FromSeconds(60)));
        var log = server.Stderr.Split('\n');
        Assert.Equal(2 * Count, log.Count(l => l.Contains(" ok ", StringComparison.Ordinal) && l.EndsWith("close_notify both ways", StringComparison.Ordinal)));
        Assert.Contains($"stopped after {2 * Count} connection(s)", server.Stderr, StringComparison.Ordinal);
    }
}
