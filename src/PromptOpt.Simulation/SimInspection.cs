namespace PromptOpt.Simulation;

/// <summary>How much a skill is active in a prompt.</summary>
/// <param name="Skill">The skill name.</param>
/// <param name="Kind">The skill kind.</param>
/// <param name="Level">1 when active in the user prompt (or, for generic skills, anywhere); <see cref="SimOptions.SystemTaskSkillFactor"/> for a task skill found only in the system prompt.</param>
/// <param name="Trigger">The trigger found.</param>
/// <param name="InSystem">Whether the trigger was found in the system prompt (and not the user prompt).</param>
public sealed record TriggerActivation(string Skill, SkillKind Kind, double Level, string Trigger, bool InSystem);

/// <summary>What the simulator sees in a prompt for one task (example-independent).</summary>
/// <param name="Task">The task name.</param>
/// <param name="Active">The active generic and task skills.</param>
/// <param name="PromptTokens">The prompt length in tokens (without the question).</param>
/// <param name="Conflicts">The names of the contradiction pairs present.</param>
/// <param name="LengthPenalty">The logit lost to length: λ_len·max(0, tokens − L0)/100.</param>
/// <param name="ConflictPenalty">The logit lost to conflicts: λ_conflict·conflicts.</param>
/// <param name="FormatActive">Whether <c>format</c> is active (answers are parseable and, if the prompt asks for them, in &lt;answer&gt; tags).</param>
/// <param name="AsksForAnswerTags">Whether the prompt text contains <c>&lt;answer&gt;</c>.</param>
public sealed record PromptInspection(
    string Task,
    IReadOnlyList<TriggerActivation> Active,
    int PromptTokens,
    IReadOnlyList<string> Conflicts,
    double LengthPenalty,
    double ConflictPenalty,
    bool FormatActive,
    bool AsksForAnswerTags)
{
    /// <summary>Gets whether a skill is active (at any level).</summary>
    /// <param name="skill">The skill name.</param>
    /// <returns><see langword="true"/> when active.</returns>
    public bool IsActive(string skill) => Active.Any(a => a.Skill == skill);
}

/// <summary>One term of the logit of p(correct).</summary>
/// <param name="Name">What it is: <c>base</c>, <c>difficulty</c>, <c>skill:&lt;name&gt;</c>, <c>generic:&lt;name&gt;</c>, <c>length</c>, <c>conflicts</c>.</param>
/// <param name="Value">Its contribution to the logit.</param>
public sealed record LogitTerm(string Name, double Value);

/// <summary>Why the simulated model answers an example right with the probability it does.</summary>
/// <param name="Prompt">The prompt inspection.</param>
/// <param name="ExampleId">The example id.</param>
/// <param name="Difficulty">The example difficulty d.</param>
/// <param name="Required">The task skills the example requires.</param>
/// <param name="Missing">The required skills the prompt does not fully activate.</param>
/// <param name="Terms">The logit terms.</param>
/// <param name="Logit">The logit (sum of the terms).</param>
/// <param name="PCorrect">p(correct) = sigmoid(logit).</param>
/// <param name="PParseable">The probability that the response can be parsed at all: 1 with <c>format</c>, else 1 − <see cref="SimOptions.UnparseableRate"/>.</param>
public sealed record ExampleExplanation(
    PromptInspection Prompt,
    string ExampleId,
    double Difficulty,
    IReadOnlyList<string> Required,
    IReadOnlyList<string> Missing,
    IReadOnlyList<LogitTerm> Terms,
    double Logit,
    double PCorrect,
    double PParseable)
{
    /// <summary>Gets the expected score for a metric that extracts answers from verbose sentences: p(correct)·p(parseable).</summary>
    public double ExpectedScore => PCorrect * PParseable;
}
