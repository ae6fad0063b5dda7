using System.CommandLine;
using PromptOpt.Evaluation;
using PromptOpt.Optimizers;

namespace PromptOpt.Cli.Commands;

/// <summary>
/// <c>promptopt compare [spec.yaml] --methods a,b,… --task T --seeds 1,2,3 --budget-…</c>: runs every method on every
/// task and seed with the same task, models, split, budget and start prompt. Each (method, seed) is an ordinary
/// <c>optimize</c> run in the store (same run id as the equivalent <c>optimize</c> command), so a killed compare resumes
/// and a finished one replays from the cache. Prints a table per task; writes an HTML report with anytime curves.
/// </summary>
internal static class CompareCommand
{
    /// <summary>The default seeds.</summary>
    public const string DefaultSeeds = "1,2,3";

    /// <summary>The default pre-flight limit on a real endpoint, in dollars.</summary>
    public const decimal DefaultMaxDollars = 5m;

    /// <summary>Creates the command.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var spec = new Argument<string?>("spec")
        {
            Description = "A run spec YAML file (the keys of 'optimize'; its method is ignored). Flags override its values.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var methods = new Option<string?>("--methods")
        {
            Description = "Comma-separated methods and named ablations, e.g. dual-phase,ape,opro,protegi,dual-phase:no-initial. Known: "
                + string.Join(", ", OptimizerRegistry.Names) + ".",
            HelpName = "a,b,…",
        };
        var task = new Option<string[]>("--task")
        {
            Description = "A built-in task, dataset directory or JSONL file (repeatable: one table per task).",
            HelpName = "name|dir|file",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var seeds = new Option<string?>("--seeds") { Description = $"Comma-separated seeds (each seeds the split's sampling, the simulator and every random choice). Default: {DefaultSeeds}.", HelpName = "1,2,3" };
        var taskModel = new Option<string?>("--task-model") { Description = "The task model. Default: auto.", HelpName = "spec" };
        var optimizerModel = new Option<string?>("--optimizer-model") { Description = "The optimizer model. Default: the task model's spec.", HelpName = "spec" };
        var trainSize = new Option<int?>("--train-size") { Description = $"Training examples each candidate is scored on. Default: {OptimizeRun.DefaultTrainSize}.", HelpName = "N" }.AtLeast(1);
        var testSize = new Option<int?>("--test-size") { Description = $"Test examples for the final scores. Default: {OptimizeRun.DefaultTestSize}.", HelpName = "N" }.AtLeast(1);
        var set = new Option<string[]>("--set")
        {
            Description = "A method option, key=value for every method, or method.key=value for one (repeatable).",
            HelpName = "[method.]key=value",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var concurrency = new Option<int>("--concurrency") { Description = "Maximum concurrent model calls per model.", HelpName = "N", DefaultValueFactory = _ => new EvaluationOptions().MaxConcurrency }.AtLeast(1);
        var price = new Option<string[]>("--price") { Description = "A price override, model=in/out dollars per million tokens (repeatable).", HelpName = "model=in/out", Arity = ArgumentArity.ZeroOrMore };
        var maxDollars = new Option<decimal>("--max-dollars")
        {
            Description = $"On a real endpoint: stop before the first call when the whole comparison's estimated cost is above this, unless --yes. Default: {DefaultMaxDollars}.",
            HelpName = "USD",
            DefaultValueFactory = _ => DefaultMaxDollars,
        };
        var yes = new Option<bool>("--yes") { Description = "Run even when the pre-flight estimate is above --max-dollars." };
        var output = new Option<string?>("--out") { Description = "The HTML report. Default: reports/compare-<hash>.html next to the store.", HelpName = "file" };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the tables as Markdown to this file.", HelpName = "file" };
        var curves = new Option<string?>("--curves-dir") { Description = "Also write each task's anytime curves as <dir>/<task>.svg.", HelpName = "dir" };
        var budget = BudgetOptions.Create(" Per run: every method gets the same.");
        var metric = CommonOptions.Metric();
        var timeout = CallTimeouts.Option();
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();

        var command = new Command("compare", "Compare methods on a task at equal budgets: every method gets the same task, models, split, budget and start " +
            "prompt; each (method, seed) is an ordinary resumable run. Prints a table per task (test mean ± s.e., paired Δ vs the best, calls, " +
            "tokens, dollars, share of the budget spent, stop reasons, and on the simulator the fraction of the oracle prompt's score) and " +
            "writes an HTML report with anytime curves.")
        {
            spec, methods, task, seeds, taskModel, optimizerModel, trainSize, testSize, set, concurrency, price,
            maxDollars, yes, output, markdown, curves, metric, timeout, store, json,
        };
        foreach (var option in budget.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => CommandRunner.RunAsync(context, parse.GetValue(json), token =>
        {
            var flags = new RunSpec
            {
                TaskModel = parse.GetValue(taskModel),
                OptimizerModel = parse.GetValue(optimizerModel),
                TrainSize = parse.GetValue(trainSize),
                TestSize = parse.GetValue(testSize),
                Budget = budget.Read(parse),
                Metric = parse.GetValue(metric),
                Timeout = parse.GetValue(timeout),
            };
            var args = new CompareArgs(
                parse.GetValue(spec), flags, parse.GetValue(methods), parse.GetValue(task) ?? [], parse.GetValue(seeds), parse.GetValue(set) ?? [],
                parse.GetValue(concurrency), parse.GetValue(price) ?? [], parse.GetValue(maxDollars), parse.GetValue(yes), parse.GetValue(output),
                parse.GetValue(markdown), parse.GetValue(curves), parse.GetValue(store), parse.GetValue(json));
            return CompareRun.RunAsync(context, args, token);
        }, ct));
        return command;
    }
}

/// <summary>The parsed command line of <c>compare</c>.</summary>
/// <param name="SpecPath">The spec file, or <see langword="null"/>.</param>
/// <param name="Flags">The shared run values given as flags.</param>
/// <param name="Methods">The <c>--methods</c> text.</param>
/// <param name="Tasks">The <c>--task</c> values.</param>
/// <param name="Seeds">The <c>--seeds</c> text.</param>
/// <param name="Settings">The <c>--set</c> values.</param>
/// <param name="Concurrency">Maximum concurrent calls per model.</param>
/// <param name="Prices">Price overrides.</param>
/// <param name="MaxDollars">The pre-flight limit on a real endpoint.</param>
/// <param name="Yes">Whether to run above the pre-flight limit.</param>
/// <param name="Out">The HTML report path, or <see langword="null"/>.</param>
/// <param name="Markdown">A Markdown file for the tables, or <see langword="null"/>.</param>
/// <param name="CurvesDir">A directory for one SVG of anytime curves per task, or <see langword="null"/>.</param>
/// <param name="Store">The <c>--store</c> value.</param>
/// <param name="Json">Whether <c>--json</c> was given.</param>
internal sealed record CompareArgs(
    string? SpecPath, RunSpec Flags, string? Methods, IReadOnlyList<string> Tasks, string? Seeds, IReadOnlyList<string> Settings, int Concurrency,
    IReadOnlyList<string> Prices, decimal MaxDollars, bool Yes, string? Out, string? Markdown, string? CurvesDir, string? Store, bool Json);
