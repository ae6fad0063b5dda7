using System.CommandLine;
using System.Globalization;

namespace PromptOpt.Cli;

/// <summary>Options shared by several commands. Each factory returns a new instance (an option has one parent).</summary>
internal static class CommonOptions
{
    /// <summary>The default seed of tasks and the simulator.</summary>
    public const int DefaultSeed = 42;

    /// <summary>The name of the global <c>--verbose</c> option.</summary>
    public const string VerboseName = "--verbose";

    /// <summary>Creates the global <c>--verbose</c> option (recursive: valid after any command).</summary>
    /// <returns>The option.</returns>
    public static Option<bool> Verbose() => new(VerboseName, "-v")
    {
        Description = "Show stack traces of runtime failures.",
        Recursive = true,
    };

    /// <summary>Creates <c>--json</c>.</summary>
    /// <returns>The option.</returns>
    public static Option<bool> Json() => new("--json")
    {
        Description = "Print exactly one JSON object on stdout (errors too: {\"error\":{…}}); notes and progress go to stderr.",
    };

    /// <summary>Creates <c>--store</c>.</summary>
    /// <returns>The option.</returns>
    public static Option<string?> Store() => new("--store")
    {
        Description = "The SQLite store (response cache and runs). Default: $PROMPTOPT_STORE, else .promptopt/promptopt.db in the current directory.",
        HelpName = "path",
    };

    /// <summary>Creates <c>--seed</c>.</summary>
    /// <returns>The option.</returns>
    public static Option<int> Seed() => new("--seed")
    {
        Description = "Seed of generated tasks and of the simulator.",
        DefaultValueFactory = _ => DefaultSeed,
    };

    /// <summary>Creates <c>--model</c>.</summary>
    /// <param name="description">What the model is for.</param>
    /// <returns>The option.</returns>
    public static Option<string> Model(string description) => new("--model")
    {
        Description = description + " Spec forms: sim | auto | openai:<model> | openai-compatible:<base-url>|<model>. " +
            "'auto' uses a configured endpoint (OPENAI_API_KEY / OPENAI_BASE_URL), else the simulator.",
        HelpName = "spec",
        DefaultValueFactory = _ => "auto",
    };

    /// <summary>
    /// Creates <c>--metric</c> (spec key <c>metric</c>), shared by every command that scores a task (eval, optimize, compare).
    /// Resolve it with <see cref="CliContext.ResolveTask(string, int, string?)"/> or <see cref="Optimizers.RunSpec.Metric"/>.
    /// </summary>
    /// <returns>The option.</returns>
    public static Option<string?> Metric() => new("--metric")
    {
        Description = "How answers are scored: " + string.Join(" | ", Evaluation.Metrics.MetricCatalog.Names) +
            " (also accuracy = choice, exact, f1 = token_f1). Default: the metric the dataset's README asks for, else the one inferred from the data.",
        HelpName = "name",
    };

    /// <summary>Adds a validator that rejects values below <paramref name="min"/>.</summary>
    /// <param name="option">The option.</param>
    /// <param name="min">The smallest allowed value.</param>
    /// <returns>The option.</returns>
    public static Option<int> AtLeast(this Option<int> option, int min)
    {
        AddMinimum(option, min);
        return option;
    }

    /// <summary>Adds a validator that rejects values below <paramref name="min"/> (an absent value means "not set").</summary>
    /// <param name="option">The option.</param>
    /// <param name="min">The smallest allowed value.</param>
    /// <returns>The option.</returns>
    public static Option<int?> AtLeast(this Option<int?> option, int min)
    {
        AddMinimum(option, min);
        return option;
    }

    /// <summary>Adds a validator that rejects values above <paramref name="max"/>.</summary>
    /// <param name="option">The option.</param>
    /// <param name="max">The largest allowed value.</param>
    /// <returns>The option.</returns>
    public static Option<int> AtMost(this Option<int> option, int max)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1
                && int.TryParse(r.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
                && v > max)
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be at most {max}, got {v}."));
            }
        });
        return option;
    }

    private static void AddMinimum(Option option, int min)
    {
        // Validate the token text, not GetValueOrDefault: that throws when the text is not a number, and the
        // parser reports that case itself.
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1
                && int.TryParse(r.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
                && v < min)
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be at least {min}, got {v}."));
            }
        });
    }
}
