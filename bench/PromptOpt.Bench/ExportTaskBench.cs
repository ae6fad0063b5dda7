using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;

namespace PromptOpt.Bench;

/// <summary>
/// Exports a built-in task as a dataset directory that both PromptOpt and promptfoo read: <c>train.jsonl</c> and
/// <c>test.jsonl</c> (the shared JSONL schema; <c>promptopt eval --task DIR</c>) and <c>tests.csv</c> (the test split as
/// promptfoo test cases: columns <c>question</c> and <c>target</c>, every field quoted).
/// Usage: export-task &lt;name&gt; &lt;out-dir&gt; [seed=1] [test-size=1000] [train-size=10].
/// </summary>
internal static class ExportTaskBench
{
    public static Task<int> RunAsync(string[] args)
    {
        var a = BenchArgs.Positional(args, 5, required: 2);
        int seed = a.Int(2, "seed", 1, min: int.MinValue);
        int testSize = a.Int(3, "test-size", 1000, min: 1);
        int trainSize = a.Int(4, "train-size", 10, min: 1);
        var task = BuiltInTasks.Create(args[0], seed, trainSize, testSize);
        Export(task, args[1]);
        Console.WriteLine($"exported {task.Name} (seed {seed}): {task.Dataset.Train.Count} train, {task.Dataset.Test.Count} test -> {Path.GetFullPath(args[1])}");
        return Task.FromResult(0);
    }

    /// <summary>Writes train.jsonl, test.jsonl and tests.csv into <paramref name="directory"/>.</summary>
    public static void Export(TaskDefinition task, string directory)
    {
        Directory.CreateDirectory(directory);
        WriteJsonl(task.Dataset.Train, Path.Combine(directory, "train.jsonl"));
        WriteJsonl(task.Dataset.Test, Path.Combine(directory, "test.jsonl"));
        var csv = new StringBuilder("question,target\n");
        foreach (var e in task.Dataset.Test)
        {
            csv.Append(Quote(e.Input)).Append(',').Append(Quote(e.Target)).Append('\n');
        }

        File.WriteAllText(Path.Combine(directory, "tests.csv"), csv.ToString(), new UTF8Encoding(false));
    }

    private static void WriteJsonl(IEnumerable<Example> examples, string path)
    {
        var sb = new StringBuilder();
        foreach (var e in examples)
        {
            var o = new JsonObject { ["id"] = e.Id, ["input"] = e.Input, ["target"] = e.Target };
            if (e.Choices is { } choices)
            {
                o["choices"] = new JsonArray(choices.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
            }

            if (e.Meta is { Count: > 0 } meta)
            {
                o["meta"] = JsonSerializer.SerializeToNode(meta);
            }

            sb.Append(o.ToJsonString()).Append('\n');
        }

        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
    }

    private static string Quote(string field) => "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
