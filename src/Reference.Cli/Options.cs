using System.Globalization;

namespace Reference.Cli;

/// <summary>Command-line options: positional words, --name value pairs and --flags.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _named = [];
    private readonly HashSet<string> _flags = [];

    private Options(string verb) => Verb = verb;

    public string Verb { get; }

    public List<string> Positional { get; } = [];

    /// <summary>Lenient parse (trace, check): any --name takes the next word, except --insecure.</summary>
    public static Options Parse(string[] args) => Parse("", args, null, new HashSet<string> { "insecure" });

    /// <summary>
    /// Strict parse for a verb: an option not in <paramref name="valued"/> or <paramref name="flags"/> is a
    /// usage error naming it (null <paramref name="valued"/> accepts any valued option).
    /// </summary>
    public static Options Parse(string verb, string[] args, IReadOnlySet<string>? valued, IReadOnlySet<string> flags)
    {
        var o = new Options(verb);
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : "";
            if (name.Length == 0)
            {
                o.Positional.Add(args[i]);
            }
            else if (flags.Contains(name))
            {
                o._flags.Add(name);
            }
            else if (valued is not null && !valued.Contains(name))
            {
                throw new CliException(ExitCode.Usage, $"unknown option {args[i]} for '{verb}' (see: reference {verb} --help)");
            }
            else if (i + 1 < args.Length)
            {
                o._named[name] = args[++i];
            }
            else
            {
                throw new CliException(ExitCode.Usage, $"option {args[i]} needs a value");
            }
        }

        return o;
    }

    public string? Get(string name) => _named.GetValueOrDefault(name);

    public string Require(string name) =>
        Get(name) ?? throw new CliException(ExitCode.Usage, $"{Verb}: --{name} is required (see: reference {Verb} --help)");

    public bool Has(string flag) => _flags.Contains(flag);

    public IReadOnlyList<string> List(string name) =>
        Get(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>An integer option within [min, max]; a word that is not one is a usage error naming the option.</summary>
    public int Int(string name, int fallback, int min, int max) =>
        Get(name) is not { } text ? fallback : ParseInt($"--{name}", text, min, max);

    public static int ParseInt(string what, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new CliException(ExitCode.Usage, $"{what}: '{text}' is not a number from {min} to {max}");

    /// <summary>A file the user named: an unreadable path is reported before any network work.</summary>
    public string? ExistingFile(string name)
    {
        if (Get(name) is not { } path)
        {
            return null;
        }

        return File.Exists(path) ? path : throw new CliException(ExitCode.Config, $"--{name}: no such file '{path}'");
    }
}
