namespace PromptOpt.Simulation;

/// <summary>
/// The simulator's documented data: the generic and agent skills with their triggers and weights (SIMULATOR.md),
/// the contradiction pairs, and the sentences the simulated optimizer writes. Phrasings of a skill contain only that
/// skill's triggers, so adding one sentence activates exactly one skill.
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

    /// <summary>
    /// Gets the contradiction pairs. A prompt with a phrase from each side of a pair has one conflict. The first is
    /// SIMULATOR.md's example ("explain your reasoning in detail" with "output only the answer").
    /// </summary>
    public static IReadOnlyList<SimConflict> Conflicts { get; } =
    [
        new("detail_vs_only", ["explain your reasoning in detail", "explain in detail", "detailed explanation"], ["output only", "answer with only", "only the answer", "no explanation"]),
        new("brief_vs_thorough", ["be brief", "be concise", "keep it short"], ["be thorough", "as much detail as possible", "elaborate on"]),
        new("tags_vs_no_tags", ["<answer>"], ["do not use tags", "without any tags", "no tags"]),
        new("rush_vs_stepwise", ["answer immediately", "do not think", "without thinking"], ["step by step", "reason through", "work through"]),
        new("guess_vs_verify", ["just guess", "first instinct", "go with your gut"], ["double-check", "verify", "re-read"]),
    ];

    /// <summary>Gets sentences that carry no trigger of any built-in skill or conflict (neutral edits).</summary>
    public static IReadOnlyList<string> NeutralSentences { get; } =
    [
        "Be helpful.",
        "This is an important task.",
        "Do your best on this one.",
        "Keep the task in mind.",
        "Handle the input as well as you can.",
        "The user is counting on you.",
        "Stay polite and professional.",
    ];

    /// <summary>Sentence templates for task skills; <c>{0}</c> is a trigger.</summary>
    internal static IReadOnlyList<string> TaskSkillTemplates { get; } =
    [
        "Pay close attention to {0}.",
        "Be careful with {0}.",
        "Keep {0} in mind.",
        "Remember that {0} matters here.",
    ];

    /// <summary>Synonym pairs for simulated paraphrases (applied outside trigger phrases, whole words, either direction).</summary>
    internal static IReadOnlyList<(string From, string To)> Synonyms { get; } =
    [
        ("please", "kindly"), ("make sure", "ensure"), ("provide", "give"), ("determine", "work out"),
        ("choose", "select"), ("correct", "right"), ("task", "job"), ("given", "provided"), ("input", "text"),
        ("following", "next"), ("identify", "find"), ("write", "produce"), ("must", "should"), ("each", "every"),
    ];

    /// <summary>Openers for simulated paraphrases when no synonym applies.</summary>
    internal static IReadOnlyList<string> ParaphraseOpeners { get; } = ["In short, ", "Put simply, ", "Importantly, ", "Note that "];
}
