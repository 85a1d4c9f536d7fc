using Reference.S2n;
using Reference.Tls.Tests.Oracle;

namespace Reference.Tls.Tests.Cli;

/// <summary>The `reference` .NET tool as a user gets it: packed, installed from the package file, run.</summary>
public class ToolPackageTests
{
    [Fact]
    public async Task The_packed_tool_installs_into_a_tool_path_and_runs_the_demo()
    {
        S2nLibrary.EnsureInitialized();
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("S2N_LIBRARY")))
        {
            // The installed tool lives outside the clone: point it at the library this process loaded.
            Environment.SetEnvironmentVariable("S2N_LIBRARY", S2nLibrary.LibraryPath);
        }

        var dir = Directory.CreateTempSubdirectory("reference-tool-");
        try
        {
            string packages = Path.Combine(dir.FullName, "packages");
            string tools = Path.Combine(dir.FullName, "tools");
            string project = Path.Combine(OracleFiles.RepositoryRoot, "src", "Reference.Cli", "Reference.Cli.csproj");
            var pack = await RunAsync("dotnet", "pack", project, "-c", "Release", "--no-build", "-nologo", "-o", packages);
            Assert.True(pack.Code == 0, pack.Output);
            string nupkg = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(packages, "Reference.Tool.*.nupkg")));
            string version = nupkg["Reference.Tool.".Length..];

            var install = await RunAsync("dotnet", "tool", "install", "--tool-path", tools, "--add-source", packages, "Reference.Tool", "--version", version);
            Assert.True(install.Code == 0, install.Output);

            string reference = Path.Combine(tools, "reference");
            var help = await RunAsync(reference, "server", "--help");
            Assert.Equal(0, help.Code);
            Assert.StartsWith("usage: reference server", help.Output, StringComparison.Ordinal);

            var demo = await RunAsync(reference, "demo");
            Assert.True(demo.Code == 0, demo.Output);
            Assert.Contains("demo: both directions succeeded", demo.Output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, params string[] args)
    {
        using var p = CliProcess.Start(program, args);
        await p.WriteAndCloseAsync("");
        int code = await p.WaitAsync(TimeSpan.FromMinutes(5));
        return (code, p.Stdout + p.Stderr);
    }
}
