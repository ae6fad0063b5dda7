using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Decision;

namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// Turns an <see cref="ExpoRunResult"/> into an <see cref="OptimizationResult"/> with the EXPO keys of
/// <c>Reporting/README-details.md</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="OptimizationResult.StartPrompt"/>: the original meta-prompt (arm 0); <see cref="OptimizationResult.BestPrompt"/>: the winning arm (<see cref="ExpoRunResult.WinningArm"/>).</item>
/// <item>Train scores are mean normalised rewards per step: the winning arm's over the steps it was played; the original's from the comparison run when there is one, else over the steps it was played (0 when never).</item>
/// <item>Candidates: one per arm (id = arm index; score = its mean reward, <see langword="null"/> if never played; step = the last step it was played; accepted = the winner).</item>
/// <item>Trajectory: one point per step, the environment's headline measure (<see cref="ExpoController.HeadlineValue"/>: cumulative regret for bandits, best value for black-box tasks) against the calls used.</item>
/// <item>Details: <c>steps</c>, <c>arms</c>, <c>baselines</c> (when compared with the original), and <c>environment</c> (name, measures, final values, winning arm).</item>
/// </list>
/// </remarks>
public static class ExpoResults
{
    /// <summary>The number of arms listed in each step's <c>top_probs</c>.</summary>
    public const int TopProbabilities = 10;

    /// <summary>Builds the result of a decision run.</summary>
    /// <param name="run">The controller's run.</param>
    /// <param name="request">The request (usage, models, seed).</param>
    /// <returns>The result.</returns>
    public static OptimizationResult ToOptimizationResult(ExpoRunResult run, DecisionRequest request)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(request);
        int winner = run.WinningArm;
        var lastPulled = new int[run.Arms.Count];
        foreach (var s in run.Steps)
        {
            lastPulled[s.Arm] = s.Step;
        }

        var candidates = run.Arms.Select(a => new CandidateRecord(
            a.Index,
            DecisionRequest.ToPrompt(a.MetaPrompt),
            run.MeanReward(a.Index),
            a.Index == 0 ? null : 0,
            a.Index == 0 ? "original" : "variant",
            lastPulled[a.Index],
            a.Index == winner,
            string.Create(CultureInfo.InvariantCulture, $"D{a.DescriptionIndex} × I{a.InstructionIndex}; played {run.ArmPulls[a.Index]} times; final p={run.FinalProbabilities[a.Index]:0.000}"))).ToList();
        double start = run.OriginalBaseline.Count > 0 ? run.OriginalBaseline.Average(s => s.Reward) : run.MeanReward(0) ?? 0;
        return new OptimizationResult
        {
            Method = ExpoNames.Of(run.Strategy),
            StartPrompt = DecisionRequest.ToPrompt(run.Arms[0].MetaPrompt),
            BestPrompt = DecisionRequest.ToPrompt(run.Arms[winner].MetaPrompt),
            StartTrainScore = start,
            BestTrainScore = run.MeanReward(winner) ?? 0,
            Candidates = candidates,
            Trajectory = run.Steps.Select(s => new TrajectoryPoint(s.Calls, ExpoController.HeadlineValue(run.Kind, s))).ToList(),
            Usage = request.Usage.Snapshot(),
            Seed = request.Seed,
            TaskModelId = OptimizationSession.ModelIdOf(request.AgentModel),
            OptimizerModelId = OptimizationSession.ModelIdOf(request.OptimizerModel),
            StopReason = run.StopReason,
            Details = Details(run, winner),
        };
    }

    /// <summary>Builds the <c>Details</c> object (README-details.md, EXPO section).</summary>
    /// <param name="run">The run.</param>
    /// <param name="winner">The winning arm.</param>
    /// <returns>The details.</returns>
    internal static JsonObject Details(ExpoRunResult run, int winner)
    {
        var steps = new JsonArray();
        for (int i = 0; i < run.Steps.Count; i++)
        {
            var s = run.Steps[i];
            var p = i < run.ProbabilityHistory.Count ? run.ProbabilityHistory[i] : [];
            steps.Add(new JsonObject
            {
                ["step"] = s.Step,
                ["reward"] = Round(s.Reward),
                ["cumulative_regret"] = Round(s.CumulativeRegret),
                ["best_value"] = Round(s.BestValue),
                ["arm"] = s.Arm,
                ["top_probs"] = new JsonArray(ExpoController.Top(p, TopProbabilities)
                    .Select(t => (JsonNode?)new JsonObject { ["arm"] = t.Arm, ["p"] = Math.Round(t.P, 4) }).ToArray()),
            });
        }

        var details = new JsonObject
        {
            ["steps"] = steps,
            ["arms"] = new JsonArray(run.Arms.Select(a => (JsonNode?)new JsonObject
            {
                ["arm"] = a.Index,
                ["description"] = a.MetaPrompt.TaskDescription,
                ["instruction"] = a.MetaPrompt.MetaInstruction,
            }).ToArray()),
        };
        if (run.OriginalBaseline.Count > 0)
        {
            details["baselines"] = new JsonArray(new JsonObject
            {
                ["name"] = "original meta-prompt",
                ["steps"] = new JsonArray(run.OriginalBaseline.Select(s => (JsonNode?)new JsonObject
                {
                    ["step"] = s.Step,
                    ["cumulative_regret"] = Round(s.CumulativeRegret),
                    ["best_value"] = Round(s.BestValue),
                }).ToArray()),
            });
        }

        details["environment"] = new JsonObject
        {
            ["name"] = run.Environment,
            ["kind"] = run.Kind switch { DecisionTaskKind.Bandit => "bandit", DecisionTaskKind.LinearRegression => "linreg", _ => "tsp" },
            ["steps"] = run.Steps.Count,
            ["performance_measure"] = run.PerformanceMeasureName,
            ["final_performance"] = Round(run.FinalPerformance),
            ["final_cumulative_regret"] = Round(run.FinalCumulativeRegret),
            ["best_value_name"] = run.BestValueName,
            ["best_value_higher_is_better"] = run.BestValueHigherIsBetter,
            ["final_best_value"] = Round(run.FinalBestValue),
            ["cumulative_reward"] = Round(run.CumulativeReward),
            ["parse_failures"] = run.ParseFailures,
            ["winning_arm"] = winner,
        };
        return details;
    }

    private static double Round(double v) => double.IsFinite(v) ? Math.Round(v, 6) : 0;
}
