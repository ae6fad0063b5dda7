using System.Globalization;
using PromptOpt.Data.BuiltIn;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PromptOpt.Optimizers;

/// <summary>
/// Reads a run spec YAML file (<c>examples/*.yaml</c>). Strict: every key must be one of <see cref="RunSpecKeys"/>, so a
/// typo is an error naming the file, the line and the nearest valid key, before anything runs.
/// </summary>
/// <remarks>
/// <code>
/// method: dual-phase                 # see docs/methods/ (and promptopt optimize --help)
/// task: multistep_arithmetic         # built-in name, dataset directory or JSONL file (relative to this file)
/// task-model: auto
/// optimizer-model: auto
/// seed: 42
/// train-size: 30
/// test-size: 100
/// budget: { task-calls: 2000, optimizer-calls: 60, tokens: 1000000, dollars: 1.50 }
/// options:                           # the method's options, kebab-case (bound by OptionsValidation.Bind)
///   steps: 4
/// suite: suites/reasoning.yaml       # MetaSPO: a task-suite file (relative to this file)
/// env: bandit-hard                   # EXPO: a decision-making environment …
/// steps: 100                         # … and the agent's steps
/// embedder: hash                     # … and the embedder of its arms (hash | openai:&lt;model&gt; | openai-compatible:…)
/// metric: macro_f1                   # how answers are scored (default: the dataset README's, else inferred)
/// timeout: 60s                       # the network timeout of one model call (not part of the run's identity)
/// </code>
/// </remarks>
public static class RunSpecLoader
{
    /// <summary>Reads a spec file.</summary>
    /// <param name="path">The file path (shown in messages as given).</param>
    /// <param name="workingDirectory">The directory a relative <paramref name="path"/> is resolved against, or <see langword="null"/> for the process's.</param>
    /// <returns>The spec, with relative task and suite paths made absolute against the file's directory.</returns>
    /// <exception cref="RunSpecException">The file is missing, unreadable or malformed.</exception>
    public static RunSpec Load(string path, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = workingDirectory is null ? Path.GetFullPath(path) : Path.GetFullPath(path, workingDirectory);
        if (!File.Exists(full))
        {
            throw new RunSpecException(path, 0, Directory.Exists(full) ? "is a directory, not a run spec file" : "run spec file not found");
        }

        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RunSpecException(path, 0, "cannot read the run spec: " + ex.Message, ex);
        }

        return Parse(text, path, Path.GetDirectoryName(full) ?? ".") with { SourcePath = full };
    }

    /// <summary>Parses spec YAML text.</summary>
    /// <param name="yaml">The text.</param>
    /// <param name="displayPath">The file name used in messages.</param>
    /// <param name="baseDirectory">The directory relative task and suite paths are resolved against.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="RunSpecException">The text is malformed.</exception>
    public static RunSpec Parse(string yaml, string displayPath, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(displayPath);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new RunSpecException(displayPath, (int)ex.Start.Line, "invalid YAML: " + Innermost(ex).Message.ReplaceLineEndings(" "), ex);
        }

        if (stream.Documents.Count == 0)
        {
            throw new RunSpecException(displayPath, 0, "the run spec is empty; expected a mapping with at least 'method:' and 'task:'");
        }

        var reader = new Reader(displayPath);
        var root = stream.Documents[0].RootNode as YamlMappingNode
            ?? throw reader.Error(stream.Documents[0].RootNode, "expected a mapping of keys (method, task, …), not a " + Describe(stream.Documents[0].RootNode));
        if (root.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => k.Value == "source") is { } source)
        {
            throw reader.Error(source, "this is a MetaSPO task suite, not a run spec; point a run spec at it with 'suite: <file>' (see examples/metaspo.yaml)");
        }

        var map = reader.Map(root, RunSpecKeys.TopLevel, "run spec");
        return new RunSpec
        {
            Method = reader.String(map, RunSpecKeys.Method),
            Task = ResolveTask(reader.String(map, RunSpecKeys.Task), baseDirectory),
            TaskModel = reader.String(map, RunSpecKeys.TaskModel),
            OptimizerModel = reader.String(map, RunSpecKeys.OptimizerModel),
            AgentModel = reader.String(map, RunSpecKeys.AgentModel),
            Seed = reader.Int(map, RunSpecKeys.Seed, int.MinValue),
            RunId = reader.String(map, RunSpecKeys.RunId),
            TrainSize = reader.Int(map, RunSpecKeys.TrainSize, 1),
            TestSize = reader.Int(map, RunSpecKeys.TestSize, 1),
            Budget = reader.Budget(map),
            Options = reader.Options(map, out var optionLines),
            OptionLines = optionLines,
            Timeout = reader.String(map, RunSpecKeys.Timeout),
            Suite = reader.String(map, RunSpecKeys.Suite) is { } suite ? Path.GetFullPath(suite, baseDirectory) : null,
            Environment = reader.String(map, RunSpecKeys.Environment),
            Steps = reader.Int(map, RunSpecKeys.Steps, 1),
            Embedder = reader.String(map, RunSpecKeys.Embedder),
            Metric = reader.Metric(map),
        };
    }

    /// <summary>Finds the valid key closest to <paramref name="key"/> (edit distance), or <see langword="null"/> when none is close.</summary>
    /// <param name="key">The unknown key.</param>
    /// <param name="valid">The valid keys.</param>
    /// <returns>The nearest key, or <see langword="null"/>.</returns>
    public static string? Nearest(string key, IEnumerable<string> valid)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(valid);
        var k = key.ToLowerInvariant().Replace('_', '-');
        var best = valid.Select(v => (Key: v, Distance: Distance(k, v))).OrderBy(x => x.Distance).ThenBy(x => x.Key, StringComparer.Ordinal).FirstOrDefault();
        return best.Key is not null && best.Distance <= Math.Max(2, best.Key.Length / 3) ? best.Key : null;
    }

    // A relative task path is taken from the spec's directory when it exists there; built-in names stay names.
    private static string? ResolveTask(string? task, string baseDirectory)
    {
        if (task is null || BuiltInTasks.IsBuiltIn(task) || Path.IsPathRooted(task))
        {
            return task;
        }

        var candidate = Path.GetFullPath(task, baseDirectory);
        return Path.Exists(candidate) ? candidate : task;
    }

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }

            (prev, cur) = (cur, prev);
        }

        return prev[b.Length];
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is { } inner)
        {
            ex = inner;
        }

        return ex;
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode => "single value",
        YamlSequenceNode => "list",
        _ => "mapping",
    };

    private sealed class Reader(string path)
    {
        public RunSpecException Error(YamlNode node, string message) => new(path, (int)node.Start.Line, message);

        public Dictionary<string, (YamlScalarNode Key, YamlNode Value)> Map(YamlMappingNode node, IReadOnlyList<string> valid, string what)
        {
            var map = new Dictionary<string, (YamlScalarNode, YamlNode)>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in node.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { } key } scalar)
                {
                    throw Error(keyNode, $"expected a key name in the {what}");
                }

                if (!valid.Contains(key, StringComparer.Ordinal))
                {
                    var near = Nearest(key, valid);
                    throw Error(keyNode, near is null
                        ? $"unknown key '{key}' in the {what} (valid keys: {string.Join(", ", valid)})"
                        : $"unknown key '{key}' in the {what}; did you mean '{near}'?");
                }

                map[key] = (scalar, value);
            }

            return map;
        }

        public string? String(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> map, string key)
        {
            if (!map.TryGetValue(key, out var entry))
            {
                return null;
            }

            if (entry.Value is not YamlScalarNode scalar)
            {
                throw Error(entry.Value, $"'{key}' expects a single value, not a {Describe(entry.Value)}");
            }

            if (string.IsNullOrWhiteSpace(scalar.Value))
            {
                throw Error(entry.Key, $"'{key}' has no value");
            }

            return scalar.Value.Trim();
        }

        public string? Metric(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> map)
        {
            if (String(map, RunSpecKeys.Metric) is not { } name)
            {
                return null;
            }

            try
            {
                return Evaluation.Metrics.MetricCatalog.Create(name).Name;
            }
            catch (PromptOptInputException ex)
            {
                throw Error(map[RunSpecKeys.Metric].Value, ex.Message);
            }
        }

        public int? Int(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> map, string key, int min) =>
            (int?)Long(map, key, min, int.MaxValue);

        public long? Long(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> map, string key, long min, long max)
        {
            if (String(map, key) is not { } text)
            {
                return null;
            }

            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                var range = min <= int.MinValue ? "an integer" : min == 0 ? "a whole number (0 or more)" : $"an integer of at least {min.ToString(CultureInfo.InvariantCulture)}";
                throw Error(map[key].Value, $"'{key}' expects {range}, got '{text}'");
            }

            return value;
        }

        public RunSpecBudget Budget(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> map)
        {
            if (!map.TryGetValue(RunSpecKeys.Budget, out var entry))
            {
                return new RunSpecBudget();
            }

            if (entry.Value is YamlScalarNode { Value: null or "" })
            {
                return new RunSpecBudget();
            }

            if (entry.Value is not YamlMappingNode node)
            {
                throw Error(entry.Value, $"'budget' expects a mapping of limits ({string.Join(", ", RunSpecKeys.BudgetKeys)})");
            }

            var b = Map(node, RunSpecKeys.BudgetKeys, "budget");
            decimal? dollars = null;
            if (String(b, RunSpecKeys.Dollars) is { } d)
            {
                if (!decimal.TryParse(d.TrimStart('$'), NumberStyles.Number, CultureInfo.InvariantCulture, out var value) || value < 0)
                {
                    throw Error(b[RunSpecKeys.Dollars].Value, $"'dollars' expects a number of dollars (0 or more), got '{d}'");
                }

                dollars = value;
            }

            return new RunSpecBudget
            {
                TaskCalls = Long(b, RunSpecKeys.TaskCalls, 0, long.MaxValue),
                OptimizerCalls = Long(b, RunSpecKeys.OptimizerCalls, 0, long.MaxValue),
                Tokens = Long(b, RunSpecKeys.Tokens, 0, long.MaxValue),
                Dollars = dollars,
            };
        }

        public Dictionary<string, string> Options(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> map, out Dictionary<string, int> lines)
        {
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            lines = new Dictionary<string, int>(StringComparer.Ordinal);
            if (!map.TryGetValue(RunSpecKeys.Options, out var entry) || entry.Value is YamlScalarNode { Value: null or "" })
            {
                return options;
            }

            if (entry.Value is not YamlMappingNode node)
            {
                throw Error(entry.Value, "'options' expects a mapping of method options (e.g. 'steps: 4')");
            }

            foreach (var (keyNode, value) in node.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { Length: > 0 } key })
                {
                    throw Error(keyNode, "expected an option name under 'options'");
                }

                if (value is not YamlScalarNode scalar)
                {
                    throw Error(value, $"option '{key}' expects a single value, not a {Describe(value)}");
                }

                options[key] = scalar.Value ?? string.Empty;
                lines[key] = (int)keyNode.Start.Line;
            }

            return options;
        }
    }
}
