using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Prompts;

namespace PromptOpt.Simulation;

/// <summary>
/// The simulated LLM world of SIMULATOR.md v2: registered tasks (with their knowledge and answer key), a seed and
/// <see cref="SimOptions"/>. It answers task requests by the task model (a sentence encoder reads the prompt),
/// optimizer operations by the shared diagnosis and writer models, and agent requests through
/// <see cref="SimulatedAgent"/>; and it explains itself (<see cref="Analyze"/>, <see cref="Explain(Prompt, string, Example)"/>,
/// <see cref="OraclePrompt"/>) so tests and <c>sim-explain</c> can show why a prompt scores what it scores.
/// It is a model of prompt sensitivity, not a lookup: a response is correct only by a draw against p_know (or a lucky
/// guess), and optimizer replies never contain target answers. Thread-safe; registering tasks while requests run is allowed.
/// </summary>
public sealed class SimulatedWorld : ISimulatorOracle
{
    private readonly Lock _gate = new();
    private State _state = new([], new AnswerKey());
    private volatile TaskModel _model;

    /// <summary>Initializes a new instance of the <see cref="SimulatedWorld"/> class with no tasks.</summary>
    /// <param name="options">The options (its <see cref="SimOptions.Seed"/> is the world seed), or <see langword="null"/> for defaults.</param>
    public SimulatedWorld(SimOptions? options = null)
    {
        Options = options ?? new SimOptions();
        _model = new TaskModel(this);
        Diagnosis = new DiagnosisModel(this);
        Writer = new WriterModel(this);
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
            _model = new TaskModel(this); // analyses of a replaced task must not survive
        }
    }

    /// <summary>Gets whether a task is registered.</summary>
    /// <param name="task">The task name.</param>
    /// <returns><see langword="true"/> when registered.</returns>
    public bool HasTask(string task) => Tasks.Any(t => t.Name == task);

    /// <summary>Gets what the simulated model knows about a task: kind, generic, framing and task skills, misconceptions.</summary>
    /// <param name="task">The task name.</param>
    /// <returns>The knowledge.</returns>
    /// <exception cref="KeyNotFoundException">The task is not registered.</exception>
    public TaskKnowledge GetKnowledge(string task) => GetTask(task).Knowledge;

    /// <summary>Gets a task's task skills (empty for a dataset without knowledge).</summary>
    /// <param name="task">The task name.</param>
    /// <returns>The skills.</returns>
    /// <exception cref="KeyNotFoundException">The task is not registered.</exception>
    public IReadOnlyList<SkillDescriptor> GetTaskSkills(string task) => GetTask(task).Knowledge.Skills.Select(s => s.Skill).ToList();

    /// <summary>Gets the task skills an example needs (the framing skill, needed by every example, is not listed).</summary>
    /// <param name="task">The task name.</param>
    /// <param name="example">The example.</param>
    /// <returns>The required skills.</returns>
    public IReadOnlyList<SkillDescriptor> GetRequiredSkills(string task, Example example)
    {
        ArgumentNullException.ThrowIfNull(example);
        return GetTask(task).Required(example, Options);
    }

    /// <inheritdoc/>
    /// <remarks>The <see cref="OraclePrompt"/> of a registered task, else <see langword="null"/>; <c>promptopt compare</c>
    /// finds it through <c>GetService(typeof(ISimulatorOracle))</c> on the simulated client.</remarks>
    public Prompt? GetOraclePrompt(string task) => HasTask(task) ? OraclePrompt(task) : null;

    /// <summary>
    /// Gets the oracle prompt of a task (SIMULATOR.md v2, realism item 11): every description of the framing skill and of
    /// every task skill, the shortest description of each other generic skill of the task's kind that weighs at least
    /// 0.3, then the task's answer-format line, then the question. The best hand prompt: methods are reported as a
    /// fraction of its score.
    /// </summary>
    /// <param name="task">The task name.</param>
    /// <returns>The prompt (user part only).</returns>
    /// <exception cref="KeyNotFoundException">The task is not registered.</exception>
    public Prompt OraclePrompt(string task)
    {
        var k = GetTask(task).Knowledge;
        var generic = k.Generic.Where(g => g.Name != SkillCatalogue.Format && g.Weight >= 0.3).Select(g => g.Descriptions.MinBy(d => d.Length)!);
        var sentences = k.Framing.Descriptions
            .Concat(k.Skills.SelectMany(s => s.Skill.Descriptions))
            .Concat(generic)
            .Append(GetTask(task).Definition.AnswerFormat.Trim())
            .Select(x => x.TrimEnd().EndsWith('.') || x.TrimEnd().EndsWith('?') ? x.Trim() : x.Trim() + ".");
        return new Prompt(null, string.Join("\n", sentences) + "\n\n" + Prompt.QuestionPlaceholder);
    }

    /// <summary>Creates a chat client answering from this world.</summary>
    /// <returns>The client.</returns>
    public SimulatedChatClient CreateClient() => new(this);

    /// <summary>Analyses a prompt for a task: reading, activations, obeyed instruction, example-independent terms.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="task">The task name.</param>
    /// <returns>The analysis.</returns>
    public PromptAnalysis Analyze(Prompt prompt, string task)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return _model.Analyze(GetTask(task), NullIfEmpty(prompt.System), prompt.User);
    }

    /// <summary>Explains p_know and the expected score of a prompt on one example, term by term.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="task">The task name.</param>
    /// <param name="example">The example.</param>
    /// <returns>The explanation.</returns>
    public ExampleExplanation Explain(Prompt prompt, string task, Example example)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(example);
        var t = GetTask(task);
        return _model.Explain(_model.Analyze(t, NullIfEmpty(prompt.System), prompt.User), t, example);
    }

    /// <summary>Explains p_know of a prompt on the example with id <paramref name="exampleId"/>.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="task">The task name.</param>
    /// <param name="exampleId">The example id.</param>
    /// <returns>The explanation.</returns>
    public ExampleExplanation Explain(Prompt prompt, string task, string exampleId) =>
        Explain(prompt, task, GetTask(task).ById.TryGetValue(exampleId, out var e) ? e : throw new KeyNotFoundException($"task '{task}' has no example '{exampleId}'"));

    /// <summary>Gets the mean probability that the answer is right (guesses included, parsing aside) over examples.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="task">The task name.</param>
    /// <param name="examples">The examples.</param>
    /// <returns>The mean.</returns>
    public double ExpectedAccuracy(Prompt prompt, string task, IEnumerable<Example> examples) =>
        Mean(prompt, task, examples, e => e.PCorrect);

    /// <summary>Gets the expected score of a prompt over examples: mean p(correct)·p(parseable).</summary>
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
                : SimulatedOptimizer.Respond(this, operation, string.Join("\n\n", messages.Select(m => m.Text)), sampleIndex);
        }

        var system = string.Join("\n\n", messages.Where(m => m.Role == ChatRole.System).Select(m => m.Text));
        var dialogue = messages.Where(m => m.Role != ChatRole.System).ToList();
        int last = dialogue.FindLastIndex(m => m.Role == ChatRole.User);
        if (last < 0)
        {
            return TaskModel.NoQuestionReply;
        }

        var turns = new List<(string User, string Assistant)>();
        for (int i = 0; i < last; i++)
        {
            if (dialogue[i].Role == ChatRole.User && i + 1 < last && dialogue[i + 1].Role == ChatRole.Assistant)
            {
                turns.Add((dialogue[i].Text, dialogue[i + 1].Text));
                i++;
            }
        }

        return _model.Respond(NullIfEmpty(system), turns, dialogue[last].Text, sampleIndex);
    }

    /// <summary>The agent role: the one place that calls <see cref="SimulatedAgent"/> (integration point with the EXPO agent).</summary>
    private string ActAsAgent(LlmOperation operation, IReadOnlyList<ChatMessage> messages, int sampleIndex) =>
        SimulatedAgent.Act(operation, string.Join("\n\n", messages.Select(m => m.Text)), Options, sampleIndex);

    /// <summary>Gets the shared diagnosis model of the optimizer role (every operation that reads failures uses it).</summary>
    public DiagnosisModel Diagnosis { get; }

    /// <summary>Gets the shared writer of the optimizer role (every operation that writes text uses it).</summary>
    public WriterModel Writer { get; }

    internal TaskModel Model => _model;

    /// <summary>The skills the optimizer recognises and writes for a task (generic, framing, task), or, with no task, those of every registered task plus misconceptions and conflict sides (to recognise what a sentence carries).</summary>
    internal IReadOnlyList<SkillDescriptor> OptimizerCatalogue(SimTask? task) =>
        task is not null
            ? DiagnosisModel.Catalogue(task)
            : [.. SkillCatalogue.AllGeneric, .. Tasks.SelectMany(t => t.Knowledge.Skills.Select(s => s.Skill).Prepend(t.Knowledge.Framing).Concat(t.Knowledge.Misconceptions)).DistinctBy(s => s.Name), .. SkillCatalogue.ConflictSides];

    /// <summary>Finds the example with this input (exact, else contained).</summary>
    internal KeyEntry? Lookup(string input)
    {
        var exact = Key.FindExact(input);
        return exact.Count > 0 ? exact[0] : Key.Find(input)?.Entry;
    }

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
        var analysis = _model.Analyze(t, NullIfEmpty(prompt.System), prompt.User);
        var values = examples.Select(e => value(_model.Explain(analysis, t, e))).ToList();
        return values.Count == 0 ? 0 : values.Average();
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private sealed record State(IReadOnlyList<SimTask> Tasks, AnswerKey Key);
}
