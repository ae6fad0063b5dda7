using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PromptOpt.Data;

/// <summary>Options of <see cref="TaskSuiteLoader"/>.</summary>
public sealed class TaskSuiteLoadOptions
{
    /// <summary>
    /// Gets or sets the directory of dataset directories in which bare dataset names are looked up when the suite file
    /// has no <c>datasets_root:</c> (e.g. the CLI's <c>--datasets</c>), or <see langword="null"/> for none.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? DatasetsRoot { get; set; }
}

/// <summary>
/// Reads MetaSPO task-suite YAML files. Every key is checked: an unknown or misspelt key, a wrong value type, a task with
/// neither or both of <c>task:</c>/<c>dataset:</c>, or a <c>prompt:</c> without <c>{question}</c> is a
/// <see cref="TaskSuiteException"/> whose one-line message names the file, line, column and key.
/// </summary>
/// <remarks>
/// <para>The shape (all keys but <c>source</c> optional):</para>
/// <code>
/// name: review                      # default: the file name
/// description: Amazon review rating, 4 source → 3 unseen categories
/// domain: review                    # default domain of the tasks below (default "general")
/// datasets_root: ../../../shared/datasets   # where bare dataset names are found (relative to this file)
/// source:                           # meta-train tasks (at least one)
///   - dataset: ../../../shared/datasets/amazon_beauty   # a dataset directory or .jsonl file (relative to this file),
///                                                       # or a bare name under datasets_root
///     name: amazon_beauty           # task name (default: the dataset's / built-in task's name)
///     domain: review                # overrides the suite's domain
///     metric: choice                # exact_match | choice | numeric | token_f1 | macro_f1 | set_match (default: inferred)
///     prompt: |                     # the initial user prompt, with {question} and an answer-format line
///       Predict the customer's rating from 1 to 5.
///       &lt;Question&gt;{question}&lt;/Question&gt;
///       Answer with only the rating inside &lt;answer&gt;&lt;/answer&gt; tags.
///   - task: multistep_arithmetic    # a built-in task instead of a dataset
///     instruction: Evaluate the expression.   # or override just the instruction line …
///     answer_format: Answer with only the number inside &lt;answer&gt;&lt;/answer&gt; tags.   # … and/or the format line
///   - object_counting               # shorthand: a bare built-in name or dataset reference
/// unseen:                           # meta-test tasks (may be empty), same entry shape
///   - task: navigate
/// </code>
/// <para>A <c>prompt:</c> becomes the task's <see cref="TaskDefinition.InitialUserPrompt"/>; without one, MetaSPO's initial
/// user prompt is the instruction line, the question and the answer-format line (ALGORITHMS.md 3.3).</para>
/// </remarks>
public static class TaskSuiteLoader
{
    private static readonly string[] SuiteKeys = ["name", "description", "domain", "datasets_root", "source", "unseen"];
    private static readonly string[] TaskKeys = ["task", "dataset", "name", "domain", "metric", "prompt", "instruction", "answer_format"];

    /// <summary>Reads a suite file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    /// <returns>The suite (tasks not loaded yet; see <see cref="TaskSuite.Resolve"/>).</returns>
    /// <exception cref="TaskSuiteException">The file is missing or malformed.</exception>
    public static TaskSuite Load(string path, TaskSuiteLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TaskSuiteException(path, 0, 0, "cannot read the suite file: " + ex.Message, ex);
        }

        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", options);
    }

    /// <summary>Parses suite YAML text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="filePath">The file name used in messages (and for the default suite name).</param>
    /// <param name="baseDirectory">The directory relative paths are resolved against.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    /// <returns>The suite.</returns>
    /// <exception cref="TaskSuiteException">The text is malformed.</exception>
    public static TaskSuite Parse(string yaml, string filePath, string baseDirectory, TaskSuiteLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(filePath);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        var reader = new Reader(filePath);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new TaskSuiteException(filePath, (int)ex.Start.Line, (int)ex.Start.Column, "invalid YAML: " + Innermost(ex).Message, ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var at = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            throw reader.Error(at, "expected a mapping with 'source:' (and optionally 'unseen:', 'name:', 'domain:', 'datasets_root:')");
        }

        var map = reader.Map(root, SuiteKeys, "suite");
        var domain = reader.OptionalScalar(map, "domain") ?? TaskSuite.DefaultDomain;
        var rootText = reader.OptionalScalar(map, "datasets_root");
        var datasetsRoot = rootText is null ? options?.DatasetsRoot : Path.GetFullPath(Path.Combine(baseDirectory, rootText));
        if (!map.TryGetValue("source", out var sourceNode))
        {
            throw reader.Error(root, "missing 'source:' (the list of source tasks)");
        }

        var source = reader.Entries(sourceNode, TaskSuiteRole.Source, domain);
        if (source.Count == 0)
        {
            throw reader.Error(sourceNode.Value, "'source:' needs at least one task");
        }

        var unseen = map.TryGetValue("unseen", out var unseenNode) ? reader.Entries(unseenNode, TaskSuiteRole.Unseen, domain) : [];
        return new TaskSuite
        {
            Name = reader.OptionalScalar(map, "name") ?? Path.GetFileNameWithoutExtension(filePath),
            Description = reader.OptionalScalar(map, "description") ?? string.Empty,
            FilePath = filePath,
            BaseDirectory = baseDirectory,
            DatasetsRoot = datasetsRoot,
            Source = source,
            Unseen = unseen,
        };
    }

    private static Exception Innermost(Exception ex) => ex.InnerException is { } inner ? Innermost(inner) : ex;

    /// <summary>Reads nodes with positions for messages.</summary>
    private sealed class Reader(string filePath)
    {
        public TaskSuiteException Error(YamlNode? node, string message) =>
            new(filePath, node is null ? 0 : (int)node.Start.Line, node is null ? 0 : (int)node.Start.Column, message);

        /// <summary>Checks a mapping's keys against <paramref name="known"/>; returns key → (key node, value node).</summary>
        public Dictionary<string, (YamlNode Key, YamlNode Value)> Map(YamlMappingNode node, IReadOnlyList<string> known, string what)
        {
            var result = new Dictionary<string, (YamlNode, YamlNode)>(StringComparer.Ordinal);
            foreach (var (k, v) in node.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? throw Error(k, $"expected a plain key in the {what}");
                if (!known.Contains(key, StringComparer.Ordinal))
                {
                    var hint = Suggest(key, known) is { } s ? $"; did you mean '{s}'?" : string.Empty;
                    throw Error(k, $"unknown key '{key}' in the {what} (expected one of: {string.Join(", ", known)}){hint}");
                }

                result[key] = (k, v);
            }

            return result;
        }

        public string? OptionalScalar(Dictionary<string, (YamlNode Key, YamlNode Value)> map, string key)
        {
            if (!map.TryGetValue(key, out var kv))
            {
                return null;
            }

            if (kv.Value is not YamlScalarNode scalar)
            {
                throw Error(kv.Value, $"'{key}:' must be a single value, not a list or mapping");
            }

            var value = scalar.Value;
            if (string.IsNullOrWhiteSpace(value))
            {
                throw Error(kv.Value, $"'{key}:' is empty");
            }

            return value;
        }

        public List<TaskSuiteEntry> Entries((YamlNode Key, YamlNode Value) kv, TaskSuiteRole role, string defaultDomain)
        {
            var name = role == TaskSuiteRole.Source ? "source" : "unseen";
            if (kv.Value is YamlScalarNode { Value: null or "" })
            {
                return [];
            }

            if (kv.Value is not YamlSequenceNode seq)
            {
                throw Error(kv.Value, $"'{name}:' must be a list of tasks (lines starting with '- ')");
            }

            return seq.Children.Select(n => Entry(n, role, defaultDomain)).ToList();
        }

        private TaskSuiteEntry Entry(YamlNode node, TaskSuiteRole role, string defaultDomain)
        {
            int line = (int)node.Start.Line, column = (int)node.Start.Column;
            if (node is YamlScalarNode { Value: { Length: > 0 } shorthand })
            {
                return BuiltIn.BuiltInTasks.IsBuiltIn(shorthand)
                    ? new TaskSuiteEntry { Role = role, BuiltIn = shorthand, Domain = defaultDomain, Line = line, Column = column }
                    : new TaskSuiteEntry { Role = role, Dataset = shorthand, Domain = defaultDomain, Line = line, Column = column };
            }

            if (node is not YamlMappingNode mapping)
            {
                throw Error(node, "expected a task: a mapping with 'task:' (a built-in task) or 'dataset:' (a dataset path or name)");
            }

            var map = Map(mapping, TaskKeys, "task");
            var builtIn = OptionalScalar(map, "task");
            var dataset = OptionalScalar(map, "dataset");
            if ((builtIn is null) == (dataset is null))
            {
                throw Error(node, builtIn is null
                    ? "a task needs 'task:' (a built-in task) or 'dataset:' (a dataset path or name)"
                    : "a task has either 'task:' or 'dataset:', not both");
            }

            var prompt = OptionalScalar(map, "prompt");
            if (prompt is not null && Prompts.PromptValidation.CheckUser(prompt) is { } problem)
            {
                throw Error(map["prompt"].Value, $"'prompt:' {problem}: the initial user prompt must contain {Prompts.Prompt.QuestionPlaceholder}");
            }

            var metric = OptionalScalar(map, "metric");
            if (metric is not null)
            {
                try
                {
                    Evaluation.Metrics.MetricCatalog.Create(metric);
                }
                catch (PromptOptInputException ex)
                {
                    throw Error(map["metric"].Value, ex.Message);
                }
            }

            var instruction = OptionalScalar(map, "instruction");
            if (instruction?.Contains(Prompts.Prompt.QuestionPlaceholder, StringComparison.Ordinal) == true)
            {
                throw Error(map["instruction"].Value, $"'instruction:' is one line without {Prompts.Prompt.QuestionPlaceholder}; use 'prompt:' for a whole user prompt");
            }

            return new TaskSuiteEntry
            {
                Role = role,
                BuiltIn = builtIn,
                Dataset = dataset,
                Name = OptionalScalar(map, "name"),
                Domain = OptionalScalar(map, "domain") ?? defaultDomain,
                Metric = metric,
                Prompt = prompt,
                Instruction = instruction,
                AnswerFormat = OptionalScalar(map, "answer_format"),
                Line = line,
                Column = column,
            };
        }

        private static string? Suggest(string key, IReadOnlyList<string> known)
        {
            var normalized = key.Replace('-', '_').ToLowerInvariant();
            var best = known.Select(k => (k, d: Distance(normalized, k))).MinBy(x => x.d);
            return best.d <= Math.Max(2, key.Length / 3) ? best.k : null;
        }

        private static int Distance(string a, string b)
        {
            var prev = Enumerable.Range(0, b.Length + 1).ToArray();
            var cur = new int[b.Length + 1];
            for (int i = 1; i <= a.Length; i++)
            {
                cur[0] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                }

                (prev, cur) = (cur, prev);
            }

            return prev[b.Length];
        }
    }
}
