using System.Diagnostics;
using System.Globalization;

namespace Reference.Compliance.Report;

/// <summary>What a report was made from and when, so an auditor can date it: the commit (marked when the tree had changes) and the UTC time.</summary>
internal sealed record ReportStamp(string Commit, string Date)
{
    public static ReportStamp Of(string root)
    {
        string commit = Git(root, "rev-parse", "HEAD") ?? "unknown (not a git checkout)";
        string? status = Git(root, "status", "--porcelain", "--untracked-files=no");
        if (!string.IsNullOrEmpty(status))
            commit += " with uncommitted changes";
        return new ReportStamp(commit, DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
    }

    private static string? Git(string root, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
            foreach (var a in args)
                info.ArgumentList.Add(a);
            using var git = Process.Start(info);
            if (git is null)
                return null;
            string output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
