using System.CommandLine;
using System.Text.Json.Nodes;
using PromptOpt.Cli.Rendering;
using PromptOpt.Data;
using Spectre.Console;

namespace PromptOpt.Cli.Commands;

/// <summary><c>promptopt tasks</c>: the built-in tasks with their metric, split sizes and description.</summary>
internal static class TasksCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var command = new Command("tasks", "List the built-in tasks (generated procedurally; no files needed): metric, split sizes, description. " +
            "Any dataset directory or JSONL file can also be given to --task.")
        {
            json,
            seed,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(
            context, parse.GetValue(json), _ => Task.FromResult(Run(context, parse.GetValue(json), parse.GetValue(seed))), ct));
        return command;
    }

    // The EXPO environments follow the tasks: an "environments" array in JSON, a second table / lines in text.
    private static int Run(CliContext context, bool json, int seed)
    {
        var tasks = CliContext.ListBuiltInTasks(seed);
        if (json)
        {
            var array = new JsonArray();
            foreach (var t in tasks)
            {
                array.Add(new JsonObject
                {
                    ["name"] = t.Name,
                    ["metric"] = t.Metric.Name,
                    ["train"] = t.Dataset.Train.Count,
                    ["dev"] = t.Dataset.Dev.Count,
                    ["test"] = t.Dataset.Test.Count,
                    ["description"] = t.Description,
                    ["skills"] = new JsonArray(t.Skills.Select(s => (JsonNode?)JsonValue.Create(s.Name)).ToArray()),
                });
            }

            var environments = new JsonArray(Decision.EnvironmentCatalog.All.Select(e => (JsonNode?)new JsonObject
            {
                ["name"] = e.Name,
                ["kind"] = Kind(e.Kind),
                ["description"] = e.Description,
            }).ToArray());
            JsonOutput.Write(context.Out, new JsonObject { ["seed"] = seed, ["tasks"] = array, ["environments"] = environments });
            return ExitCodes.Ok;
        }

        if (context.OutputIsTerminal)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn(new TableColumn("task").NoWrap()).AddColumn(new TableColumn("metric").NoWrap()).AddColumn(new TableColumn("train").RightAligned())
                .AddColumn(new TableColumn("dev").RightAligned()).AddColumn(new TableColumn("test").RightAligned()).AddColumn("description");
            foreach (var t in tasks)
            {
                table.AddRow(Markup.Escape(t.Name), Markup.Escape(t.Metric.Name), TextFormat.Int(t.Dataset.Train.Count),
                    TextFormat.Int(t.Dataset.Dev.Count), TextFormat.Int(t.Dataset.Test.Count), Markup.Escape(t.Description));
            }

            context.OutConsole.Write(table);
            var envs = new Table().Border(TableBorder.Rounded).Title("environments (EXPO methods: --env)")
                .AddColumn(new TableColumn("environment").NoWrap()).AddColumn(new TableColumn("kind").NoWrap()).AddColumn("description");
            foreach (var e in Decision.EnvironmentCatalog.All)
            {
                envs.AddRow(Markup.Escape(e.Name), Kind(e.Kind), Markup.Escape(e.Description));
            }

            context.OutConsole.Write(envs);
            return ExitCodes.Ok;
        }

        foreach (var t in tasks)
        {
            context.Out.WriteLine(
                $"{t.Name}\t{t.Metric.Name}\ttrain={TextFormat.Int(t.Dataset.Train.Count)} dev={TextFormat.Int(t.Dataset.Dev.Count)} test={TextFormat.Int(t.Dataset.Test.Count)}\t{t.Description}");
        }

        foreach (var e in Decision.EnvironmentCatalog.All)
        {
            context.Out.WriteLine($"{e.Name}\tenvironment ({Kind(e.Kind)})\t--env\t{e.Description}");
        }

        return ExitCodes.Ok;
    }

    private static string Kind(Decision.DecisionTaskKind kind) => kind switch
    {
        Decision.DecisionTaskKind.Bandit => "bandit",
        Decision.DecisionTaskKind.LinearRegression => "linreg",
        _ => "tsp",
    };
}
