using Reference.Fuzz;

namespace Reference.Tls.Tests.Properties;

/// <summary>
/// Every committed corpus file (seeds captured from C s2n-tls, plus any crash turned regression input)
/// replays through its fuzz target without a finding: only clean TlsException rejections may escape.
/// </summary>
public class FuzzCorpusReplayTests
{
    public static TheoryData<string> TargetNames()
    {
        var data = new TheoryData<string>();
        Targets.All.ForEach(t => data.Add(t.Name));
        return data;
    }

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void EveryCommittedCorpusFileReplaysCleanly(string name)
    {
        var target = Targets.Find(name)!;
        var files = Targets.CorpusFiles(name).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var exception = Xunit.Record.Exception(() => target.Run(File.ReadAllBytes(file)));
            Assert.True(exception is null, $"{Path.GetFileName(file)}: {exception}");
        }
    }
}
