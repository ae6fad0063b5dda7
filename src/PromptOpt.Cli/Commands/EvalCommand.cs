using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PromptOpt.Cli.Rendering;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Storage;

namespace PromptOpt.Cli.Commands;

/// <summary><c>promptopt eval</c>: score one prompt on a task with a task model.</summary>
internal static class EvalCommand
{
    /// <summary>The default number of worst failures shown.</summary>
    public const int DefaultFailuresShown = 3;

    /// <summary>Creates the command.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var task = new Option<string>("--task")
        {
            Description = "A built-in task name (see 'promptopt tasks'), a dataset directory (train/dev/test JSONL), or a JSONL file.",
            HelpName = "name|dir|file",
            Required = true,
        };
        var prompt = new Option<string>("--prompt")
        {
            Description = "The user prompt: literal text or @file (a text file or a saved prompt artifact JSON). " +
                "Put {question} where the example input goes; without it the input is appended on its own line.",
            HelpName = "text|@file",
            Required = true,
        };
        var system = new Option<string?>("--system")
        {
            Description = "An optional system prompt: literal text or @file. Default: none (or the artifact's).",
            HelpName = "text|@file",
        };
        var model = CommonOptions.Model("The task model.");
        var split = new Option<DataSplit>("--split")
        {
            Description = "The split to evaluate on.",
            DefaultValueFactory = _ => DataSplit.Test,
        };
        var limit = new Option<int?>("--limit")
        {
            Description = "Evaluate only the first N examples of the split. Default: all.",
            HelpName = "N",
        }.AtLeast(1);
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Maximum concurrent model calls.",
            HelpName = "N",
            DefaultValueFactory = _ => new EvaluationOptions().MaxConcurrency,
        }.AtLeast(1);
        var failures = new Option<int>("--failures")
        {
            Description = "How many of the worst failures to show (input excerpt, expected, got).",
            HelpName = "N",
            DefaultValueFactory = _ => DefaultFailuresShown,
        }.AtLeast(0);
        var seed = CommonOptions.Seed();
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();

        var command = new Command("eval", "Evaluate a prompt on a task: prints the score, n, calls, cache hits, tokens and the worst failures. " +
            "Calls are cached in the store, so rerunning an interrupted eval pays for nothing twice.")
        {
            task, prompt, system, model, split, limit, concurrency, failures, seed, store, json,
        };

        command.SetAction((parse, ct) => CommandRunner.RunAsync(context, parse.GetValue(json), token => RunAsync(
            context,
            new EvalArgs(
                parse.GetValue(task)!, parse.GetValue(prompt)!, parse.GetValue(system), parse.GetValue(model)!, parse.GetValue(split),
                parse.GetValue(limit), parse.GetValue(concurrency), parse.GetValue(failures), parse.GetValue(seed), parse.GetValue(store),
                parse.GetValue(json)),
            token), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, EvalArgs args, CancellationToken cancellationToken)
    {
        // Validate every input before the first model call.
        var prompt = PromptInput.Load(context, args.Prompt, args.System);
        var task = context.ResolveTask(args.Task, args.Seed);
        IReadOnlyList<Example> examples = task.Dataset.GetSplit(args.Split);
        if (examples.Count == 0)
        {
            throw new PromptOptInputException($"task '{task.Name}' has no {args.Split.ToString().ToLowerInvariant()} examples; choose another --split.");
        }

        if (args.Limit is { } limit && limit < examples.Count)
        {
            examples = examples.Take(limit).ToList();
        }

        // A demo must never be an example the prompt is scored on (nor a test example when scoring another split).
        prompt.EnsureDemosOutside(examples.Concat(task.Dataset.Test), $"task '{task.Name}' ({args.Split.ToString().ToLowerInvariant()} or test split)");

        using var store = context.OpenStore(args.Store);
        var meter = new UsageMeter();
        var model = await context.CreateModelAsync(args.Model, ModelRoles.Task, store, meter, args.Concurrency, args.Seed, [task], cancellationToken);

        // The run id is a hash of what was evaluated, so running the same command again reopens (resumes) the same run.
        var spec = new JsonObject
        {
            ["command"] = "eval",
            ["task"] = task.Name,
            ["dataset"] = task.Dataset.Fingerprint,
            ["split"] = args.Split.ToString().ToLowerInvariant(),
            ["limit"] = args.Limit,
            ["prompt"] = PromptJson(prompt),
            ["model"] = model.Spec,
            ["seed"] = args.Seed,
        };
        var specJson = spec.ToJsonString();
        var runId = "eval-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(specJson)))[..16];
        await store.CreateOrOpenRunAsync(
            new RunStart(runId, "eval", specJson, args.Seed, new Dictionary<string, string> { [ModelRoles.Task] = model.Spec }), cancellationToken);

        var options = new EvaluationOptions { MaxConcurrency = args.Concurrency };
        EvaluationResult result;
        try
        {
            result = await ProgressDisplay.RunAsync(context, $"eval {task.Name}", examples.Count, tick =>
                Evaluator.EvaluateAsync(new ProgressChatClient(model.Client, tick), prompt, examples, task.Metric, options, cancellationToken));
        }
        catch (Exception ex)
        {
            // Mark the run; the cache already holds every completed call, so rerunning resumes.
            await store.SetStatusAsync(runId, ex is OperationCanceledException ? RunStatus.Interrupted : RunStatus.Failed, CancellationToken.None);
            throw;
        }

        var report = new EvalReport(task, args.Split, prompt, model, store.Path, runId, result, meter.Snapshot().For(ModelRoles.Task), args.Failures);
        await store.SaveCandidateAsync(runId, 0, spec["prompt"]!.ToJsonString(), result.Score, CancellationToken.None);
        await store.SaveResultAsync(runId, EvalOutput.ToJson(report).ToJsonString(), CancellationToken.None);
        await store.SetStatusAsync(runId, RunStatus.Completed, CancellationToken.None);

        EvalOutput.Write(context, report, args.Json);
        return ExitCodes.Ok;
    }

    // The evaluated prompt in the run's spec (and so its id): {system, user}, plus demos and their style only when it has demos,
    // so a demo-free eval keeps the run id it always had.
    private static JsonObject PromptJson(Prompts.Prompt prompt)
    {
        var o = new JsonObject { ["system"] = prompt.System, ["user"] = prompt.User };
        var (demos, style) = Optimizers.PromptArtifact.DemoFieldsOf(prompt);
        if (demos is not null)
        {
            o["demos"] = Prompts.Demo.ToJson(demos);
            o["demo_style"] = style;
        }

        return o;
    }

    private sealed record EvalArgs(
        string Task, string Prompt, string? System, string Model, DataSplit Split, int? Limit, int Concurrency, int Failures, int Seed,
        string? Store, bool Json);
}
