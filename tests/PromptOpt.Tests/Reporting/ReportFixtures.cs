using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Prompts;
using PromptOpt.Reporting;

namespace PromptOpt.Tests.Reporting;

/// <summary>Small finished runs of each method, with hostile text in prompts and model output.</summary>
internal static class ReportFixtures
{
    public const string Hostile = "<script>alert('x')</script> & \"quotes\" </div>";

    public static readonly Prompt Start = new("You are a helpful assistant.", "Answer the question.\n{question}");

    public static readonly Prompt Best = new("You are a careful assistant. Think step by step.", "Answer the question. Reply with the letter only.\n{question}");

    public static UsageSnapshot Usage() => new(new Dictionary<string, RoleUsage>
    {
        [ModelRoles.Optimizer] = new(12, 12, 0, 12_000, 1_500, 12_000, 1_500, 0.0123m, 1),
        [ModelRoles.Task] = new(300, 200, 100, 90_000, 9_000, 60_000, 6_000, 0.0456m, 2),
        [ModelRoles.Test] = new(50, 50, 0, 15_000, 1_500, 15_000, 1_500, 0.01m, 0),
    });

    public static List<CandidateRecord> Candidates() =>
    [
        new(0, Start, 0.50, null, "initial", 0, true),
        new(1, Start with { User = "Answer it " + Hostile + "\n{question}" }, 0.40, 0, "rewrite_sentence", 1, false, "rejected by the fast check"),
        new(2, Best with { System = "You are a careful assistant." }, 0.60, 0, "rewrite_sentence", 1, true),
        new(3, Best, 0.70, 2, "rewrite_sentence", 2, true),
        new(4, Start, null, 2, "paraphrase", 2, false),
    ];

    public static List<ExampleResult> Failures() =>
    [
        Result("ex-1", "What is 2+2? " + Hostile, "4", "5", 0.0),
        Result("ex-2", "Capital of France?", "Paris", "Paris", 1.0),
        Result("ex-3", "Odd one out: cat, dog, \u0001car", "car", "dog", 0.2),
        new(new Example("ex-4", "Broken call", "A"), [], null, null, 0.0, null, 0, 0, false, "HTTP 500 <server error>"),
        Result("ex-5", "Which is larger, 3 or 7?", "7", "3", 0.0),
    ];

    public static RunReport DualPhase(string taskModel = "sim:small") => new()
    {
        RunId = "run-dp-1",
        SpecText = "task: demo\nmethod: dual-phase\nnote: " + Hostile + "\n",
        CreatedAt = new DateTimeOffset(2025, 6, 1, 11, 30, 0, TimeSpan.FromHours(2)),
        Failures = Failures(),
        MaxFailures = 3,
        Result = Result("dual-phase", taskModel, new JsonObject
        {
            [ReportDetailKeys.SentenceWeights] = new JsonArray(
                WeightStep(("Think.", 1.0), ("Answer " + Hostile, 1.0), ("Be brief.", 1.0)),
                WeightStep(("Think step by step.", 1.3), ("Answer " + Hostile, 1.0), ("Be brief.", 1.0)),
                WeightStep(("Think step by step.", 1.3), ("Answer " + Hostile, 1.0), ("Be very brief.", 1.1))),
            [ReportDetailKeys.Edits] = new JsonArray(
                new JsonObject { ["step"] = 1, ["index"] = 0, ["before"] = "Think.", ["after"] = "Think step by step.", ["failure_score"] = 0.6, ["score"] = 0.6, ["accepted"] = true },
                new JsonObject { ["step"] = 2, ["index"] = 1, ["before"] = "Answer.", ["after"] = "Answer <b>now</b>.", ["failure_score"] = 0.1, ["score"] = null, ["accepted"] = false },
                new JsonObject { ["step"] = 2, ["index"] = 2, ["before"] = "Be brief.", ["after"] = "Be very brief.", ["failure_score"] = 0.5, ["score"] = 0.7, ["accepted"] = true }),
        }),
    };

    public static RunReport MetaSpo() => new()
    {
        RunId = "run-metaspo-1",
        Result = Result("metaspo", "gpt-4o-mini", new JsonObject
        {
            [ReportDetailKeys.Tasks] = new JsonArray(
                new JsonObject { ["task"] = "ob_gyn", ["start"] = 0.4, ["best"] = 0.5 },
                new JsonObject { ["task"] = "medicine", ["start"] = 0.3, ["best"] = 0.45 }),
            [ReportDetailKeys.Unseen] = new JsonArray(
                new JsonObject { ["task"] = "dental", ["domain"] = "medical", ["default"] = 0.3, ["cot"] = 0.32, ["optimized"] = 0.4 },
                new JsonObject { ["task"] = "anatomy", ["domain"] = "medical", ["default"] = 0.5, ["cot"] = 0.52, ["optimized"] = 0.6 },
                new JsonObject { ["task"] = "surgery", ["domain"] = "medical", ["default"] = 0.4, ["optimized"] = 0.5 }),
            [ReportDetailKeys.Tta] = new JsonArray(
                new JsonObject { ["task"] = "dental", ["default"] = new JsonArray(0.3, 0.35, 0.4), ["optimized"] = new JsonArray(0.4, 0.45, 0.5) }),
        }),
    };

    public static RunReport Expo() => new()
    {
        RunId = "run-expo-1",
        Models = new Dictionary<string, string> { [ModelRoles.Agent] = "sim", [ModelRoles.Optimizer] = "sim" },
        Result = Result("expo", "sim", new JsonObject
        {
            [ReportDetailKeys.Steps] = new JsonArray(Enumerable.Range(1, 8).Select(t => (JsonNode)new JsonObject
            {
                ["step"] = t,
                ["reward"] = t % 2,
                ["cumulative_regret"] = 0.2 * t,
                ["best_value"] = 10.0 + t,
                ["arm"] = t % 3,
                ["top_probs"] = new JsonArray(Enumerable.Range(0, 8).Select(a => (JsonNode)new JsonObject { ["arm"] = a, ["p"] = (8 - a) / 36.0 }).ToArray()),
            }).ToArray()),
            [ReportDetailKeys.Arms] = new JsonArray(new JsonObject { ["arm"] = 0, ["description"] = "Pick " + Hostile, ["instruction"] = "Explore." }),
            [ReportDetailKeys.Baselines] = new JsonArray(new JsonObject
            {
                ["name"] = "original",
                ["steps"] = new JsonArray(Enumerable.Range(1, 8).Select(t => (JsonNode)new JsonObject { ["step"] = t, ["cumulative_regret"] = 0.4 * t, ["best_value"] = 9.0 }).ToArray()),
            }),
        }),
    };

    public static OptimizationResult Result(string method, string taskModel, JsonObject details) => new()
    {
        Method = method,
        StartPrompt = Start,
        BestPrompt = Best,
        StartTrainScore = 0.5,
        BestTrainScore = 0.7,
        StartTestScore = 0.45,
        BestTestScore = 0.66,
        Candidates = Candidates(),
        Trajectory = [new(10, 0.5, 0.45), new(60, 0.6), new(120, 0.7, 0.66)],
        Usage = Usage(),
        Seed = 42,
        TaskModelId = taskModel,
        OptimizerModelId = taskModel,
        StopReason = "completed",
        Details = details,
    };

    /// <summary>Parses the HTML as XML (it must be well-formed).</summary>
    public static XDocument Parse(string html) => XDocument.Parse(html);

    /// <summary>Finds the element with the given id (exactly one).</summary>
    public static XElement ById(this XDocument doc, string id) =>
        Assert.Single(doc.Descendants(), e => (string?)e.Attribute("id") == id);

    /// <summary>Descendants by local name (ignores the SVG namespace).</summary>
    public static IEnumerable<XElement> All(this XContainer c, string localName) => c.Descendants().Where(e => e.Name.LocalName == localName);

    /// <summary>Descendants whose class list contains <paramref name="cls"/>.</summary>
    public static IEnumerable<XElement> WithClass(this XContainer c, string cls) =>
        c.Descendants().Where(e => ((string?)e.Attribute("class"))?.Split(' ').Contains(cls) == true);

    private static ExampleResult Result(string id, string input, string target, string prediction, double score) =>
        new(new Example(id, input, target), [new ChatMessage(ChatRole.User, input)], "The answer is " + prediction + " \u0007", prediction, score, null, 10, 2, false, null);

    private static JsonArray WeightStep(params (string Text, double Weight)[] s) =>
        new(s.Select((x, i) => (JsonNode)new JsonObject { ["index"] = i, ["text"] = x.Text, ["weight"] = x.Weight }).ToArray());
}
