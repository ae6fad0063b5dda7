using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Cli.Rendering;
using PromptOpt.Data;
using PromptOpt.Prompts;
using PromptOpt.Simulation;

namespace PromptOpt.Cli.Commands;

/// <summary>
/// <c>promptopt sim-explain --task T --prompt P [--system S]</c>: why the SIMULATED model scores a prompt as it does
/// (SIMULATOR.md v2): per sentence and clause the skills it activates and how much; the obeyed instruction and the
/// demonstrations; the mean of every p_know term over the test split; the task's floor (no instruction), the oracle
/// prompt's score and this prompt's (expected scores, no sampling).
/// </summary>
internal static class SimExplainCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var task = new Option<string>("--task") { Description = "A built-in task, a dataset directory or a JSONL file.", HelpName = "name|dir|file", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "The user prompt: literal text or @file ({question} marks the input; appended when missing).", HelpName = "text|@file", Required = true };
        var system = new Option<string?>("--system") { Description = "An optional system prompt: literal text or @file.", HelpName = "text|@file" };
        var knowledge = new Option<string?>("--knowledge-dir") { Description = "A directory of extra simulator knowledge files (<dataset>.json).", HelpName = "dir" };
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var command = new Command("sim-explain", "Explain how the SIMULATED model reads a prompt for a task: activations per sentence, p_know terms, floor, oracle and this prompt's expected score.")
        {
            task, prompt, system, knowledge, json, seed,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(context, parse.GetValue(json), _ => Task.FromResult(Run(
            context, parse.GetValue(task)!, parse.GetValue(prompt)!, parse.GetValue(system), parse.GetValue(knowledge), parse.GetValue(json), parse.GetValue(seed))), ct));
        return command;
    }

    private static int Run(CliContext context, string taskArg, string promptArg, string? systemArg, string? knowledgeDir, bool json, int seed)
    {
        var prompt = PromptInput.Load(context, promptArg, systemArg);
        var task = context.ResolveTask(taskArg, seed);
        var world = new SimulatedWorld([task], new SimOptions { Seed = seed, KnowledgeDirectory = knowledgeDir });
        var examples = task.Dataset.Test.Count > 0 ? task.Dataset.Test : task.Dataset.All.ToList();
        var report = Explain(world, task, prompt, examples);
        if (json)
        {
            JsonOutput.Write(context.Out, report);
        }
        else
        {
            WriteText(context.Out, report);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Builds the explanation as JSON (the text output renders the same object).</summary>
    internal static JsonObject Explain(SimulatedWorld world, TaskDefinition task, Prompt prompt, IReadOnlyList<Example> examples)
    {
        var k = world.GetKnowledge(task.Name);
        var a = world.Analyze(prompt, task.Name);
        var units = new JsonArray();
        foreach (var u in a.Reading.Units)
        {
            var acts = a.Activation.Contributions.Where(c => c.Unit == u).OrderByDescending(c => c.Level)
                .Select(c => (JsonNode?)new JsonObject { ["skill"] = c.Skill, ["level"] = R(c.Level), ["cosine"] = R(c.Cosine) }).ToArray();
            units.Add(new JsonObject { ["text"] = u.Text, ["clause"] = u.IsClause, ["system"] = u.InSystem, ["activates"] = new JsonArray(acts) });
        }

        var explanations = examples.Select(e => world.Explain(prompt, task.Name, e)).ToList();
        var terms = new JsonObject();
        foreach (var g in explanations.SelectMany(e => e.Terms).GroupBy(t => t.Name))
        {
            terms[g.Key] = R(g.Sum(t => t.Value) / explanations.Count);
        }

        return new JsonObject
        {
            ["simulated"] = true,
            ["task"] = task.Name,
            ["knowledge"] = k.Origin,
            ["kind"] = k.Kind.ToString().ToLowerInvariant(),
            ["task_skills"] = new JsonArray(k.Skills.Select(s => (JsonNode?)s.Skill.Name).ToArray()),
            ["units"] = units,
            ["levels"] = new JsonObject(a.Levels.Where(l => l.Value > 0).OrderByDescending(l => l.Value).Select(l => KeyValuePair.Create(l.Key, (JsonNode?)R(l.Value)))),
            ["obeyed"] = a.Obeyed is { } o ? new JsonObject { ["kind"] = o.Kind.ToString(), ["sentence"] = o.Sentence, ["reply"] = o.Reply } : null,
            ["demonstrations"] = new JsonObject { ["correct"] = a.Demonstrations.Correct, ["wrong"] = a.Demonstrations.Wrong },
            ["tokens"] = a.Reading.Tokens,
            ["active_skills"] = a.ActiveSkills,
            ["irrelevant_sentences"] = a.IrrelevantSentences,
            ["mean_terms"] = terms,
            ["examples"] = examples.Count,
            ["p_know"] = R(explanations.Average(e => e.PKnow)),
            ["floor"] = R(world.ExpectedScore(new Prompt(null, Prompt.QuestionPlaceholder), task.Name, examples)),
            ["oracle"] = R(world.ExpectedScore(world.OraclePrompt(task.Name), task.Name, examples)),
            ["score"] = R(explanations.Average(e => e.ExpectedScore)),
        };
    }

    private static void WriteText(TextWriter o, JsonObject r)
    {
        o.WriteLine($"SIMULATED model (simulator v2) — how it reads this prompt for task {r["task"]} (knowledge: {r["knowledge"]}; kind {r["kind"]})");
        o.WriteLine("Known limit: the sentence encoder cannot tell a rule from its negation.");
        o.WriteLine();
        foreach (var u in r["units"]!.AsArray())
        {
            var acts = u!["activates"]!.AsArray();
            var what = acts.Count == 0 ? "(activates nothing)" : string.Join(", ", acts.Select(x => $"{x!["skill"]} {F(x["level"])} (cos {F(x["cosine"])})"));
            o.WriteLine($"{((bool)u["clause"]! ? "    clause" : "sentence")}{((bool)u["system"]! ? " [system]" : string.Empty)}: \"{u["text"]}\" → {what}");
        }

        o.WriteLine();
        if (r["obeyed"] is JsonObject ob)
        {
            o.WriteLine($"obeyed instruction: {ob["kind"]} \"{ob["sentence"]}\"{(ob["reply"] is { } rep ? $" → replies '{rep}'" : string.Empty)}");
        }

        o.WriteLine($"demonstrations: {r["demonstrations"]!["correct"]} correct, {r["demonstrations"]!["wrong"]} wrong; tokens {r["tokens"]}; skills active (a ≥ 0.5): {r["active_skills"]}; sentences activating nothing: {r["irrelevant_sentences"]}");
        o.WriteLine($"p_know terms (mean over {r["examples"]} test examples):");
        foreach (var (name, value) in r["mean_terms"]!.AsObject())
        {
            o.WriteLine($"  {name,-32} {F(value),8}");
        }

        o.WriteLine($"mean p_know {F(r["p_know"])}");
        o.WriteLine($"expected score: floor (no instruction) {F(r["floor"])}, oracle prompt {F(r["oracle"])}, this prompt {F(r["score"])}  [SIMULATED]");
    }

    private static double R(double x) => Math.Round(x, 4);

    private static string F(JsonNode? n) => n is null ? "-" : ((double)n).ToString("0.000", CultureInfo.InvariantCulture);
}
