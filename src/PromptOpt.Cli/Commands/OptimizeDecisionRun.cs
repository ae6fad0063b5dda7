using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Cli.Rendering;
using PromptOpt.Decision;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Storage;

namespace PromptOpt.Cli.Commands;

/// <summary>
/// The body of <c>promptopt optimize</c> for the agent methods (EXPO, EXPO-ES and their baselines): the agent acts in an
/// environment (<c>--env</c>, <c>--steps</c>, <c>--agent-model</c>, <c>--embedder</c>) instead of a task prompt being scored on examples.
/// Same run record, resume, artifact and report as <see cref="OptimizeRun"/>; the live view shows the arm, reward,
/// regret or best value and the three most likely arms per step.
/// </summary>
internal static class OptimizeDecisionRun
{
    /// <summary>Runs an agent method.</summary>
    /// <param name="context">The context.</param>
    /// <param name="args">The parsed command line.</param>
    /// <param name="spec">The effective spec.</param>
    /// <param name="method">The method name (a decision method).</param>
    /// <param name="cancellationToken">Ctrl-C.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(CliContext context, OptimizeArgs args, RunSpec spec, string method, CancellationToken cancellationToken)
    {
        // 1. Validate every input before the first model call (bad input → exit 2).
        var optimizer = OptimizeRun.WithOptionLocations(spec, () => OptimizerRegistry.CreateDecision(method, spec.Options.Count == 0 ? null : spec.Options));
        method = optimizer.Name;
        if (spec.Task is not null || spec.Suite is not null)
        {
            throw new PromptOptInputException($"method '{method}' runs an agent in an environment: give --env (or 'env:'), not a task or suite");
        }

        if (spec.Metric is not null)
        {
            throw new PromptOptInputException($"method '{method}' scores an agent by its environment's reward, not by a metric: drop --metric (or 'metric:')");
        }

        if (spec.TrainSize is not null || spec.TestSize is not null)
        {
            throw new PromptOptInputException($"method '{method}' has no train/test split: drop train-size/test-size (use --steps for the run length)");
        }

        var envName = spec.Environment
            ?? throw new PromptOptInputException($"no environment: give --env or 'env:' in the spec (known: {string.Join(", ", EnvironmentCatalog.All.Select(e => e.Name))})");
        if (!EnvironmentCatalog.Contains(envName))
        {
            throw new PromptOptInputException($"unknown environment '{envName}' (known: {string.Join(", ", EnvironmentCatalog.All.Select(e => e.Name))})");
        }

        int seed = spec.Seed ?? CommonOptions.DefaultSeed;
        OptimizeRun.ValidateBudget(spec.Budget);
        var prices = OptimizeRun.ParsePrices(args.Prices);
        var environment = EnvironmentCatalog.Create(envName, seed);
        int steps = spec.Steps ?? environment.Horizon;
        var agentModelSpec = spec.AgentModel ?? spec.TaskModel ?? OptimizeRun.DefaultModel;
        var optimizerModelSpec = spec.OptimizerModel ?? agentModelSpec;
        var resolvedAgent = ModelFactory.ResolveAuto(ModelSpec.Parse(agentModelSpec), context.Environment).ToString();
        var resolvedOptimizer = ModelFactory.ResolveAuto(ModelSpec.Parse(optimizerModelSpec), context.Environment).ToString();
        var embedderSpec = EmbedderSpec.Parse(spec.Embedder ?? EmbedderSpec.HashName);

        // 2. The run's identity (the environment is generated from its name and the seed, so those are its data).
        var identity = (spec with
        {
            Method = method, Seed = seed, Steps = steps, AgentModel = resolvedAgent, TaskModel = null, OptimizerModel = resolvedOptimizer, RunId = null,

            // Canonical and key-free; left out for the default so runs made before the option keep their ids.
            Embedder = embedderSpec.IsBuiltIn ? null : embedderSpec.ToString(),
        }).ToJson();
        var fingerprint = $"{envName}:{seed}";
        identity["environment"] = fingerprint;
        var specJson = identity.ToJsonString();
        var runId = spec.RunId is { } given ? RunIds.Validate(given) : RunSpec.DeriveRunId(method, envName, seed, specJson);
        context.Note($"run {runId}: {method} in {envName}, {steps} steps, seed {seed}");

        // 3. Models and the run record.
        context.RequestTimeout = CallTimeouts.Resolve(context, args.Flags.Timeout, spec.Timeout, spec.SourcePath);
        using var store = context.OpenStore(args.Store);
        var meter = new UsageMeter(spec.ToBudget(), prices);
        var agentModel = await context.CreateModelAsync(agentModelSpec, ModelRoles.Agent, store, meter, args.Concurrency, seed, [], cancellationToken);
        var optimizerModel = await context.CreateModelAsync(optimizerModelSpec, ModelRoles.Optimizer, store, meter, args.Concurrency, seed, [], cancellationToken);
        using var embedder = await context.CreateEmbedderAsync(embedderSpec, store, meter, cancellationToken);
        context.NoteSimulated(agentModel, optimizerModel);
        bool simulated = agentModel.Simulated || optimizerModel.Simulated;
        var models = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ModelRoles.Agent] = agentModel.Spec,
            [ModelRoles.Optimizer] = optimizerModel.Spec,
            [ModelRoles.Embedding] = embedderSpec.ToString(),
        };
        var valueLabel = environment.Kind == DecisionTaskKind.Bandit ? "regret" : environment.BestValueName.Replace('_', ' ');
        var view = new OptimizeProgressView(context, meter, simulated, valueLabel, detailWidth: 120);
        await using var recorder = await RunRecorder.StartAsync(store, new RunStart(runId, method, specJson, seed, models), view, cancellationToken);
        if (recorder.Resumed)
        {
            context.Note($"resuming run {runId} (attempt {recorder.Attempt}): calls it already made are answered from the cache");
        }

        // The score networks' per-step outputs of this run id (kept across resumes): a rerun or resume skips their fits.
        var checkpoints = await RunCheckpoints.OpenAsync(store, runId, cancellationToken);
        var request = new DecisionRequest
        {
            Environment = environment,
            AgentModel = agentModel.Client,
            OptimizerModel = optimizerModel.Client,
            Embedder = embedder,
            Usage = meter,
            Seed = seed,
            Steps = steps,
            Progress = recorder,
            Checkpoints = checkpoints,
        };

        // 4–5. Run, record, save the winning meta-prompt and the report next to the store.
        var (result, artifactPath, reportPath, attempts) = await OptimizeRun.RunAndSaveAsync(
            context, store, view, meter, recorder, runId, simulated, null, () => optimizer.OptimizeAsync(request, cancellationToken),
            r => PromptArtifact.FromResult(r, runId, envName, fingerprint, models, simulated));

        var outcome = new OptimizeOutcome(runId, envName, null, environment.PerformanceMeasureName, models, simulated, result, view.Started, recorder.Resumed,
            store.Path, artifactPath, reportPath) { AllAttempts = attempts };
        if (args.Json)
        {
            JsonOutput.Write(context.Out, ToJson(outcome));
        }
        else
        {
            WriteText(context.Out, outcome);
        }

        return ExitCodes.Ok;
    }

    /// <summary>The JSON object: <see cref="OptimizeOutput.ToJson"/> with <c>environment</c> (the run's final measures) in place of the task scores.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>The object.</returns>
    internal static JsonObject ToJson(OptimizeOutcome outcome)
    {
        var json = OptimizeOutput.ToJson(outcome);
        json.Remove("task");
        json.Remove("metric");
        json.Remove("scoredTask");
        json["scores"] = new JsonObject { ["meanReward"] = outcome.Result.BestTrainScore, ["startMeanReward"] = outcome.Result.StartTrainScore };
        json["environment"] = outcome.Result.Details["environment"]?.DeepClone();
        json["steps"] = outcome.Result.Trajectory.Count;
        return json;
    }

    private static void WriteText(TextWriter w, OptimizeOutcome outcome)
    {
        var r = outcome.Result;
        var sim = outcome.Simulated ? " (simulated)" : string.Empty;
        var env = r.Details["environment"] as JsonObject ?? [];
        w.WriteLine("winning meta-prompt" + sim + " ({question} marks where the exemplars go):");
        foreach (var line in r.BestPrompt.User.Split('\n'))
        {
            w.WriteLine("  " + line.TrimEnd('\r'));
        }

        var winner = r.Candidates.FirstOrDefault(c => c.Accepted);
        var fields = new List<(string, string)>
        {
            ("method", r.Method),
            ("environment", $"{outcome.Target}, {TextFormat.Int(r.Trajectory.Count)} steps"),
            ("models", string.Join(", ", outcome.Models.Select(kv => $"{kv.Key}={kv.Value}")) + sim),
            ("final", Final(env, r) + sim),
            ("winning arm", winner is null ? "-" : $"{winner.Id} ({winner.Note}), mean reward {Reward(winner.TrainScore)}"),
            ("mean reward", $"{Reward(r.BestTrainScore)} for the winning arm, {Reward(r.StartTrainScore)} for the original meta-prompt{sim}"),
            ("stopped", r.StopReason),
        };
        if (outcome.Started is { } s)
        {
            if (s.Warning is { } warning)
            {
                fields.Add(("warning", warning));
            }

            fields.Add(("estimate", $"~{TextFormat.Int(s.EstimatedTaskCalls)} agent + ~{TextFormat.Int(s.EstimatedOptimizerCalls)} optimizer calls (announced before the first call)"));
        }

        var total = r.Usage.Total;
        fields.Add(("calls", $"{TextFormat.Int(total.Calls)} ({TextFormat.Int(total.PaidCalls)} paid, {TextFormat.Int(total.CachedCalls)} cached)"));
        foreach (var (role, u) in r.Usage.ByRole.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            fields.Add(("  " + role, $"{TextFormat.Int(u.Calls)} ({TextFormat.Int(u.PaidCalls)} paid, {TextFormat.Int(u.CachedCalls)} cached)"));
        }

        OptimizeOutput.AddAllAttempts(fields, outcome);
        fields.Add(("cost", "$" + total.EstimatedDollars.ToString("0.0000", CultureInfo.InvariantCulture) + " estimated"));
        fields.Add(("run", outcome.RunId + (outcome.Resumed ? " (resumed)" : string.Empty)));
        fields.Add(("store", outcome.StorePath));
        fields.Add(("artifact", outcome.ArtifactPath));
        fields.Add(("report", outcome.ReportPath));
        TextFormat.WriteFields(w, fields);
    }

    /// <summary>"cumulative regret 8.4 (original meta-prompt 12.2), cumulative reward 57" or "best loss 61.3, optimality gap 3.1, …".</summary>
    private static string Final(JsonObject env, OptimizationResult r)
    {
        static string N(JsonNode? n) => n is JsonValue v && v.TryGetValue<double>(out var d) ? d.ToString("0.###", CultureInfo.InvariantCulture) : "-";
        var regret = "cumulative regret " + N(env["final_cumulative_regret"]);
        if (r.Details["baselines"] is JsonArray { Count: > 0 } b && b[0]?["steps"] is JsonArray { Count: > 0 } bs)
        {
            regret += $" (original meta-prompt {N(bs[^1]?["cumulative_regret"])})";
        }

        var best = (env["best_value_name"]?.GetValue<string>() ?? "best value").Replace('_', ' ') + " " + N(env["final_best_value"]);
        var measure = env["performance_measure"]?.GetValue<string>();
        return measure == "cumulative_regret" ? $"{regret}, {best}" : $"{best}, {measure?.Replace('_', ' ')} {N(env["final_performance"])}, {regret}";
    }

    private static string Reward(double? r) => r is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";
}
