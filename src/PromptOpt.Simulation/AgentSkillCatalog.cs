namespace PromptOpt.Simulation;

/// <summary>An agent skill: its name, the descriptions the encoder compares sentences with, and the writer's phrase bank.</summary>
/// <param name="Name">The skill name.</param>
/// <param name="Descriptions">3–6 descriptions, short and long (what activates the skill).</param>
/// <param name="Phrases">Sentences the simulated optimizer writes for the skill (distinct from the descriptions).</param>
public sealed record AgentSkillDescriptor(string Name, IReadOnlyList<string> Descriptions, IReadOnlyList<string> Phrases);

/// <summary>
/// The agent skills of SIMULATOR.md "Agent role" as data: explore (E), exploit (X), reasoning (C), statistics (A), and
/// for the optimization tasks refine and diverse. Descriptions are written from what each skill means for an agent
/// choosing actions from a history (Krishnamurthy et al. 2024's prompt factors: suggestive framing, chain of thought,
/// summarised statistics), never edited to move a method's result.
/// </summary>
public static class AgentSkillCatalog
{
    /// <summary>The explore skill's name.</summary>
    public const string Explore = "explore";

    /// <summary>The exploit skill's name.</summary>
    public const string Exploit = "exploit";

    /// <summary>The reasoning (chain-of-thought) skill's name.</summary>
    public const string Reasoning = "reasoning";

    /// <summary>The statistics skill's name.</summary>
    public const string Statistics = "statistics";

    /// <summary>The refine skill's name.</summary>
    public const string Refine = "refine";

    /// <summary>The diverse skill's name.</summary>
    public const string Diverse = "diverse";

    /// <summary>Gets the agent skills, in the order of <see cref="AgentSkillSet"/>.</summary>
    public static IReadOnlyList<AgentSkillDescriptor> All { get; } =
    [
        new(Explore,
        [
            "Explore.",
            "Try the options you have not tried yet.",
            "Balance exploration and exploitation.",
            "Keep testing the options whose value is still uncertain.",
            "You are a bandit algorithm: balance exploring uncertain options against exploiting the best one so far.",
        ],
        [
            "Do not settle too early: give the options you know least about a fair number of tries.",
            "An option with few trials may still be the best one, so keep sampling it now and then.",
            "Think of yourself as a learning algorithm that must trade exploration off against exploitation.",
        ]),
        new(Exploit,
        [
            "Exploit.",
            "Choose the option with the best results so far.",
            "Stick with what has worked best.",
            "Keep picking the option that has paid off the most so far.",
        ],
        [
            "Go with the option that has earned the most up to now.",
            "Once an option has proven itself, keep choosing it.",
            "Favour the choice with the strongest track record.",
        ]),
        new(Reasoning,
        [
            "Think step by step.",
            "Reason about your choice before answering.",
            "Explain your reasoning step by step, then give your final choice.",
            "Think through the history carefully before deciding what to do next.",
        ],
        [
            "Before you answer, write out your thinking one step at a time.",
            "Lay out your reasoning first and only then state your decision.",
            "Work out the decision in a short chain of reasoning before replying.",
        ]),
        new(Statistics,
        [
            "Compute each arm's average.",
            "Calculate the average reward of each option.",
            "For every option, count how often it was chosen and compute its mean reward.",
            "Summarize the history as the mean reward per option.",
        ],
        [
            "Tally the pulls and the payoffs of every option and divide to get its mean.",
            "Work out the empirical mean payoff of each option from the record.",
            "Turn the record into per-option statistics: trials, successes and success rate.",
        ]),
        new(Refine,
        [
            "Refine the best solution.",
            "Make small adjustments to the best point found so far.",
            "Search close to the best solution with small changes.",
        ],
        [
            "Nudge the current best answer slightly rather than starting over.",
            "Stay in the neighbourhood of the best candidate and tweak it a little.",
            "Improve on the leading candidate with minor modifications.",
        ]),
        new(Diverse,
        [
            "Try something different.",
            "Propose a solution that differs from all previous ones.",
            "Move to a new region of the search space.",
        ],
        [
            "Suggest a candidate unlike anything listed so far.",
            "Venture away from the earlier proposals to an unexplored area.",
            "Make your next proposal clearly distinct from the ones already tried.",
        ]),
    ];

    /// <summary>Gets descriptions of answering in the requested output form (the generic format skill, as it applies to an agent's action).</summary>
    public static IReadOnlyList<string> FormatDescriptions { get; } =
    [
        "Answer in the required format.",
        "Give only your final choice in the requested output format.",
        "End your reply with the answer written exactly in the form asked for.",
    ];
}
