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

/// <summary>The four budget flags shared by <c>optimize</c> and <c>compare</c>, and the budget they give.</summary>
/// <param name="TaskCalls"><c>--budget-task-calls</c>.</param>
/// <param name="OptimizerCalls"><c>--budget-optimizer-calls</c>.</param>
/// <param name="Tokens"><c>--budget-tokens</c>.</param>
/// <param name="Dollars"><c>--budget-dollars</c>.</param>
internal sealed record BudgetOptions(Option<long?> TaskCalls, Option<long?> OptimizerCalls, Option<long?> Tokens, Option<decimal?> Dollars)
{
    /// <summary>Creates the flags.</summary>
    /// <param name="perRun">A suffix for the descriptions (e.g. " Per run.").</param>
    /// <returns>The flags.</returns>
    public static BudgetOptions Create(string perRun = "") => new(
        new Option<long?>("--budget-task-calls") { Description = "Stop after this many task-model calls (cache hits count). Default: unlimited." + perRun, HelpName = "N" },
        new Option<long?>("--budget-optimizer-calls") { Description = "Stop after this many optimizer-model calls. Default: unlimited." + perRun, HelpName = "N" },
        new Option<long?>("--budget-tokens") { Description = "Stop after this many tokens (charged roles). Default: unlimited." + perRun, HelpName = "N" },
        new Option<decimal?>("--budget-dollars") { Description = "Stop after this many estimated dollars (cached calls count at their original cost). Default: unlimited." + perRun, HelpName = "USD" });

    /// <summary>Gets the flags, for adding to a command.</summary>
    public IEnumerable<Option> All => [TaskCalls, OptimizerCalls, Tokens, Dollars];

    /// <summary>Reads the budget given on the command line.</summary>
    /// <param name="parse">The parse result.</param>
    /// <returns>The budget (unset limits are <see langword="null"/>).</returns>
    public PromptOpt.Optimizers.RunSpecBudget Read(ParseResult parse) => new()
    {
        TaskCalls = parse.GetValue(TaskCalls),
        OptimizerCalls = parse.GetValue(OptimizerCalls),
        Tokens = parse.GetValue(Tokens),
        Dollars = parse.GetValue(Dollars),
    };
}
