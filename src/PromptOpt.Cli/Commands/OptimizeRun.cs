using PromptOpt.Cli.Rendering;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Storage;

namespace PromptOpt.Cli.Commands;

/// <summary>The body of <c>promptopt optimize</c>: validate everything, run the method, record, save, report.</summary>
internal static class OptimizeRun
{
    /// <summary>The default number of training examples (<see cref="OptimizationRequest.TrainSize"/>'s default).</summary>
    public const int DefaultTrainSize = 50;

    /// <summary>The default number of test examples (<see cref="OptimizationRequest.TestSize"/>'s default).</summary>
    public const int DefaultTestSize = 200;

    /// <summary>The default model spec.</summary>
    public const string DefaultModel = "auto";

    /// <summary>Runs the command.</summary>
    /// <param name="context">The context.</param>
    /// <param name="args">The parsed command line.</param>
    /// <param name="cancellationToken">Ctrl-C.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(CliContext context, OptimizeArgs args, CancellationToken cancellationToken)
    {
        // 1. Validate every input before the first model call (bad input → exit 2).
        var fromFile = args.SpecPath is null ? new RunSpec() : RunSpecLoader.Load(args.SpecPath, context.WorkingDirectory);
        var spec = fromFile.OverrideWith(args.Flags);
        var method = spec.Method
            ?? throw new PromptOptInputException($"no method: give --method or 'method:' in the spec (known: {string.Join(", ", OptimizerRegistry.AllNames)})");
        if (OptimizerRegistry.IsDecisionMethod(method))
        {
            return await OptimizeDecisionRun.RunAsync(context, args, spec, method, cancellationToken); // EXPO: an agent in an environment
        }

        var optimizer = WithOptionLocations(spec, () => OptimizerRegistry.Create(method, spec.Options.Count == 0 ? null : spec.Options));
        method = optimizer.Name;
        int seed = spec.Seed ?? CommonOptions.DefaultSeed;
        ValidateBudget(spec.Budget);
        var target = OptimizeTarget.Resolve(context, spec, seed);
        var prices = ParsePrices(args.Prices);
        var taskModelSpec = spec.TaskModel ?? DefaultModel;
        var optimizerModelSpec = spec.OptimizerModel ?? taskModelSpec;
        var resolvedTaskModel = ModelFactory.ResolveAuto(ModelSpec.Parse(taskModelSpec), context.Environment).ToString();
        var resolvedOptimizerModel = ModelFactory.ResolveAuto(ModelSpec.Parse(optimizerModelSpec), context.Environment).ToString();
        int trainSize = spec.TrainSize ?? DefaultTrainSize;
        int testSize = spec.TestSize ?? DefaultTestSize;

        // 2. The run's identity: the spec with defaults filled in and models resolved, plus the data's fingerprint. The
        //    default run id hashes it, so the same command (same data, same models) reopens the same run.
        var identity = (spec with
        {
            Method = method,
            Seed = seed,
            TrainSize = trainSize,
            TestSize = testSize,
            TaskModel = resolvedTaskModel,
            OptimizerModel = resolvedOptimizerModel,
            RunId = null,
            Metric = spec.Metric is null ? null : target.Task.Metric.Name, // canonical; left out when not chosen (earlier run ids stay)
        }).ToJson();
        identity["dataset"] = target.Fingerprint;
        var specJson = identity.ToJsonString();
        var runId = spec.RunId is { } given ? RunIds.Validate(given) : RunSpec.DeriveRunId(method, target.Name, seed, specJson);
        context.Note($"run {runId}: {method} on {target.Name}, seed {seed}");

        // 3. Models and the run record.
        context.RequestTimeout = CallTimeouts.Resolve(context, args.Flags.Timeout, spec.Timeout, spec.SourcePath);
        using var store = context.OpenStore(args.Store);
        var meter = new UsageMeter(spec.ToBudget(), prices);
        var taskModel = await context.CreateModelAsync(taskModelSpec, ModelRoles.Task, store, meter, args.Concurrency, seed, target.AllTasks, cancellationToken);
        var optimizerModel = await context.CreateModelAsync(optimizerModelSpec, ModelRoles.Optimizer, store, meter, args.Concurrency, seed, target.AllTasks, cancellationToken);
        context.NoteSimulated(taskModel, optimizerModel);
        bool simulated = taskModel.Simulated || optimizerModel.Simulated;
        var models = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ModelRoles.Task] = taskModel.Spec,
            [ModelRoles.Optimizer] = optimizerModel.Spec,
        };
        NoteSizes(context, target, trainSize, testSize);
        var view = new OptimizeProgressView(context, meter, simulated)
        {
            // The final scores: the start and the best prompt on the test examples, paid even with a zero budget.
            TestCalls = target.IsSingleTask ? 2L * Math.Min(testSize, target.Task.Dataset.Test.Count) : null,
        };
        await using var recorder = await RunRecorder.StartAsync(store, new RunStart(runId, method, specJson, seed, models), view, cancellationToken);
        if (recorder.Resumed)
        {
            context.Note($"resuming run {runId} (attempt {recorder.Attempt}): calls it already made are answered from the cache");
        }

        var request = new OptimizationRequest
        {
            Task = target.Task,
            SourceTasks = target.SourceTasks,
            UnseenTasks = target.UnseenTasks,
            TaskModel = taskModel.Client,
            OptimizerModel = optimizerModel.Client,
            Usage = meter,
            Seed = seed,
            TrainSize = trainSize,
            TestSize = testSize,
            Evaluation = new EvaluationOptions { MaxConcurrency = args.Concurrency },
            Progress = recorder,
        };

        // 4–5. Run, record, save the best prompt and the report next to the store.
        var (result, artifactPath, reportPath, attempts) = await RunAndSaveAsync(
            context, store, view, meter, recorder, runId, simulated, target.Task, () => optimizer.OptimizeAsync(request, cancellationToken),
            r => PromptArtifact.FromResult(r, runId, target.Name, target.Fingerprint, models, simulated));

        OptimizeOutput.Write(context, new OptimizeOutcome(
            runId, target.Name, target.IsSingleTask ? null : target.Task.Name, target.Task.Metric.Name, models, simulated, result, view.Started, recorder.Resumed,
            store.Path, artifactPath, reportPath) { AllAttempts = attempts }, args.Json);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Steps 4–5 of every optimize run (prompt and decision methods alike): runs the optimizer under the progress view,
    /// marks a cancelled run interrupted (resumable) and a failed one failed, records the result, then saves the artifact
    /// and the HTML report next to the store.
    /// </summary>
    internal static async Task<(OptimizationResult Result, string ArtifactPath, string ReportPath, IReadOnlyList<Reporting.AttemptUsage> Attempts)> RunAndSaveAsync(
        CliContext context, PromptOptStore store, OptimizeProgressView view, UsageMeter meter, RunRecorder recorder, string runId, bool simulated,
        PromptOpt.Data.TaskDefinition? reportTask, Func<Task<OptimizationResult>> optimize, Func<OptimizationResult, PromptArtifact> artifact)
    {
        OptimizationResult result;
        try
        {
            result = await view.RunAsync(optimize);
        }
        catch (Exception ex)
        {
            await recorder.StopAsync(ex is OperationCanceledException ? RunStatus.Interrupted : RunStatus.Failed, meter.Snapshot());
            throw;
        }

        await recorder.CompleteAsync(result, simulated);

        var artifactPath = RunReportFiles.ArtifactPath(store.Path, runId);
        artifact(result).Save(artifactPath);
        var run = await store.GetRunAsync(runId, CancellationToken.None)
            ?? throw new InvalidOperationException($"run '{runId}' vanished from the store");
        var report = await RunReportFiles.LoadAsync(context, store, run, reportTask, CancellationToken.None);
        var reportPath = RunReportFiles.ReportPath(store.Path, runId, ReportFormat.Html);
        RunReportFiles.Write(report, reportPath, ReportFormat.Html);
        return (result, artifactPath, reportPath, report.Attempts);
    }

    /// <summary>
    /// Runs <paramref name="create"/> (a method factory binding the spec's options); invalid options are reported where they
    /// were set: <c>spec.yaml:7: option 'max-steps' …</c> for a key of the spec file, <c>--set max-steps=…: …</c> for a flag.
    /// </summary>
    internal static T WithOptionLocations<T>(RunSpec spec, Func<T> create)
    {
        try
        {
            return create();
        }
        catch (OptionsException ex) when (ex.Errors.Count > 0)
        {
            var located = ex.Errors.Select(e =>
            {
                var fileKey = spec.OptionLines.Keys.FirstOrDefault(k => SameKey(k, e.Key));
                if (fileKey is not null && spec.SourcePath is { } file)
                {
                    return $"{file}:{spec.OptionLines[fileKey]}: {e.Message}";
                }

                var flagKey = spec.Options.Keys.FirstOrDefault(k => SameKey(k, e.Key));
                return flagKey is null ? e.Message : $"--set {flagKey}={spec.Options[flagKey]}: {e.Message}";
            });
            throw new PromptOptInputException(string.Join("; ", located), ex);
        }
    }

    private static bool SameKey(string a, string b) =>
        string.Equals(new string(a.Where(char.IsLetterOrDigit).ToArray()), new string(b.Where(char.IsLetterOrDigit).ToArray()), StringComparison.OrdinalIgnoreCase);

    // A size larger than the split is cut to the split: say so rather than silently use fewer examples.
    private static void NoteSizes(CliContext context, OptimizeTarget target, int trainSize, int testSize)
    {
        foreach (var task in target.SourceTasks.Count > 0 ? target.SourceTasks : [target.Task])
        {
            foreach (var (option, size, available, split) in new[]
            {
                ("train-size", trainSize, task.Dataset.Train.Count, "training"),
                ("test-size", testSize, task.Dataset.Test.Count, "test"),
            })
            {
                if (size > available)
                {
                    context.Note($"note: {option} {size} is more than task '{task.Name}' has {split} examples ({available}): using {available}");
                }
            }
        }
    }

    internal static void ValidateBudget(RunSpecBudget budget)
    {
        if (budget.TaskCalls is < 0 || budget.OptimizerCalls is < 0 || budget.Tokens is < 0 || budget.Dollars is < 0)
        {
            throw new PromptOptInputException("budget limits must be 0 or more");
        }
    }

    internal static PriceTable ParsePrices(IEnumerable<string> overrides)
    {
        var table = PriceTable.Default;
        foreach (var p in overrides)
        {
            try
            {
                table = table.WithOverride(p);
            }
            catch (FormatException ex)
            {
                throw new PromptOptInputException("--price: " + ex.Message, ex);
            }
        }

        return table;
    }
}
