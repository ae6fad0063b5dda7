using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Prompts;

namespace PromptOpt.Simulation;

/// <summary>
/// The simulated LLM world of SIMULATOR.md: registered tasks (with their skills and answer key), a seed and
/// <see cref="SimOptions"/>. It answers task requests by the skill model, optimizer operations by the documented
/// edit probabilities, and agent requests through <see cref="SimulatedAgent"/>; and it explains itself
/// (<see cref="Inspect"/>, <see cref="Explain(Prompt, string, Example)"/>) so tests can assert why a prompt is better.
/// It is a model of prompt sensitivity, not a lookup: a response is correct only by a draw against p(correct), and
/// optimizer replies never contain target answers. Thread-safe; registering tasks while requests run is allowed.
/// </summary>
public sealed class SimulatedWorld
{
    private readonly Lock _gate = new();
    private State _state = new([], new AnswerKey());

    /// <summary>Initializes a new instance of the <see cref="SimulatedWorld"/> class with no tasks.</summary>
    /// <param name="options">The options (its <see cref="SimOptions.Seed"/> is the world seed), or <see langword="null"/> for defaults.</param>
    public SimulatedWorld(SimOptions? options = null)
    {
        Options = options ?? new SimOptions();
    }

    /// <summary>Initializes a new instance of the <see cref="SimulatedWorld"/> class.</summary>
    /// <param name="tasks">The tasks to register.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    public SimulatedWorld(IEnumerable<TaskDefinition> tasks, SimOptions? options = null)
        : this(options)
    {
        Register(tasks);
    }

    /// <summary>Gets the options.</summary>
    public SimOptions Options { get; }

    /// <summary>Gets the world seed (<see cref="SimOptions.Seed"/>).</summary>
    public int Seed => Options.Seed;

    /// <summary>Gets the names of the registered tasks, in registration order.</summary>
    public IReadOnlyList<string> TaskNames => Volatile.Read(ref _state).Tasks.Select(t => t.Name).ToList();

    /// <summary>Gets the number of examples in the answer key.</summary>
    public int AnswerKeySize => Volatile.Read(ref _state).Key.Count;

    internal AnswerKey Key => Volatile.Read(ref _state).Key;

    internal IReadOnlyList<SimTask> Tasks => Volatile.Read(ref _state).Tasks;

    /// <summary>Registers a task (replacing a task of the same name) and adds its examples to the answer key.</summary>
    /// <param name="task">The task.</param>
    public void Register(TaskDefinition task)
    {
        ArgumentNullException.ThrowIfNull(task);
        Register([task]);
    }

    /// <summary>Registers several tasks at once (the answer key is rebuilt once).</summary>
    /// <param name="tasks">The tasks; a later task replaces an earlier one of the same name.</param>
    public void Register(IEnumerable<TaskDefinition> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var added = tasks.Select(t => new SimTask(t ?? throw new ArgumentException("a task is null", nameof(tasks)), Options)).ToList();
        lock (_gate)
        {
            var names = added.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            var tasksNow = _state.Tasks.Where(t => !names.Contains(t.Name))
                .Concat(added.Where((t, i) => !added.Skip(i + 1).Any(later => later.Name == t.Name))).ToList();
            var key = new AnswerKey();
            foreach (var t in tasksNow)
            {
                key.Add(t);
            }

            Volatile.Write(ref _state, new State(tasksNow, key));
        }
    }

    /// <summary>Gets whether a task is registered.</summary>
    /// <param name="task">The task name.</param>
    /// <returns><see langword="true"/> when registered.</returns>
    public bool HasTask(string task) => Tasks.Any(t => t.Name == task);

    /// <summary>Gets a task's skills (declared or derived).</summary>
    /// <param name="task">The task name.</param>
    /// <returns>The skills.</returns>
    /// <exception cref="KeyNotFoundException">The task is not registered.</exception>
    public IReadOnlyList<SimSkill> GetTaskSkills(string task) => GetTask(task).Skills;

    /// <summary>Gets the task skills an example requires.</summary>
    /// <param name="task">The task name.</param>
    /// <param name="example">The example.</param>
    /// <returns>The required skills.</returns>
    public IReadOnlyList<SimSkill> GetRequiredSkills(string task, Example example)
    {
        ArgumentNullException.ThrowIfNull(example);
        return GetTask(task).Required(example, Options);
    }

    /// <summary>Creates a chat client answering from this world.</summary>
    /// <returns>The client.</returns>
    public SimulatedChatClient CreateClient() => new(this);

    /// <summary>Inspects what the simulator sees in a prompt for a task: active skills, length, conflicts.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="task">The task name.</param>
    /// <returns>The inspection.</returns>
    public PromptInspection Inspect(Prompt prompt, string task)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return SkillModel.Inspect(prompt.System, prompt.User, GetTask(task), Options);
    }

    /// <summary>Explains p(correct) of a prompt on one example, term by term.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="task">The task name.</param>
    /// <param name="example">The example.</param>
    /// <returns>The explanation.</returns>
    public ExampleExplanation Explain(Prompt prompt, string task, Example example)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(example);
        var t = GetTask(task);
        return SkillModel.Explain(SkillModel.Inspect(prompt.System, prompt.User, t, Options), t, example, Options);
    }

    /// <summary>Explains p(correct) of a prompt on the example with id <paramref name="exampleId"/>.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="task">The task name.</param>
    /// <param name="exampleId">The example id.</param>
    /// <returns>The explanation.</returns>
    public ExampleExplanation Explain(Prompt prompt, string task, string exampleId) =>
        Explain(prompt, task, GetTask(task).ById.TryGetValue(exampleId, out var e) ? e : throw new KeyNotFoundException($"task '{task}' has no example '{exampleId}'"));

    /// <summary>Gets the mean p(correct) of a prompt over examples (the formula's expected accuracy).</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="task">The task name.</param>
    /// <param name="examples">The examples.</param>
    /// <returns>The mean p(correct).</returns>
    public double ExpectedAccuracy(Prompt prompt, string task, IEnumerable<Example> examples) =>
        Mean(prompt, task, examples, e => e.PCorrect);

    /// <summary>Gets the mean p(correct)·p(parseable) of a prompt over examples (the expected score for a metric that parses verbose answers).</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="task">The task name.</param>
    /// <param name="examples">The examples.</param>
    /// <returns>The expected score.</returns>
    public double ExpectedScore(Prompt prompt, string task, IEnumerable<Example> examples) =>
        Mean(prompt, task, examples, e => e.ExpectedScore);

    /// <summary>Answers a request: an optimizer operation or agent action when <paramref name="operation"/> is set, else the task role.</summary>
    internal string Respond(IReadOnlyList<ChatMessage> messages, LlmOperation? operation, int sampleIndex)
    {
        if (operation is not null)
        {
            return operation.Name == OperationNames.AgentAct
                ? ActAsAgent(operation, messages, sampleIndex)
                : SimulatedOptimizer.Respond(this, operation, sampleIndex);
        }

        var system = string.Join("\n\n", messages.Where(m => m.Role == ChatRole.System).Select(m => m.Text));
        // The question is in the last user message; earlier user/assistant turns are demonstrations (SIMULATOR.md v2,
        // "Prompt reading"), which this version of the task model does not read.
        var user = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        return TaskResponder.Respond(this, system.Length == 0 ? null : system, user, sampleIndex);
    }

    /// <summary>The agent role: the one place that calls <see cref="SimulatedAgent"/> (integration point with the EXPO agent).</summary>
    private string ActAsAgent(LlmOperation operation, IReadOnlyList<ChatMessage> messages, int sampleIndex) =>
        SimulatedAgent.Act(operation, string.Join("\n\n", messages.Select(m => m.Text)), Options, sampleIndex);

    internal SimTask GetTask(string task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Tasks.FirstOrDefault(t => t.Name == task) ?? throw new KeyNotFoundException($"task '{task}' is not registered in the simulated world");
    }

    private double Mean(Prompt prompt, string task, IEnumerable<Example> examples, Func<ExampleExplanation, double> value)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(examples);
        var t = GetTask(task);
        var inspection = SkillModel.Inspect(prompt.System, prompt.User, t, Options);
        var values = examples.Select(e => value(SkillModel.Explain(inspection, t, e, Options))).ToList();
        return values.Count == 0 ? 0 : values.Average();
    }

    private sealed record State(IReadOnlyList<SimTask> Tasks, AnswerKey Key);
}
