namespace PromptOpt.Optimizers;

/// <summary>The keys of a run spec file (kebab-case). Any other key is an error naming the nearest valid one.</summary>
public static class RunSpecKeys
{
    /// <summary>The method (<c>dual-phase</c>, <c>ape</c>, <c>opro</c>, <c>protegi</c>, <c>metaspo</c>, <c>expo</c>, <c>expo-es</c>).</summary>
    public const string Method = "method";

    /// <summary>The task: a built-in name, a dataset directory or a JSONL file.</summary>
    public const string Task = "task";

    /// <summary>The task model spec.</summary>
    public const string TaskModel = "task-model";

    /// <summary>The optimizer model spec.</summary>
    public const string OptimizerModel = "optimizer-model";

    /// <summary>The agent model spec (EXPO).</summary>
    public const string AgentModel = "agent-model";

    /// <summary>The seed.</summary>
    public const string Seed = "seed";

    /// <summary>The run id.</summary>
    public const string RunId = "run-id";

    /// <summary>The number of training examples (the evaluation set V).</summary>
    public const string TrainSize = "train-size";

    /// <summary>The number of test examples.</summary>
    public const string TestSize = "test-size";

    /// <summary>The budget mapping (<see cref="BudgetKeys"/>).</summary>
    public const string Budget = "budget";

    /// <summary>The method options mapping (scalar values; keys as the method's options, kebab-case).</summary>
    public const string Options = "options";

    /// <summary>The MetaSPO task-suite YAML path.</summary>
    public const string Suite = "suite";

    /// <summary>The EXPO environment name.</summary>
    public const string Environment = "env";

    /// <summary>The EXPO agent steps.</summary>
    public const string Steps = "steps";

    /// <summary>The EXPO embedder spec (<c>hash</c>, <c>openai:&lt;model&gt;</c>, <c>openai-compatible:…</c>; see <see cref="Models.EmbedderSpec"/>).</summary>
    public const string Embedder = "embedder";

    /// <summary>The metric the task is scored by (one of <see cref="Evaluation.Metrics.MetricCatalog.Names"/>); default: the dataset README's, else inferred.</summary>
    public const string Metric = "metric";

    /// <summary>The maximum task-model calls (under <c>budget</c>).</summary>
    public const string TaskCalls = "task-calls";

    /// <summary>The maximum optimizer-model calls (under <c>budget</c>).</summary>
    public const string OptimizerCalls = "optimizer-calls";

    /// <summary>The maximum tokens (under <c>budget</c>).</summary>
    public const string Tokens = "tokens";

    /// <summary>The maximum estimated dollars (under <c>budget</c>).</summary>
    public const string Dollars = "dollars";

    /// <summary>The network timeout of one model call (e.g. <c>30s</c>).</summary>
    public const string Timeout = "timeout";

    /// <summary>Gets the top-level keys, in documentation order.</summary>
    public static IReadOnlyList<string> TopLevel { get; } =
    [
        Method, Task, TaskModel, OptimizerModel, AgentModel, Seed, RunId, TrainSize, TestSize, Budget, Options, Suite, Environment, Steps, Embedder, Metric, Timeout,
    ];

    /// <summary>Gets the keys under <c>budget</c>.</summary>
    public static IReadOnlyList<string> BudgetKeys { get; } = [TaskCalls, OptimizerCalls, Tokens, Dollars];
}
