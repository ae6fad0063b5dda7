#:project ../../src/PromptOpt/PromptOpt.csproj
#:property PublishAot=false
#:property NoWarn=$(NoWarn);CA1861;CA5394

// Writes run reports (HTML + Markdown) for three synthetic-but-realistic simulated runs (dual-phase, metaspo, expo)
// into the directory given as the first argument. Used by browser-report.sh until `promptopt optimize … && promptopt
// report …` can produce a real simulated run. Deterministic: a fixed seed, no clock.
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Prompts;
using PromptOpt.Reporting;

var outDir = args.Length > 0 ? args[0] : ".";
Directory.CreateDirectory(outDir);
var created = new DateTimeOffset(2025, 6, 1, 9, 30, 0, TimeSpan.Zero);
foreach (var (name, report) in new[] { ("dual-phase", Samples.DualPhase(created)), ("metaspo", Samples.MetaSpo(created)), ("expo", Samples.Expo(created)) })
{
    File.WriteAllText(Path.Combine(outDir, $"report-{name}.html"), ReportWriter.WriteHtml(report));
    File.WriteAllText(Path.Combine(outDir, $"report-{name}.md"), ReportWriter.WriteMarkdown(report));
    Console.WriteLine($"wrote {Path.Combine(outDir, $"report-{name}.html")}");
}

internal static class Samples
{
    private const string Spec = """
        # dual-phase on date understanding, simulated
        task: bbh/date_understanding
        method: dual-phase
        models:
          task: sim:small-3b
          optimizer: sim:optimizer
        seed: 42
        budget:
          task_calls: 2000
          optimizer_calls: 60
        options:
          steps: 5
          h_f: 0.3
          h_v: 0.02
        """;

    private static readonly string[] Sentences =
    [
        "## Task type\nThis is a date-reasoning task.",
        " You are given a short story that mentions dates and must infer another date.",
        "\n\n## Output format\nAnswer with the option letter only, e.g. (B).",
        "\n\n## Reasoning\n1. Identify the reference date.",
        " 2. Apply each offset in days, months or years.",
        " 3. Compare the result with every option.",
        "\n\n## Tips\nBe careful with month lengths and leap years.",
    ];

    private static readonly string[] Rewrites =
    [
        " You are given a short story that mentions dates; read it twice and write down every date and offset before answering.",
        " 3. Check the computed date against every option and verify it before you answer.",
        "\n\n## Output format\nThink step by step, then give the final answer as the option letter in parentheses, e.g. (B).",
        "\n\n## Tips\nRemember: 30 days hath September, April, June and November; February has 29 days in leap years.",
    ];

    public static RunReport DualPhase(DateTimeOffset created)
    {
        var rng = new Random(42);
        var sentences = (string[])Sentences.Clone();
        var start = new Prompt(null, string.Concat(sentences) + "\n\nQ: {question}\nA:");
        var candidates = new List<CandidateRecord> { new(0, start, 0.52, null, "initial", 0, true) };
        var weights = Enumerable.Repeat(1.0, sentences.Length).ToArray();
        var weightSteps = new JsonArray { WeightStep(sentences, weights) };
        var edits = new JsonArray();
        var trajectory = new List<TrajectoryPoint> { new(40, 0.52, 0.50) };
        double best = 0.52;
        int id = 1, incumbent = 0;
        long calls = 40;
        int[] picks = [1, 5, 2, 6, 3];
        for (int step = 1; step <= 5; step++)
        {
            int idx = picks[step - 1];
            for (int attempt = 0; attempt < 2; attempt++)
            {
                var after = attempt == 0 && step <= Rewrites.Length ? Rewrites[step - 1] : sentences[idx].TrimEnd('.') + " carefully.";
                var trial = (string[])sentences.Clone();
                trial[idx] = after;
                var prompt = new Prompt(null, string.Concat(trial) + "\n\nQ: {question}\nA:");
                double fast = Math.Round(0.2 + (rng.NextDouble() * 0.5), 3);
                bool passFast = fast >= 0.3;
                double? score = passFast ? Math.Round(best + ((rng.NextDouble() - 0.3) * 0.12), 3) : null;
                bool accepted = score is { } s && s - best >= 0.02;
                calls += passFast ? 48 : 8;
                candidates.Add(new CandidateRecord(id, prompt, score, incumbent, "rewrite_sentence", step, accepted,
                    passFast ? (accepted ? null : "rejected by the full check: gain below h_v") : $"rejected by the fast check: {fast.ToString("0.00", CultureInfo.InvariantCulture)} < h_f"));
                edits.Add(new JsonObject { ["step"] = step, ["index"] = idx, ["before"] = sentences[idx].Trim(), ["after"] = after.Trim(), ["failure_score"] = fast, ["score"] = score, ["accepted"] = accepted });
                if (accepted)
                {
                    best = score!.Value;
                    sentences = trial;
                    weights[idx] *= Math.Exp(0.055 * ((0.4 * best) + (0.6 * fast)) * sentences.Length);
                    incumbent = id;
                    trajectory.Add(new TrajectoryPoint(calls, best, Math.Round(best - 0.03 + (rng.NextDouble() * 0.02), 3)));
                    id++;
                    break;
                }

                trajectory.Add(new TrajectoryPoint(calls, best));
                id++;
            }

            weightSteps.Add(WeightStep(sentences, weights));
        }

        var bestPrompt = candidates.Single(c => c.Id == incumbent).Prompt;
        var usage = new UsageSnapshot(new Dictionary<string, RoleUsage>
        {
            [ModelRoles.Task] = new(calls, calls - 96, 96, calls * 310, calls * 42, (calls - 96) * 310, (calls - 96) * 42, 0m, 2),
            [ModelRoles.Optimizer] = new(14, 14, 0, 14 * 1450, 14 * 160, 14 * 1450, 14 * 160, 0m, 0),
            [ModelRoles.Test] = new(200, 100, 100, 200 * 305, 200 * 40, 100 * 305, 100 * 40, 0m, 0),
        });
        var result = new OptimizationResult
        {
            Method = "dual-phase",
            StartPrompt = start,
            BestPrompt = bestPrompt,
            StartTrainScore = 0.52,
            BestTrainScore = best,
            StartTestScore = 0.50,
            BestTestScore = Math.Round(best - 0.02, 3),
            Candidates = candidates,
            Trajectory = trajectory,
            Usage = usage,
            Seed = 42,
            TaskModelId = "sim:small-3b",
            OptimizerModelId = "sim:optimizer",
            StopReason = "completed",
            Details = new JsonObject { [ReportDetailKeys.SentenceWeights] = weightSteps, [ReportDetailKeys.Edits] = edits },
        };
        return new RunReport { RunId = "dp-20250601-0930", Result = result, SpecText = Spec, CreatedAt = created, Failures = Failures(bestPrompt) };
    }

    public static RunReport MetaSpo(DateTimeOffset created)
    {
        string[] tasks = ["ob_gyn", "medicine", "pharmacology", "pathology"];
        var start = new Prompt("You are a helpful assistant.", "Choose the best answer to the medical question.\n<Question>{question}</Question>\nAnswer inside <answer></answer>.");
        var best = start with { System = "You are a careful clinical expert. Read every option, reason step by step about the underlying mechanism, rule out distractors, and verify your choice before answering in the requested format." };
        var candidates = new List<CandidateRecord> { new(0, start, 0.41, null, "initial", 0, true) };
        var rng = new Random(7);
        int id = 1, parent = 0;
        double score = 0.41;
        for (int it = 1; it <= 3; it++)
        {
            int keep = rng.Next(9);
            for (int k = 0; k < 9; k++)
            {
                double s = Math.Round(score + ((rng.NextDouble() - 0.55) * 0.1) + (k == keep ? 0.06 : 0), 3);
                var p = start with { System = $"System prompt candidate {it}.{k}: be precise, reason about each option, answer in <answer> tags." };
                candidates.Add(new CandidateRecord(id, it == 3 && k == keep ? best : p, s, parent, "system_rewrite", it, k == keep));
                if (k == keep)
                {
                    parent = id;
                    score = s;
                }

                id++;
            }
        }

        var details = new JsonObject
        {
            [ReportDetailKeys.Tasks] = new JsonArray(tasks.Select((t, i) => (JsonNode)new JsonObject { ["task"] = t, ["start"] = 0.38 + (i * 0.03), ["best"] = 0.49 + (i * 0.025) }).ToArray()),
            [ReportDetailKeys.Unseen] = new JsonArray(new[] { ("dental", 0.33, 0.35, 0.46), ("anatomy", 0.36, 0.37, 0.49), ("surgery", 0.31, 0.33, 0.44), ("pediatrics", 0.35, 0.34, 0.5) }
                .Select(u => (JsonNode)new JsonObject { ["task"] = u.Item1, ["domain"] = "medical", ["default"] = u.Item2, ["cot"] = u.Item3, ["optimized"] = u.Item4 }).ToArray()),
            [ReportDetailKeys.Tta] = new JsonArray(new[] { "dental", "anatomy" }.Select((t, i) => (JsonNode)new JsonObject
            {
                ["task"] = t,
                ["default"] = new JsonArray(Enumerable.Range(0, 7).Select(k => (JsonNode)JsonValue.Create(Math.Round(0.33 + (i * 0.02) + (0.12 * (1 - Math.Exp(-k / 2.5))), 3))!).ToArray()),
                ["optimized"] = new JsonArray(Enumerable.Range(0, 7).Select(k => (JsonNode)JsonValue.Create(Math.Round(0.46 + (i * 0.02) + (0.09 * (1 - Math.Exp(-k / 2.0))), 3))!).ToArray()),
            }).ToArray()),
        };
        var trajectory = Enumerable.Range(0, 4).Select(i => new TrajectoryPoint(200 + (i * 900), candidates.Where(c => c.Step <= i && c.Accepted).Max(c => c.TrainScore ?? 0))).ToList();
        var result = new OptimizationResult
        {
            Method = "metaspo",
            StartPrompt = start,
            BestPrompt = best,
            StartTrainScore = 0.41,
            BestTrainScore = score,
            StartTestScore = 0.39,
            BestTestScore = 0.47,
            Candidates = candidates,
            Trajectory = trajectory,
            Usage = new UsageSnapshot(new Dictionary<string, RoleUsage>
            {
                [ModelRoles.Task] = new(2900, 2500, 400, 2900 * 280, 2900 * 35, 2500 * 280, 2500 * 35, 0m, 0),
                [ModelRoles.Optimizer] = new(54, 54, 0, 54 * 2100, 54 * 240, 54 * 2100, 54 * 240, 0m, 1),
            }),
            Seed = 3,
            TaskModelId = "sim:llama-3.2-3b",
            OptimizerModelId = "sim:gpt-4o-mini",
            Details = details,
        };
        return new RunReport { RunId = "metaspo-medical-3", Result = result, CreatedAt = created, SpecText = "task: medical (4 source tasks)\nmethod: metaspo\nseed: 3\n" };
    }

    public static RunReport Expo(DateTimeOffset created)
    {
        var rng = new Random(11);
        double[] means = [0.3, 0.45, 0.5, 0.62, 0.4, 0.7, 0.55, 0.35, 0.6, 0.48, 0.52, 0.58];
        var logits = new double[means.Length];
        var steps = new JsonArray();
        var baseline = new JsonArray();
        double regret = 0, baseRegret = 0, bestValue = 0, baseBest = 0;
        for (int t = 1; t <= 60; t++)
        {
            var probs = Softmax(logits, 0.35);
            double u = rng.NextDouble(), acc = 0;
            int arm = 0;
            for (; arm < probs.Length - 1; arm++)
            {
                acc += probs[arm];
                if (u < acc)
                {
                    break;
                }
            }

            double reward = rng.NextDouble() < means[arm] ? 1 : 0;
            regret += 0.7 - means[arm];
            bestValue = Math.Max(bestValue, (means[arm] * 100) + (rng.NextDouble() * 10));
            for (int a = 0; a < logits.Length; a++)
            {
                logits[a] += means[a] + ((rng.NextDouble() - 0.5) * 0.3);
            }

            var top = probs.Select((p, a) => (p, a)).OrderByDescending(x => x.p).ThenBy(x => x.a).Take(5)
                .Select(x => (JsonNode)new JsonObject { ["arm"] = x.a, ["p"] = Math.Round(x.p, 4) }).ToArray();
            steps.Add(new JsonObject { ["step"] = t, ["reward"] = reward, ["cumulative_regret"] = Math.Round(regret, 4), ["best_value"] = Math.Round(bestValue, 3), ["arm"] = arm, ["top_probs"] = new JsonArray(top) });
            baseRegret += 0.7 - 0.45;
            baseBest = Math.Max(baseBest, 45 + (rng.NextDouble() * 20));
            baseline.Add(new JsonObject { ["step"] = t, ["cumulative_regret"] = Math.Round(baseRegret, 4), ["best_value"] = Math.Round(baseBest, 3) });
        }

        var arms = new JsonArray(Enumerable.Range(0, means.Length).Select(a => (JsonNode)new JsonObject
        {
            ["arm"] = a,
            ["description"] = $"You are choosing between {5 + (a % 3)} slot machines (description variant {a / 4}).",
            ["instruction"] = $"Balance exploring rarely tried machines with exploiting the best one so far (instruction variant {a % 4}); answer with the machine id only.",
        }).ToArray());
        var start = new Prompt("You are a bandit agent.", "Pick the next arm.\n{question}");
        var result = new OptimizationResult
        {
            Method = "expo",
            StartPrompt = start,
            BestPrompt = start with { User = "Balance exploring rarely tried machines with exploiting the best one so far; answer with the machine id only.\n{question}" },
            StartTrainScore = 0.45,
            BestTrainScore = 0.66,
            Candidates = Enumerable.Range(0, means.Length).Select(a => new CandidateRecord(a, start, means[a], null, "arm", 0, a == 5)).ToList(),
            Trajectory = Enumerable.Range(1, 60).Select(t => new TrajectoryPoint(t + 24, 0.45 + (0.21 * (1 - Math.Exp(-t / 15.0))))).ToList(),
            Usage = new UsageSnapshot(new Dictionary<string, RoleUsage>
            {
                [ModelRoles.Agent] = new(60, 60, 0, 60 * 900, 60 * 12, 60 * 900, 60 * 12, 0m, 0),
                [ModelRoles.Optimizer] = new(2, 2, 0, 1800, 900, 1800, 900, 0m, 0),
            }),
            Seed = 11,
            TaskModelId = "sim",
            OptimizerModelId = "sim",
            StopReason = "budget",
            Details = new JsonObject { [ReportDetailKeys.Steps] = steps, [ReportDetailKeys.Arms] = arms, [ReportDetailKeys.Baselines] = new JsonArray(new JsonObject { ["name"] = "original meta-prompt", ["steps"] = baseline }) },
        };
        return new RunReport { RunId = "expo-mab-hard", Result = result, CreatedAt = created, Models = new Dictionary<string, string> { ["agent"] = "sim", ["optimizer"] = "sim" } };
    }

    private static double[] Softmax(double[] x, double eta)
    {
        var m = x.Max();
        var e = x.Select(v => Math.Exp(eta * (v - m))).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    private static JsonArray WeightStep(string[] sentences, double[] weights) =>
        new(sentences.Select((s, i) => (JsonNode)new JsonObject { ["index"] = i, ["text"] = s.Trim(), ["weight"] = Math.Round(weights[i], 4) }).ToArray());

    private static List<ExampleResult> Failures(Prompt prompt)
    {
        (string Input, string Target, string Answer, string Response)[] rows =
        [
            ("Yesterday was April 30, 2021. What is the date tomorrow in MM/DD/YYYY?\nOptions:\n(A) 05/02/2021\n(B) 05/01/2021\n(C) 04/29/2021", "(A)", "(B)", "Yesterday was April 30, so today is May 1 and the answer is (B)."),
            ("Jane's appointment is 3 days after 02/27/2020 (a leap year). What is the date?\nOptions:\n(A) 03/01/2020\n(B) 03/02/2020", "(A)", "(B)", "February has 28 days, so 3 days after 02/27 is 03/02. (B)"),
            ("The concert was on <b>12/31/1999</b> & the review came out a week later. When? \"Tricky\" <script>alert(1)</script>\nOptions:\n(A) 01/07/2000\n(B) 01/06/2000", "(A)", "(B)", "<script>alert('x')</script> One week after 12/31/1999 is 01/06/2000 (B)."),
            ("Today is the last day of the first quarter of 2008. What was the date 10 days ago?\nOptions:\n(A) 03/21/2008\n(B) 03/20/2008", "(A)", "The answer", "The answer depends on the calendar used."),
        ];
        var list = rows.Select((r, i) => new ExampleResult(new Example($"date-{i + 7:000}", r.Input, r.Target), prompt.Render(r.Input).ToList(), r.Response, r.Answer, 0, null, 320, 40, false, null)).ToList();
        list.Add(new ExampleResult(new Example("date-099", "Today is 9/7. What is the date one year ago?", "(C)"), new List<ChatMessage>(), null, null, 0, null, 0, 0, false, "HTTP 429: rate limited after 3 retries"));
        list.AddRange(Enumerable.Range(0, 20).Select(i => new ExampleResult(new Example($"date-{i + 100}", "Some solved question", "(A)"), new List<ChatMessage>(), "(A)", "(A)", 1, null, 300, 5, true, null)));
        return list;
    }
}
