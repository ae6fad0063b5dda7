namespace PromptOpt.Simulation;

/// <summary>
/// The version-1 trigger catalogue, kept only for the simulated agent (EXPO) until its v2 rewrite reads agent skills by
/// meaning: the agent skills' triggers and phrasings, and the format triggers the agent recognises. The task and
/// optimizer roles use <see cref="SkillCatalogue"/> (descriptions read by the sentence encoder).
/// </summary>
public static class SimCatalog
{
    /// <summary>The name of the generic output-format skill.</summary>
    public const string Format = "format";

    /// <summary>The name of the generic step-by-step reasoning skill.</summary>
    public const string Stepwise = "stepwise";

    /// <summary>The name of the generic self-verification skill.</summary>
    public const string Verify = "verify";

    /// <summary>The name of the generic attention-to-detail skill.</summary>
    public const string Focus = "focus";

    /// <summary>Gets the generic skills with SIMULATOR.md's triggers and weights (format 0.6, stepwise 0.5, verify 0.3, focus 0.2).</summary>
    public static IReadOnlyList<SimSkill> GenericSkills { get; } =
    [
        new(Format, SkillKind.Generic, ["answer with only", "respond with one of", "<answer>", "output only"], 0.6, 1,
        [
            "Answer with only the final answer, inside <answer></answer> tags.",
            "Output only the final answer, written inside <answer></answer> tags.",
            "Respond with one of the allowed answers and put it inside <answer></answer> tags.",
            "Answer with only the final answer and nothing else.",
        ]),
        new(Stepwise, SkillKind.Generic, ["step by step", "reason through", "work through"], 0.5, 1,
        [
            "Think step by step before giving the answer.",
            "Reason through the problem one part at a time.",
            "Work through the question methodically before answering.",
        ]),
        new(Verify, SkillKind.Generic, ["double-check", "verify", "re-read"], 0.3, 1,
        [
            "Double-check your answer before you give it.",
            "Verify that the answer is consistent with the question.",
            "Re-read the question to make sure your answer fits it.",
        ]),
        new(Focus, SkillKind.Generic, ["pay attention to", "read carefully", "key details"], 0.2, 1,
        [
            "Pay attention to the exact wording of the question.",
            "Read carefully before you answer.",
            "Identify the key details of the input first.",
        ]),
    ];

}
