using Reference.Oracle;

namespace Reference.Tls.Tests.Oracle;

/// <summary>The checker gives every committed corpus transcript exactly the verdict in manifest.txt.</summary>
public sealed class CorpusTests
{
    public static TheoryData<string, string, string> Manifest()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var line in File.ReadAllLines(Path.Combine(OracleFiles.Corpus, "manifest.txt")))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            data.Add(parts[0], parts[1], parts.Length > 2 ? parts[2] : "");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Manifest))]
    public void Checker_gives_the_manifest_verdict(string file, string verdict, string rules)
    {
        var report = TranscriptChecker.Check(Transcript.Load(Path.Combine(OracleFiles.Corpus, file)));
        Assert.Equal(verdict, report.Verdict);
        Assert.Equal(rules, string.Join(" ", report.Violations.Select(v => v.Rule.Id)));
        Assert.Equal(verdict == "conforming" ? 0 : 1, report.ExitCode);
    }

    [Fact]
    public void Corpus_covers_s2n_openssl_and_every_mutation()
    {
        var files = Manifest().Select(row => (string)row[0]).ToList();
        Assert.Contains("ours-client-s2n-server.txt", files);
        Assert.Contains("ours-server-s2n-client.txt", files);
        Assert.Contains("ours-client-openssl-server.txt", files);
        var broken = files.Where(f => f.StartsWith("broken/", StringComparison.Ordinal)).ToList();
        foreach (var mutation in TranscriptMutator.Mutations)
        {
            Assert.Contains(broken, f => f.EndsWith(mutation + ".txt", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("ours-client-s2n-server.txt", "bad-finished")]
    [InlineData("ours-client-s2n-server.txt", "illegal-extension")]
    [InlineData("ours-ours-key-update.txt", "bad-key-update")]
    public void Mutating_again_reproduces_the_committed_broken_transcript(string baseFile, string mutation)
    {
        var key = CertificateKeyPair.FromPem(DeterministicHandshake.Resource("ecdsa-chain.pem"), DeterministicHandshake.Resource("ecdsa-key.pem"));
        var mutated = TranscriptMutator.Mutate(Transcript.Load(Path.Combine(OracleFiles.Corpus, baseFile)), mutation, key);
        var committed = Directory.GetFiles(Path.Combine(OracleFiles.Corpus, "broken"), "*" + mutation + ".txt")
            .Select(Transcript.Load).First(t => t.Keys.Format() == mutated.Keys.Format());
        Assert.Equal(HexTranscript.Format(committed), HexTranscript.Format(mutated));
    }

    [Fact]
    public void Every_rule_quotes_RFC_8446_verbatim()
    {
        // Page footers and headers interrupt sentences that cross a page; drop them as the compliance tool does.
        var lines = File.ReadAllLines(Path.Combine(OracleFiles.RepositoryRoot, "spec", "rfc8446.txt"))
            .Where(l => !l.StartsWith("Rescorla", StringComparison.Ordinal) && !l.StartsWith("RFC 8446 ", StringComparison.Ordinal) && !l.Contains('\f'));
        var rfc = Normalize(string.Join('\n', lines));
        foreach (var rule in Rules.All)
        {
            Assert.True(rfc.Contains(Normalize(rule.Quote), StringComparison.Ordinal), $"{rule.Id}: quote not found in RFC 8446");
        }

        Assert.Equal(Rules.All.Count, Rules.All.Select(r => r.Id).Distinct().Count());
    }

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
