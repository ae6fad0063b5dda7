namespace PromptOpt.Simulation;

/// <summary>What the demonstrations of a prompt do (SIMULATOR.md v2, "Demonstrations").</summary>
/// <param name="Correct">Demonstrations whose answer is right (or whose input is not a known example).</param>
/// <param name="Wrong">Demonstrations whose answer is wrong for their known example.</param>
/// <param name="FormatBoost">What they add to a_format: 0.15 per correct demo showing the answer form, half per wrong one.</param>
/// <param name="StepwiseBoost">What they add to a_stepwise: 0.2 per correct demo showing reasoning, half per wrong one.</param>
/// <param name="LabelShares">The weighted share of each demonstrated final answer (the guess prior shifts towards it).</param>
/// <param name="PriorShift">The weight of the shift: 0.3 × the mean demo weight (1 correct, 0.5 wrong).</param>
public sealed record DemonstrationEffect(int Correct, int Wrong, double FormatBoost, double StepwiseBoost, IReadOnlyDictionary<string, double> LabelShares, double PriorShift);

/// <summary>
/// What the simulated model makes of a prompt for one task, before any example (SIMULATOR.md v2): the reading, each
/// skill's activation (generic a_format and a_stepwise with the demonstrations' boosts), the obeyed instruction, and the
/// example-independent logit terms (overload, length, conflicts, wording).
/// </summary>
public sealed class PromptAnalysis
{
    internal PromptAnalysis(
        string task,
        PromptReading reading,
        ActivationResult activation,
        IReadOnlyDictionary<string, double> levels,
        ObeyedInstruction? obeyed,
        DemonstrationEffect demos,
        int activeSkills,
        double overloadPenalty,
        double lengthPenalty,
        double conflicts,
        double conflictPenalty,
        double wording,
        int irrelevantSentences)
    {
        IrrelevantSentences = irrelevantSentences;
        Task = task;
        Reading = reading;
        Activation = activation;
        Levels = levels;
        Obeyed = obeyed;
        Demonstrations = demos;
        ActiveSkills = activeSkills;
        OverloadPenalty = overloadPenalty;
        LengthPenalty = lengthPenalty;
        Conflicts = conflicts;
        ConflictPenalty = conflictPenalty;
        Wording = wording;
        AsksForAnswerTags = (reading.System ?? string.Empty).Contains("<answer>", StringComparison.OrdinalIgnoreCase)
            || reading.User.Contains("<answer>", StringComparison.OrdinalIgnoreCase)
            || reading.Demonstrations.Any(d => d.Answer.Contains("<answer>", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Gets the task name.</summary>
    public string Task { get; }

    /// <summary>Gets the reading (sentences, clauses, demonstrations, tokens).</summary>
    public PromptReading Reading { get; }

    /// <summary>Gets the activation of every skill by the instruction sentences and clauses (before demonstrations).</summary>
    public ActivationResult Activation { get; }

    /// <summary>Gets the effective a_s per skill (a_format and a_stepwise include the demonstrations' boosts, capped at 1).</summary>
    public IReadOnlyDictionary<string, double> Levels { get; }

    /// <summary>Gets the instruction obeyed against the task (constant answer, fixed reply, answer ban), or <see langword="null"/>.</summary>
    public ObeyedInstruction? Obeyed { get; }

    /// <summary>Gets the demonstrations' effect.</summary>
    public DemonstrationEffect Demonstrations { get; }

    /// <summary>Gets m, the number of skills with a ≥ 0.5.</summary>
    public int ActiveSkills { get; }

    /// <summary>Gets λ_over·max(0, m − 4).</summary>
    public double OverloadPenalty { get; }

    /// <summary>Gets λ_len·max(0, tokens − L0)/100.</summary>
    public double LengthPenalty { get; }

    /// <summary>Gets the conflicts: Σ over contradiction pairs of min(a_side, a_other).</summary>
    public double Conflicts { get; }

    /// <summary>Gets λ_conf·conflicts.</summary>
    public double ConflictPenalty { get; }

    /// <summary>Gets the instruction sentences that activate no skill of the task's catalogue (each distracts like a fully active skill the example does not need).</summary>
    public int IrrelevantSentences { get; }

    /// <summary>Gets ω_P, the wording term.</summary>
    public double Wording { get; }

    /// <summary>Gets whether the prompt asks for (or shows) answers in &lt;answer&gt; tags.</summary>
    public bool AsksForAnswerTags { get; }

    /// <summary>Gets a_format (with demonstrations).</summary>
    public double Format => Level(SkillCatalogue.Format);

    /// <summary>Gets the effective activation of a skill (0 when unknown).</summary>
    /// <param name="skill">The skill name.</param>
    /// <returns>a_s.</returns>
    public double Level(string skill) => Levels.GetValueOrDefault(skill);

    /// <summary>Gets whether a skill is active (a ≥ 0.5).</summary>
    /// <param name="skill">The skill name.</param>
    /// <returns><see langword="true"/> when active.</returns>
    public bool IsActive(string skill) => Level(skill) >= 0.5;
}

/// <summary>One term of the logit of p_know.</summary>
/// <param name="Name">What it is: <c>base</c>, <c>difficulty</c>, <c>skill:&lt;name&gt;</c>, <c>framing</c>, <c>generic:&lt;name&gt;</c>, <c>distraction</c>, <c>overload</c>, <c>length</c>, <c>conflicts</c>, <c>misconception:&lt;name&gt;</c>, <c>wording</c>.</param>
/// <param name="Value">Its contribution to the logit.</param>
public sealed record LogitTerm(string Name, double Value);

/// <summary>Why the simulated model answers an example as it does (SIMULATOR.md v2, "Task role").</summary>
/// <param name="Prompt">The prompt analysis.</param>
/// <param name="ExampleId">The example id.</param>
/// <param name="Difficulty">d_x.</param>
/// <param name="Required">The task skills the example needs (besides framing).</param>
/// <param name="Missing">The needed skills (framing included) the prompt does not fully activate.</param>
/// <param name="Terms">The logit terms.</param>
/// <param name="Logit">Their sum.</param>
/// <param name="PKnow">p_know = sigmoid(logit).</param>
/// <param name="PCorrect">The probability that the answer given is right: p_know + (1 − p_know)·π(target), or for a constant answer 1 or 0.</param>
/// <param name="PParseable">The probability that the reply can be parsed: 0 under a format-breaking instruction; 1 − 0.1·(1 − a_format) otherwise (1 for a constant answer).</param>
public sealed record ExampleExplanation(
    PromptAnalysis Prompt,
    string ExampleId,
    double Difficulty,
    IReadOnlyList<string> Required,
    IReadOnlyList<string> Missing,
    IReadOnlyList<LogitTerm> Terms,
    double Logit,
    double PKnow,
    double PCorrect,
    double PParseable)
{
    /// <summary>Gets the expected score for a metric that reads tagged, bare and "my answer is X" replies: p(correct)·p(parseable).</summary>
    public double ExpectedScore => PCorrect * PParseable;
}
