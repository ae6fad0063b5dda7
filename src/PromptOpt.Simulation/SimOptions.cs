namespace PromptOpt.Simulation;

/// <summary>
/// Every number of the simulated world (SIMULATOR.md: "Everything below is a default: each number is an option of
/// SimOptions"). Do not change an instance after a <see cref="SimulatedWorld"/> was created from it. The class is
/// partial so the simulated agent's options can live beside its code.
/// </summary>
public sealed partial class SimOptions
{
    /// <summary>Gets or sets the world seed: every simulated draw is a hash of it and the request.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }

    /// <summary>Gets or sets the model name; the simulated client reports <see cref="GetModelIdentity"/> (this name, the seed and any non-default option) as its model id.</summary>
    /// <value>The default is <c>sim-1</c>.</value>
    public string ModelId { get; set; } = "sim-1";

    // ---- Task role (SIMULATOR.md v2): p_know = sigmoid(b_task − d_x + Σ_required … + Σ_generic a_g·w_g − λ_irr·… − λ_over·… − λ_len·… − λ_conf·… − Σ_m … + ω_P) ----

    /// <summary>Gets or sets the standard deviation of the per-example difficulty d ~ N(0, σ).</summary>
    /// <value>The default is 0.8.</value>
    public double DifficultyStdDev { get; set; } = 0.8;

    /// <summary>Gets or sets the default task-skill weight w_s (a <see cref="Data.TaskSkill.Weight"/> overrides it).</summary>
    /// <value>The default is 1.2.</value>
    public double TaskSkillWeight { get; set; } = 1.2;

    /// <summary>Gets or sets the version-1 generic-skill triggers; only the simulated agent still reads them (its format skill). The task role uses <see cref="SkillCatalogue.Generic"/>.</summary>
    /// <value>The default is <see cref="SimCatalog.GenericSkills"/>.</value>
    public IReadOnlyList<SimSkill> GenericSkills { get; set; } = SimCatalog.GenericSkills;

    /// <summary>Gets or sets c0, the cosine (sentence or clause against a skill description) at which a skill starts to activate.</summary>
    /// <value>The default is 0.50.</value>
    public double ActivationCosineLow { get; set; } = 0.50;

    /// <summary>Gets or sets c1, the cosine at which a skill is fully active: g = clamp((c − c0)/(c1 − c0), 0, 1).</summary>
    /// <value>The default is 0.80.</value>
    public double ActivationCosineHigh { get; set; } = 0.80;

    /// <summary>Gets or sets how much a task skill counts when it is active only in the system prompt.</summary>
    /// <value>The default is 0.5.</value>
    public double SystemTaskSkillFactor { get; set; } = 0.5;

    /// <summary>Gets or sets the difficulty added per generator level above 2 for built-in tasks: d = step·(level − 2) + N(0, <see cref="BuiltInDifficultyStdDev"/>). Our choice.</summary>
    /// <value>The default is 0.8.</value>
    public double LevelDifficultyStep { get; set; } = 0.8;

    /// <summary>Gets or sets the standard deviation of the hashed difficulty noise of built-in examples.</summary>
    /// <value>The default is 0.4.</value>
    public double BuiltInDifficultyStdDev { get; set; } = 0.4;

    /// <summary>Gets or sets the weight of the task-framing skill (required by every example).</summary>
    /// <value>The default is 0.8.</value>
    public double FramingWeight { get; set; } = 0.8;

    /// <summary>Gets or sets the default misconception weight w_m.</summary>
    /// <value>The default is 1.0.</value>
    public double MisconceptionWeight { get; set; } = 1.0;

    /// <summary>Gets or sets λ_irr, the distraction cost per unit of activation of a task skill the example does not need.</summary>
    /// <value>The default is 0.15.</value>
    public double DistractionPenalty { get; set; } = 0.15;

    /// <summary>Gets or sets how much an instruction sentence that activates no skill of the task counts in the distraction sum (as a skill active at this level that the example does not need). Our reading of "irrelevant instructions distract".</summary>
    /// <value>The default is 0.5.</value>
    public double IrrelevantSentenceWeight { get; set; } = 0.5;

    /// <summary>Gets or sets λ_over, the cost per active skill beyond <see cref="OverloadFreeSkills"/>.</summary>
    /// <value>The default is 0.15.</value>
    public double OverloadPenalty { get; set; } = 0.15;

    /// <summary>Gets or sets how many skills may be active before overload costs.</summary>
    /// <value>The default is 4.</value>
    public int OverloadFreeSkills { get; set; } = 4;

    /// <summary>Gets or sets the activation at which a skill counts as active for overload.</summary>
    /// <value>The default is 0.5.</value>
    public double OverloadActivation { get; set; } = 0.5;

    /// <summary>Gets or sets the standard deviation of the wording term ω_P ~ N(0, σ), from hash(seed, task, normalised prompt).</summary>
    /// <value>The default is 0.25.</value>
    public double WordingStdDev { get; set; } = 0.25;

    /// <summary>Gets or sets the uniform share of the guess prior π = share·uniform + (1 − share)·bias.</summary>
    /// <value>The default is 0.7.</value>
    public double GuessUniformShare { get; set; } = 0.7;

    /// <summary>Gets or sets how much each correct demonstration that shows the answer form adds to a_format.</summary>
    /// <value>The default is 0.15.</value>
    public double DemoFormatBoost { get; set; } = 0.15;

    /// <summary>Gets or sets how much each correct demonstration that shows reasoning adds to a_stepwise.</summary>
    /// <value>The default is 0.2.</value>
    public double DemoStepwiseBoost { get; set; } = 0.2;

    /// <summary>Gets or sets the weight with which demonstrations shift the guess prior towards their labels.</summary>
    /// <value>The default is 0.3.</value>
    public double DemoPriorShift { get; set; } = 0.3;

    /// <summary>Gets or sets the fraction of a correct demonstration's effects that a wrong-label demonstration has.</summary>
    /// <value>The default is 0.5.</value>
    public double WrongDemoFactor { get; set; } = 0.5;

    /// <summary>Gets or sets a directory of extra knowledge files (<c>&lt;dataset&gt;.json</c>), searched before the shipped ones; <see langword="null"/> for none.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? KnowledgeDirectory { get; set; }

    /// <summary>Gets or sets L0, the prompt length in tokens above which the length penalty applies.</summary>
    /// <value>The default is 350.</value>
    public double LengthThresholdTokens { get; set; } = 350;

    /// <summary>Gets or sets λ_len, the logit penalty per 100 tokens above <see cref="LengthThresholdTokens"/>.</summary>
    /// <value>The default is 0.3.</value>
    public double LengthPenalty { get; set; } = 0.3;

    /// <summary>Gets or sets λ_conflict, the logit penalty per conflict.</summary>
    /// <value>The default is 0.7.</value>
    public double ConflictPenalty { get; set; } = 0.7;

    /// <summary>Gets or sets the characters per token used to count prompt tokens (prompt text without the question).</summary>
    /// <value>The default is 4.</value>
    public double CharsPerToken { get; set; } = 4;

    /// <summary>Gets or sets the probability that, without <c>format</c>, the answer is wrapped in a verbose sentence.</summary>
    /// <value>The default is 0.5.</value>
    public double VerboseRate { get; set; } = 0.5;

    /// <summary>Gets or sets the probability that, without <c>format</c>, no answer can be parsed at all.</summary>
    /// <value>The default is 0.1.</value>
    public double UnparseableRate { get; set; } = 0.1;

    // ---- Optimizer role (SIMULATOR.md, "Optimizer role: the operations") ----

    /// <summary>Gets or sets the probability that an analysis of a failure names a required skill the prompt lacks (else a random skill).</summary>
    /// <value>The default is 0.7.</value>
    public double AnalyzeHitRate { get; set; } = 0.7;

    /// <summary>Gets or sets the probability that a proposal adds a harmful or contradictory sentence.</summary>
    /// <value>The default is 0.05.</value>
    public double HarmfulEditRate { get; set; } = 0.05;

    /// <summary>Gets or sets the probability that the writer understands each task skill from demonstrations (every operation alike).</summary>
    /// <value>The default is 0.3.</value>
    public double UnderstandRate { get; set; } = 0.3;

    /// <summary>Gets or sets the probability that an OPRO proposal adds one diagnosed or understood skill.</summary>
    /// <value>The default is 0.5.</value>
    public double HistoryAddSkillRate { get; set; } = 0.5;

    /// <summary>Gets or sets the probability that an EXPO variant carries each agent skill.</summary>
    /// <value>The default is 0.35.</value>
    public double VariantAgentSkillRate { get; set; } = 0.35;

    /// <summary>Gets or sets the probability that an optimizer reply omits its tag (to exercise retries). Not in SIMULATOR.md, so off.</summary>
    /// <value>The default is 0.</value>
    public double MissingTagRate { get; set; }

    /// <summary>Gets or sets the probability that a rewritten user prompt loses the question placeholder. Not in SIMULATOR.md, so off.</summary>
    /// <value>The default is 0.</value>
    public double PlaceholderLossRate { get; set; }

    /// <summary>
    /// Gets the simulated model's identity (SIMULATOR.md "Serving it over HTTP"): <see cref="ModelId"/> and the world
    /// seed, e.g. <c>sim-1@seed42</c>, followed by <c>+</c> and a fingerprint of the other options when any differs from
    /// its default. Two worlds answer alike only if their identities are equal, so the simulated client reports this as
    /// its model id and a response cache (keyed by it) never answers one world's call with another's.
    /// </summary>
    /// <returns>The identity.</returns>
    public string GetModelIdentity()
    {
        var id = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ModelId}@seed{Seed}");
        var world = WorldFingerprint(this);
        return world == DefaultWorldFingerprint.Value ? id : id + "+" + world;
    }

    /// <summary>A fingerprint of every option except the seed and the model id (which the identity shows in clear).</summary>
    private static string WorldFingerprint(SimOptions options)
    {
        var o = options.Clone();
        o.Seed = 0;
        o.ModelId = string.Empty;
        var json = System.Text.Json.JsonSerializer.Serialize(o, FingerprintJson);
        return StableHash.Hash("sim-world", json).ToString("x12", System.Globalization.CultureInfo.InvariantCulture)[..12];
    }

    private static readonly System.Text.Json.JsonSerializerOptions FingerprintJson = new();

    private static readonly Lazy<string> DefaultWorldFingerprint = new(() => WorldFingerprint(new SimOptions()));

    /// <summary>Returns a shallow copy (lists of skills and conflicts are shared; they are read-only).</summary>
    /// <returns>The copy.</returns>
    public SimOptions Clone() => (SimOptions)MemberwiseClone();

    /// <summary>Gets or sets the largest number of failures an analysis or diagnosis reads.</summary>
    /// <value>The default is 10.</value>
    public int MaxFailuresRead { get; set; } = 10;
}
