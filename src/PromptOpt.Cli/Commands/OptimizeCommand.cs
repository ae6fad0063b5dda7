using System.CommandLine;
using System.Text.Json.Nodes;
using PromptOpt.Cli.Rendering;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Storage;

namespace PromptOpt.Cli.Commands;

/// <summary>
/// <c>promptopt optimize [spec.yaml]</c>: run an optimizer from a run spec and/or flags (flags win), record the run in the
/// store, save the best prompt as an artifact and write the HTML report. Ctrl-C leaves a resumable run: the same
/// command (same run id) replays from the response cache.
/// </summary>
internal static class OptimizeCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var spec = new Argument<string?>("spec")
        {
            Description = "A run spec YAML file (see examples/*.yaml). Flags override its values.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var method = new Option<string?>("--method")
        {
            Description = "The method: " + MethodList() + ". Each method's options (--set key=value), their defaults and the papers' values: docs/methods/.",
            HelpName = "name",
        };
        var task = new Option<string?>("--task")
        {
            Description = "A built-in task name (see 'promptopt tasks'), a dataset directory (train/dev/test JSONL), or a JSONL file.",
            HelpName = "name|dir|file",
        };
        var taskModel = new Option<string?>("--task-model")
        {
            Description = "The task model (whose prompt is optimized): sim | auto | openai:<model> | openai-compatible:<base-url>|<model>. Default: auto.",
            HelpName = "spec",
        };
        var optimizerModel = new Option<string?>("--optimizer-model")
        {
            Description = "The optimizer model (analyses failures, writes candidates). Default: the task model's spec.",
            HelpName = "spec",
        };
        var env = new Option<string?>("--env")
        {
            Description = "EXPO methods: the decision-making environment the agent acts in (see 'promptopt tasks'), instead of --task.",
            HelpName = "name",
        };
        var steps = new Option<int?>("--steps") { Description = "EXPO methods: the number of agent steps. Default: the environment's horizon.", HelpName = "N" }.AtLeast(1);
        var agentModel = new Option<string?>("--agent-model")
        {
            Description = "EXPO methods: the agent model (acts once per step). Default: the task model's spec.",
            HelpName = "spec",
        };
        var embedder = new Option<string?>("--embedder")
        {
            Description = "EXPO methods: the embedder of the arms and exemplar sets the score networks learn on: hash (the built-in, weight-free " +
                "hashing embedder; no network, no cost) | openai:<embedding-model> (key from OPENAI_API_KEY) | " +
                "openai-compatible:<base-url>|<model>[|<API-KEY-ENV-VAR>] (Ollama, vLLM, llama.cpp, LM Studio, …). A provider's embeddings " +
                "are metered under the role 'embedding' and cached in the store. Default: hash.",
            HelpName = "spec",
        };
        var taskCalls = new Option<long?>("--budget-task-calls") { Description = "Stop after this many task-model calls (cache hits count). Default: unlimited.", HelpName = "N" };
        var optimizerCalls = new Option<long?>("--budget-optimizer-calls") { Description = "Stop after this many optimizer-model calls. Default: unlimited.", HelpName = "N" };
        var tokens = new Option<long?>("--budget-tokens") { Description = "Stop after this many tokens (charged roles). Default: unlimited.", HelpName = "N" };
        var dollars = new Option<decimal?>("--budget-dollars") { Description = "Stop after this many estimated dollars (cached calls count at their original cost). Default: unlimited.", HelpName = "USD" };
        var seed = new Option<int?>("--seed") { Description = $"Seed of generated tasks, the simulator and every random choice. Default: {CommonOptions.DefaultSeed}.", HelpName = "N" };
        var runId = new Option<string?>("--run-id")
        {
            Description = "The run id. Default: derived from method, task, seed and a hash of the spec, so the same command resumes the same run.",
            HelpName = "id",
        };
        var trainSize = new Option<int?>("--train-size") { Description = $"Training examples the optimizer evaluates on (its evaluation set). Default: {OptimizeRun.DefaultTrainSize}.", HelpName = "N" }.AtLeast(1);
        var testSize = new Option<int?>("--test-size") { Description = $"Test examples for the final scores. Default: {OptimizeRun.DefaultTestSize}.", HelpName = "N" }.AtLeast(1);
        var set = new Option<string[]>("--set")
        {
            Description = "A method option, key=value (repeatable), e.g. --set max-steps=3. Unknown keys are errors listing the valid ones.",
            HelpName = "key=value",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Maximum concurrent model calls per model.",
            HelpName = "N",
            DefaultValueFactory = _ => new EvaluationOptions().MaxConcurrency,
        }.AtLeast(1);
        var price = new Option<string[]>("--price")
        {
            Description = "A price override, model=input/output dollars per million tokens (repeatable), e.g. gpt-4o-mini=0.15/0.60.",
            HelpName = "model=in/out",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var metric = CommonOptions.Metric();
        var timeout = CallTimeouts.Option();
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();

        var command = new Command("optimize", "Optimize a prompt: run a method on a task from a YAML run spec and/or flags. Prints the best prompt, " +
            "its test score next to the start prompt's, usage, and the paths of the saved prompt artifact and the HTML report. " +
            "Ctrl-C stops cleanly; the same command resumes from the cache.")
        {
            spec, method, task, env, steps, taskModel, agentModel, optimizerModel, embedder, taskCalls, optimizerCalls, tokens, dollars, seed, runId, trainSize, testSize, set,
            concurrency, price, metric, timeout, store, json,
        };

        command.SetAction((parse, ct) => CommandRunner.RunAsync(context, parse.GetValue(json), token =>
        {
            var flags = new RunSpec
            {
                Method = parse.GetValue(method),
                Task = parse.GetValue(task),
                Environment = parse.GetValue(env),
                Steps = parse.GetValue(steps),
                AgentModel = parse.GetValue(agentModel),
                Embedder = parse.GetValue(embedder),
                Metric = parse.GetValue(metric),
                TaskModel = parse.GetValue(taskModel),
                OptimizerModel = parse.GetValue(optimizerModel),
                Seed = parse.GetValue(seed),
                RunId = parse.GetValue(runId),
                TrainSize = parse.GetValue(trainSize),
                TestSize = parse.GetValue(testSize),
                Budget = new RunSpecBudget
                {
                    TaskCalls = parse.GetValue(taskCalls),
                    OptimizerCalls = parse.GetValue(optimizerCalls),
                    Tokens = parse.GetValue(tokens),
                    Dollars = parse.GetValue(dollars),
                },
                Options = ParseSettings(parse.GetValue(set) ?? []),
                Timeout = parse.GetValue(timeout),
            };
            var args = new OptimizeArgs(parse.GetValue(spec), flags, parse.GetValue(concurrency), parse.GetValue(price) ?? [], parse.GetValue(store), parse.GetValue(json));
            return OptimizeRun.RunAsync(context, args, token);
        }, ct));
        return command;
    }

    /// <summary>Parses <c>--set key=value</c> values.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="PromptOptInputException">A value is not of the form key=value.</exception>
    public static Dictionary<string, string> ParseSettings(IEnumerable<string> values)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            int eq = v.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new PromptOptInputException($"--set '{v}': expected key=value (e.g. --set max-steps=3)");
            }

            settings[v[..eq].Trim()] = v[(eq + 1)..].Trim();
        }

        return settings;
    }

    private static string MethodList() => string.Join(" | ", OptimizerRegistry.AllNames);
}

/// <summary>The parsed command line of <c>optimize</c>.</summary>
/// <param name="SpecPath">The spec file, or <see langword="null"/>.</param>
/// <param name="Flags">The values given as flags (override the file).</param>
/// <param name="Concurrency">Maximum concurrent calls per model.</param>
/// <param name="Prices">Price overrides.</param>
/// <param name="Store">The <c>--store</c> value.</param>
/// <param name="Json">Whether <c>--json</c> was given.</param>
internal sealed record OptimizeArgs(string? SpecPath, RunSpec Flags, int Concurrency, IReadOnlyList<string> Prices, string? Store, bool Json);
