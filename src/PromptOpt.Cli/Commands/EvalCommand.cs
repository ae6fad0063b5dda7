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
        var metric = CommonOptions.Metric();
        var failUnder = new Option<double?>("--fail-under")
        {
            Description = "CI gate: exit with code 3 (and one line saying so) when the score is under this value (0-1).",
            HelpName = "score",
        };
        var baseline = new Option<string?>("--baseline")
        {
            Description = "CI gate: a baseline to compare with: @file (an earlier 'eval --json' output, or a prompt artifact: its test score) or a score. " +
                "Exit with code 3 when the score drops more than --max-drop below it.",
            HelpName = "@file|score",
        };
        var maxDrop = new Option<double?>("--max-drop")
        {
            Description = "CI gate: the largest acceptable drop below --baseline (0-1). Default: 0.",
            HelpName = "delta",
        };
        var seed = CommonOptions.Seed();
        var timeout = CallTimeouts.Option();
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();

        var command = new Command("eval", "Evaluate a prompt on a task: prints the score, n, calls, cache hits, tokens and the worst failures. " +
            "Calls are cached in the store, so rerunning an interrupted eval pays for nothing twice.")
        {
            task, prompt, system, model, split, limit, concurrency, failures, metric, failUnder, baseline, maxDrop, seed, timeout, store, json,
        };

        command.SetAction((parse, ct) => CommandRunner.RunAsync(context, parse.GetValue(json), token => RunAsync(
            context,
            new EvalArgs(
                parse.GetValue(task)!, parse.GetValue(prompt)!, parse.GetValue(system), parse.GetValue(model)!, parse.GetValue(split),
                parse.GetValue(limit), parse.GetValue(concurrency), parse.GetValue(failures), parse.GetValue(seed), parse.GetValue(timeout),
                parse.GetValue(store), parse.GetValue(json), parse.GetValue(metric), parse.GetValue(failUnder), parse.GetValue(baseline), parse.GetValue(maxDrop)),
            token), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, EvalArgs args, CancellationToken cancellationToken)
    {
        // Validate every input before the first model call.
        var prompt = PromptInput.Load(context, args.Prompt, args.System);
        var gate = EvalGate.Parse(context, args.FailUnder, args.Baseline, args.MaxDrop);
        var task = context.ResolveTask(args.Task, args.Seed, args.Metric);
        gate.CheckComparable(task.Name, task.Metric.Name);
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

        context.RequestTimeout = CallTimeouts.Resolve(context, args.Timeout);
        using var store = context.OpenStoreReadOnlyIfNeeded(args.Store);
        var meter = new UsageMeter();
        var model = await context.CreateModelAsync(args.Model, ModelRoles.Task, store, meter, args.Concurrency, args.Seed, [task], cancellationToken);
        context.NoteSimulated(model);

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
        if (args.Metric is not null)
        {
            spec["metric"] = task.Metric.Name; // only when chosen, so the run ids of earlier evals stay the same
        }

        var specJson = spec.ToJsonString();
        var runId = "eval-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(specJson)))[..16];
        EvalReport report;
        if (store.IsReadOnly)
        {
            // A read-only store can show a finished eval again (every call is in its cache) but cannot record a new one.
            if (await store.GetRunAsync(runId, cancellationToken) is not { Status: RunStatus.Completed })
            {
                throw StoreErrors.NotWritable(store.Path, $"eval run '{runId}' is not in it yet, so it must be recorded");
            }

            report = await EvaluateAsync(context, args, task, examples, prompt, model, store, meter, runId, cancellationToken);
        }
        else
        {
            // One process at a time per run: a second identical eval waits for nothing and pays for nothing twice.
            await using var lease = await RunLease.AcquireAsync(store, runId, null, cancellationToken);
            await store.CreateOrOpenRunAsync(
                new RunStart(runId, "eval", specJson, args.Seed, new Dictionary<string, string> { [ModelRoles.Task] = model.Spec }), cancellationToken);
            int attempt = await store.StartAttemptAsync(runId, cancellationToken);
            try
            {
                report = await EvaluateAsync(context, args, task, examples, prompt, model, store, meter, runId, cancellationToken);
            }
            catch (Exception ex)
            {
                // Mark the run; the cache already holds every completed call, so rerunning resumes.
                var status = ex is OperationCanceledException ? RunStatus.Interrupted : RunStatus.Failed;
                await store.SetStatusAsync(runId, status, CancellationToken.None);
                await store.SaveAttemptAsync(runId, attempt, status, RunRecorder.UsageJson(meter.Snapshot()), CancellationToken.None);
                throw;
            }

            await store.SaveCandidateAsync(runId, 0, spec["prompt"]!.ToJsonString(), report.Result.Score, CancellationToken.None);
            await store.SaveResultAsync(runId, EvalOutput.ToJson(report).ToJsonString(), CancellationToken.None);
            await store.SetStatusAsync(runId, RunStatus.Completed, CancellationToken.None);
            await store.SaveAttemptAsync(runId, attempt, RunStatus.Completed, RunRecorder.UsageJson(meter.Snapshot()), CancellationToken.None);
        }

        var verdict = gate.IsSet ? gate.Judge(report.Result.Score, task.Metric.Name) : null;
        EvalOutput.Write(context, report, args.Json, gate.IsSet ? gate.ToJson(verdict) : null);
        if (verdict is not null)
        {
            context.Err.WriteLine(verdict);
            return ExitCodes.Regression;
        }

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

    private static async Task<EvalReport> EvaluateAsync(
        CliContext context, EvalArgs args, TaskDefinition task, IReadOnlyList<Example> examples, Prompts.Prompt prompt, CliModel model, PromptOptStore store,
        UsageMeter meter, string runId, CancellationToken cancellationToken)
    {
        var options = new EvaluationOptions { MaxConcurrency = args.Concurrency };
        var result = await ProgressDisplay.RunAsync(context, $"eval {task.Name}", examples.Count, meter, tick =>
            Evaluator.EvaluateAsync(new ProgressChatClient(model.Client, tick), prompt, examples, task.Metric, options, cancellationToken));
        return new EvalReport(task, args.Split, prompt, model, store.Path, runId, result, meter.Snapshot().For(ModelRoles.Task), args.Failures);
    }

    private sealed record EvalArgs(
        string Task, string Prompt, string? System, string Model, DataSplit Split, int? Limit, int Concurrency, int Failures, int Seed,
        string? Timeout, string? Store, bool Json, string? Metric, double? FailUnder, string? Baseline, double? MaxDrop);
}
