namespace PromptOpt.Prompts;

/// <summary>
/// The names of the shared LLM operations, carried in <see cref="Models.LlmOperation.Name"/> (and so in
/// <c>promptopt.op</c>), which the simulator dispatches on. One implementation of each lives in <see cref="PromptOperations"/>.
/// </summary>
public static class OperationNames
{
    /// <summary>Analyse why a prompt failed on examples (MetaSPO user/system analyzer); reply in <c>&lt;analysis&gt;</c>.</summary>
    public const string AnalyzeFailures = "analyze_failures";

    /// <summary>Write an improved prompt from an analysis (MetaSPO user/system generator).</summary>
    public const string GenerateFromAnalysis = "generate_from_analysis";

    /// <summary>Rewrite one sentence of a prompt given failures (Dual-Phase phase 2); reply in <c>&lt;sentence&gt;</c>.</summary>
    public const string RewriteSentence = "rewrite_sentence";

    /// <summary>Write a sectioned initial prompt from demos and a skeleton (Dual-Phase phase 1); reply in <c>&lt;prompt&gt;</c>.</summary>
    public const string WriteInitialPrompt = "write_initial_prompt";

    /// <summary>Induce an instruction from demos (APE); reply in <c>&lt;instruction&gt;</c>.</summary>
    public const string InduceInstruction = "induce_instruction";

    /// <summary>A meaning-preserving variant of a prompt (APE resample, ProTeGi Monte-Carlo); reply in <c>&lt;prompt&gt;</c>.</summary>
    public const string Paraphrase = "paraphrase";

    /// <summary>Propose new instructions from a scored history (OPRO); reply in several <c>&lt;instruction&gt;</c> blocks.</summary>
    public const string ProposeFromHistory = "propose_from_history";

    /// <summary>Give reasons why a prompt fails on errors (ProTeGi "gradient"); reply in several <c>&lt;reason&gt;</c> blocks.</summary>
    public const string TextualGradient = "textual_gradient";

    /// <summary>Edit a prompt to fix a textual gradient (ProTeGi); reply in <c>&lt;prompt&gt;</c>.</summary>
    public const string ApplyGradient = "apply_gradient";

    /// <summary>Write variants of a task description or meta-instruction (EXPO); reply in several <c>&lt;variant&gt;</c> blocks.</summary>
    public const string GenerateVariants = "generate_variants";

    /// <summary>GEPA's reflective mutation: a new text for one component from the minibatch with the metric's feedback; reply in <c>&lt;new_text&gt;</c>.</summary>
    public const string ReflectComponent = "reflect_component";

    /// <summary>MIPROv2's data summary: describe the training set from a sample of it; reply in <c>&lt;summary&gt;</c>.</summary>
    public const string SummarizeData = "summarize_data";

    /// <summary>MIPROv2's grounded instruction proposal (data summary, demos, current instruction, a tip); reply in <c>&lt;instruction&gt;</c>.</summary>
    public const string ProposeInstruction = "propose_instruction";

    /// <summary>The agent acting in a decision environment (EXPO); the simulator delegates it to <c>Simulation.SimulatedAgent</c>.</summary>
    public const string AgentAct = "agent_act";
}

/// <summary>The keys of <see cref="Models.LlmOperation.Args"/> written by <see cref="PromptOperations"/> and read by the simulator.</summary>
public static class OperationArgKeys
{
    /// <summary>The current prompt: an object <c>{"system": string|null, "user": string}</c>.</summary>
    public const string Prompt = "prompt";

    /// <summary>The prompt part an operation works on: <c>user</c>, <c>system</c> or <c>whole</c> (see <see cref="PromptTarget"/>).</summary>
    public const string Target = "target";

    /// <summary>The failures: an array of <c>{"input", "output", "prediction", "expected"}</c>.</summary>
    public const string Failures = "failures";

    /// <summary>The analysis text (or a textual gradient) a generation works from.</summary>
    public const string Analysis = "analysis";

    /// <summary>The full prompt text (sentence rewrite).</summary>
    public const string Text = "text";

    /// <summary>The sentence index (sentence rewrite).</summary>
    public const string Index = "index";

    /// <summary>The sentence to rewrite.</summary>
    public const string Sentence = "sentence";

    /// <summary>Demonstrations: an array of <c>{"input", "output"}</c>.</summary>
    public const string Demos = "demos";

    /// <summary>The section names of an initial-prompt skeleton.</summary>
    public const string Skeleton = "skeleton";

    /// <summary>The scored history: an array of <c>{"instruction", "score"}</c> in ascending score order.</summary>
    public const string History = "history";

    /// <summary>The number of items asked for.</summary>
    public const string Count = "count";

    /// <summary>Examples with feedback (GEPA reflection): an array of <c>{"input", "output", "prediction", "expected", "feedback", "score"}</c>.</summary>
    public const string Examples = "examples";

    /// <summary>A data summary (MIPROv2 proposal).</summary>
    public const string Summary = "summary";

    /// <summary>A proposal tip (MIPROv2 proposal).</summary>
    public const string Tip = "tip";

    /// <summary>What a variant is of: <c>task_description</c> or <c>meta_instruction</c>.</summary>
    public const string Kind = "kind";
}
