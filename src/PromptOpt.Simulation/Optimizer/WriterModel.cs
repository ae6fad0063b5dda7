using System.Text.RegularExpressions;
using PromptOpt.Prompts;

namespace PromptOpt.Simulation;

/// <summary>What a request's own text asks the writer to write (SIMULATOR.md v2, "Writer").</summary>
/// <param name="Format">An "output format" section or line: write the format skill.</param>
/// <param name="Stepwise">A "reasoning steps"/"reasoning process" section: write the stepwise skill.</param>
/// <param name="Tips">"Tips"/"key rules"/expert advice: write the skills the writer understands.</param>
public readonly record struct WriterAsks(bool Format, bool Stepwise, bool Tips);

/// <summary>
/// The one writer of the optimizer role (SIMULATOR.md v2): every operation that writes text uses it. It renders each
/// requested content item as a sentence from the skill's phrase bank (seeded), keeps what it is asked to keep, and with
/// probability <see cref="SimOptions.HarmfulEditRate"/> adds a harmful sentence (a misconception of the task or one side
/// of a contradiction). What it writes comes from the request's own text (<see cref="Asks"/>, <see cref="SkillsNamedIn"/>),
/// from the shared diagnosis, or from understanding demonstrations (each task skill with <see cref="SimOptions.UnderstandRate"/>,
/// the same for every operation). No operation is favoured by its name or its section headings.
/// </summary>
/// <remarks>Entry points for new operations: <c>world.Writer.Render</c>, <c>AddSkills</c>, <c>Paraphrase</c>, <c>Understand</c>, <c>Variants</c>, <c>Finish</c>.</remarks>
public sealed partial class WriterModel
{
    private readonly SimulatedWorld _world;

    internal WriterModel(SimulatedWorld world) => _world = world;

    private SimOptions Options => _world.Options;

    /// <summary>Renders a skill as one sentence of its phrase bank.</summary>
    /// <param name="skill">The skill.</param>
    /// <param name="rng">The draw source.</param>
    /// <param name="avoid">A sentence not to repeat (for paraphrases), or <see langword="null"/>.</param>
    /// <returns>The sentence.</returns>
#pragma warning disable CA1822 // an instance member: the writer is the one entry point operations call
    public string Render(SkillDescriptor skill, Random rng, string? avoid = null)
    {
        ArgumentNullException.ThrowIfNull(skill);
        ArgumentNullException.ThrowIfNull(rng);
        var bank = skill.Phrases.Count > 0 ? skill.Phrases : skill.Descriptions;
        var choices = avoid is null ? bank : bank.Where(p => !string.Equals(p.Trim(), avoid.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        if (choices.Count == 0)
        {
            choices = bank;
        }

        return choices[rng.Next(choices.Count)];
    }
#pragma warning restore CA1822

    /// <summary>What the request's own text asks for (its embedded prompts, failures, demonstrations and history removed).</summary>
    /// <param name="requestText">The request's text.</param>
    /// <returns>The asks.</returns>
    public static WriterAsks Asks(string requestText)
    {
        ArgumentNullException.ThrowIfNull(requestText);
        var own = OwnText(requestText);
        return new WriterAsks(FormatAsk().IsMatch(own), StepwiseAsk().IsMatch(own), TipsAsk().IsMatch(own));
    }

    /// <summary>The skills a text names (an analysis or gradient): each sentence and each quoted phrase activates the catalogue; a ≥ 0.5 counts.</summary>
    /// <param name="text">The text.</param>
    /// <param name="catalogue">The skills to look for.</param>
    /// <returns>The named skills, strongest first.</returns>
    public IReadOnlyList<SkillDescriptor> SkillsNamedIn(string text, IReadOnlyList<SkillDescriptor> catalogue)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(catalogue);
        var quoted = Quoted().Matches(text).Select(m => m.Groups[1].Value);
        var reading = PromptReader.Read(null, string.Join("\n", quoted.Prepend(text)), charsPerToken: Options.CharsPerToken);
        var a = SkillActivation.Activate(reading, catalogue, Options);
        return catalogue.Where(s => a[s.Name] >= 0.5).OrderByDescending(s => a[s.Name]).ToList();
    }

    /// <summary>Gets the activation of every catalogue skill by a prompt text (as a user prompt).</summary>
    /// <param name="text">The text.</param>
    /// <param name="catalogue">The skills.</param>
    /// <returns>The activations.</returns>
    public ActivationResult Read(string text, IReadOnlyList<SkillDescriptor> catalogue) =>
        SkillActivation.Activate(PromptReader.Read(null, text ?? string.Empty, charsPerToken: Options.CharsPerToken), catalogue, Options);

    /// <summary>Understanding from demonstrations: each task skill with probability <see cref="SimOptions.UnderstandRate"/> (the same for every operation).</summary>
    /// <param name="task">The task of the demonstrations, or <see langword="null"/> when unknown (nothing understood).</param>
    /// <param name="rng">The draw source.</param>
    /// <returns>The understood skills.</returns>
    internal IReadOnlyList<SkillDescriptor> Understand(SimTask? task, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var understood = new List<SkillDescriptor>();
        foreach (var s in task?.Knowledge.Skills ?? [])
        {
            if (rng.NextDouble() < Options.UnderstandRate)
            {
                understood.Add(s.Skill);
            }
        }

        return understood;
    }

    /// <summary>Adds a sentence for each skill the text does not carry yet (a &lt; 0.5): before the question line of a user prompt, else at the end.</summary>
    /// <param name="text">The text.</param>
    /// <param name="skills">The skills to write.</param>
    /// <param name="rng">The draw source.</param>
    /// <returns>The text with the sentences.</returns>
    public string AddSkills(string text, IEnumerable<SkillDescriptor> skills, Random rng)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(skills);
        var list = skills.DistinctBy(s => s.Name).ToList();
        if (list.Count == 0)
        {
            return text;
        }

        var present = Read(text, list);
        foreach (var s in list)
        {
            if (present[s.Name] < 0.5)
            {
                text = SimText.AddSentence(text, Render(s, rng));
            }
        }

        return text;
    }

    /// <summary>
    /// Paraphrases a text: each instruction sentence that carries a skill (a ≥ 0.5; the strongest) is re-rendered from
    /// another phrase of the same skill; other sentences, sentences naming a literal form (answer tags), headings and the
    /// question line are kept.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="catalogue">The skills sentences are recognised by.</param>
    /// <param name="rng">The draw source.</param>
    /// <param name="keep">Skills whose sentences are kept verbatim, or <see langword="null"/>.</param>
    /// <returns>The paraphrase.</returns>
    public string Paraphrase(string text, IReadOnlyList<SkillDescriptor> catalogue, Random rng, IReadOnlySet<string>? keep = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(catalogue);
        var view = SentenceView.Parse(text);
        foreach (int i in view.EditableIndices)
        {
            var sentence = view[i].Text;
            if (sentence.Contains('<', StringComparison.Ordinal))
            {
                continue; // a sentence naming a literal form (answer tags) keeps it: a paraphrase keeps the meaning
            }

            var marker = SimText.ListMarkerOf(sentence);
            var body = sentence[marker.Length..];
            var a = Read(body, catalogue);
            var best = catalogue.Where(s => a[s.Name] >= 0.5).OrderByDescending(s => a[s.Name]).FirstOrDefault();
            if (best is null || (keep?.Contains(best.Name) ?? false))
            {
                continue;
            }

            view = view.WithSentence(i, marker + Render(best, rng, body));
        }

        return view.Join();
    }

    /// <summary>With probability <see cref="SimOptions.HarmfulEditRate"/>, adds a harmful sentence: a misconception of the task, or one side of a contradiction.</summary>
    /// <param name="text">The text.</param>
    /// <param name="task">The task, or <see langword="null"/>.</param>
    /// <param name="rng">The draw source.</param>
    /// <returns>The text, possibly with the harmful sentence.</returns>
    internal string Finish(string text, SimTask? task, Random rng)
    {
        if (rng.NextDouble() >= Options.HarmfulEditRate)
        {
            return text;
        }

        var pool = (task?.Knowledge.Misconceptions ?? []).Concat(SkillCatalogue.ConflictSides).ToList();
        return SimText.AddSentence(text, Render(pool[rng.Next(pool.Count)], rng));
    }

    /// <summary>
    /// Variants (EXPO): each variant is a paraphrase of <paramref name="text"/> that carries each skill of
    /// <paramref name="pool"/> with probability <see cref="SimOptions.VariantAgentSkillRate"/>.
    /// </summary>
    /// <param name="text">The original.</param>
    /// <param name="pool">The skills a variant may carry (the agent skills).</param>
    /// <param name="count">How many variants.</param>
    /// <param name="rng">The draw source.</param>
    /// <returns>The variants.</returns>
    public IReadOnlyList<string> Variants(string text, IReadOnlyList<SkillDescriptor> pool, int count, Random rng)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(pool);
        var variants = new List<string>();
        for (int k = 0; k < count; k++)
        {
            var v = Paraphrase(text, pool, rng);
            var add = pool.Where(_ => rng.NextDouble() < Options.VariantAgentSkillRate).ToList();
            variants.Add(AddSkills(v, add, rng));
        }

        return variants;
    }

    /// <summary>The request text without what it quotes: tagged blocks, labelled example lines and history lines.</summary>
    private static string OwnText(string text)
    {
        var t = TaggedBlock().Replace(text, " ");
        return string.Join("\n", t.Split('\n').Where(l => !LabelledLine().IsMatch(l)));
    }

    [GeneratedRegex(@"<(\w+)>.*?</\1>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex TaggedBlock();

    [GeneratedRegex(@"^\s*(?:input|output|q|a|text|score|instruction)\s*:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LabelledLine();

    [GeneratedRegex(@"(?<!keep any required )\b(?:output format|answer format|format of the (?:answer|output)|output and format)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FormatAsk();

    [GeneratedRegex(@"\b(?:reasoning (?:steps|process)|numbered steps|steps of reasoning)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StepwiseAsk();

    [GeneratedRegex(@"\b(?:tips?|key rules|expert advice|advice an expert)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TipsAsk();

    [GeneratedRegex(@"[""“]([^""”]{8,})[""”]", RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();
}
