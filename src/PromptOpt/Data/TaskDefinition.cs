using PromptOpt.Evaluation;

namespace PromptOpt.Data;

/// <summary>
/// A task to optimize a prompt for: its data, its metric, its answer format and default instruction, and the skill
/// profile the simulator uses (empty for datasets without a declared profile: the simulator then knows no task skills).
/// </summary>
public sealed class TaskDefinition
{
    /// <summary>Initializes a new instance of the <see cref="TaskDefinition"/> class.</summary>
    /// <param name="name">The canonical task id (e.g. <c>arithmetic</c> or a dataset directory name).</param>
    /// <param name="dataset">The data.</param>
    /// <param name="metric">The metric.</param>
    /// <param name="defaultInstruction">A one-line instruction that states the task.</param>
    /// <param name="answerFormat">A line telling the model the answer format (e.g. "Answer inside &lt;answer&gt;&lt;/answer&gt; tags.").</param>
    /// <param name="skills">The task skills (may be empty).</param>
    public TaskDefinition(string name, Dataset dataset, IMetric metric, string defaultInstruction, string answerFormat, IReadOnlyList<TaskSkill>? skills = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        Metric = metric ?? throw new ArgumentNullException(nameof(metric));
        DefaultInstruction = defaultInstruction ?? throw new ArgumentNullException(nameof(defaultInstruction));
        AnswerFormat = answerFormat ?? throw new ArgumentNullException(nameof(answerFormat));
        Skills = skills ?? [];
    }

    /// <summary>Gets the canonical task id.</summary>
    public string Name { get; }

    /// <summary>Gets the data.</summary>
    public Dataset Dataset { get; }

    /// <summary>Gets the metric.</summary>
    public IMetric Metric { get; }

    /// <summary>Gets the one-line default instruction.</summary>
    public string DefaultInstruction { get; }

    /// <summary>Gets the answer-format line.</summary>
    public string AnswerFormat { get; }

    /// <summary>Gets the declared task skills (empty: none known).</summary>
    public IReadOnlyList<TaskSkill> Skills { get; }

    /// <summary>Gets or sets the task's misconceptions (wrong procedures for its skills) for the simulator.</summary>
    /// <value>The default is none.</value>
    public IReadOnlyList<TaskMisconception> Misconceptions { get; init; } = [];

    /// <summary>Gets or sets the task kind for the simulator's generic-skill weights: <c>reasoning</c>, <c>classification</c>, or empty when not declared.</summary>
    /// <value>The default is the empty string.</value>
    public string Kind { get; init; } = string.Empty;

    /// <summary>Gets or sets the task's base logit b_task for the simulator.</summary>
    /// <value>The default is 0.</value>
    public double BaseLogit { get; init; }

    /// <summary>Gets or sets a one-line description for listings.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>
    /// Gets or sets the task's domain label (e.g. <c>review</c>, <c>reasoning</c>), used by MetaSPO task suites to group
    /// unseen-task results per domain; empty when the task belongs to no suite.
    /// </summary>
    /// <value>The default is the empty string.</value>
    public string Domain { get; init; } = string.Empty;

    /// <summary>
    /// Gets or sets the task's initial user prompt when a task suite gives one (a template with the question placeholder
    /// and an answer-format line, as MetaSPO starts from), or <see langword="null"/> when the task has none (MetaSPO then
    /// builds it from <see cref="DefaultInstruction"/> and <see cref="AnswerFormat"/>).
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? InitialUserPrompt { get; init; }

    /// <summary>Returns a copy with another <see cref="Kind"/>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The copy.</returns>
    public TaskDefinition WithKind(string kind) => new(Name, Dataset, Metric, DefaultInstruction, AnswerFormat, Skills)
    {
        BaseLogit = BaseLogit,
        Description = Description,
        Domain = Domain,
        InitialUserPrompt = InitialUserPrompt,
        Misconceptions = Misconceptions,
        Kind = kind,
    };

    /// <summary>Gets the one-line starting prompt: default instruction, question placeholder, nothing else.</summary>
    public Prompts.Prompt OneLinePrompt => Prompts.Prompt.FromInstruction(DefaultInstruction);
}
