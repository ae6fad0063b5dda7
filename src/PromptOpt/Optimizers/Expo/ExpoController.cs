using System.Globalization;
using Microsoft.Extensions.AI;
using PromptOpt.Decision;
using PromptOpt.Models;

namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// Runs EXPO / EXPO-ES (ALGORITHMS.md §1.2, §1.3) or one of its baselines online in a decision-making environment:
/// build the (D, I) domain, then each step pick an arm, let the agent act with that meta-prompt, and learn from the
/// reward.
/// </summary>
/// <remarks>
/// Cost: one agent call per step (plus whatever the domain source spends once). Network work per step: one fit of
/// at most K rows × epochs (EXPO), and for EXPO-ES one fit over the history plus L × snapshots forward passes.
/// A spent budget ends the run early with stop reason <c>budget</c>.
/// </remarks>
public sealed class ExpoController
{
    private readonly IChatClient _agent;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly IExpoDomainSource _domainSource;
    private readonly UsageMeter? _usage;

    /// <summary>Initializes a new instance of the <see cref="ExpoController"/> class.</summary>
    /// <param name="agent">The agent model (already wrapped in the middleware pipeline).</param>
    /// <param name="embedder">The embedder (e.g. <see cref="HashingEmbeddingGenerator"/>).</param>
    /// <param name="domainSource">The source of the D and I variants.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    /// <param name="usage">The usage meter for progress events, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ExpoController(
        IChatClient agent,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        IExpoDomainSource domainSource,
        ExpoOptions? options = null,
        UsageMeter? usage = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(domainSource);
        Options = options ?? new();
        Options.Validate();
        _agent = agent;
        _embedder = embedder;
        _domainSource = domainSource;
        _usage = usage;
    }

    /// <summary>Gets the options.</summary>
    public ExpoOptions Options { get; }

    /// <summary>Runs the strategy in <paramref name="environment"/> (a fresh instance; it is stepped in place).</summary>
    /// <param name="environment">The environment.</param>
    /// <param name="seed">The seed of arm and exemplar sampling and of the networks' initialisation.</param>
    /// <param name="progress">The progress sink, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The run result.</returns>
    public async Task<ExpoRunResult> RunAsync(
        DecisionEnvironment environment,
        int seed,
        IProgress<OptimizationEvent>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var o = Options;
        int steps = o.Steps ?? environment.Horizon;
        var random = new Random(seed);
        var domain = o.Strategy == ExpoStrategy.Fixed
            ? new ExpoDomain([environment.OriginalTaskDescription], [environment.OriginalMetaInstruction])
            : await _domainSource.GetDomainAsync(environment.OriginalMetaPrompt, o.DescriptionCount, o.InstructionCount, cancellationToken).ConfigureAwait(false);
        if (domain.Descriptions.Count == 0 || domain.Instructions.Count == 0)
        {
            throw new InvalidOperationException("The EXPO domain must hold at least one task description and one meta-instruction.");
        }

        int k2 = domain.Instructions.Count;
        var arms = domain.Descriptions
            .SelectMany((d, di) => domain.Instructions.Select((ins, ii) => new ExpoArm((di * k2) + ii, di, ii, new MetaPrompt(d, ins))))
            .ToArray();
        var policy = await CreatePolicyAsync(domain, arms.Length, steps, random, cancellationToken).ConfigureAwait(false);
        var selector = o.Strategy == ExpoStrategy.ExpoEs
            ? new NeuralExemplarSelector(_embedder, o.ExemplarNetwork with { Seed = random.Next() }, o.ExemplarCandidates, o.IncludeDefaultExemplars, o.MaxSnapshots,
                new ExponentialWeightsSampler(o.ExemplarEta ?? ExponentialWeightsSampler.DefaultEta(Math.Max(1, o.ExemplarCandidates), steps)))
            : null;

        progress?.Report(new RunStarted(Name(o.Strategy), steps, 0, null));
        var runner = new AgentRunner(_agent, o.Agent);
        var records = new List<ExpoStepRecord>(steps);
        var pulls = new int[arms.Length];
        string stop = "completed";
        double[] probabilities = policy.Probabilities();
        for (int t = 1; t <= steps; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int arm = ExponentialWeightsSampler.SampleIndex(probabilities, random);
            progress?.Report(new StepStarted(t, steps, $"arm {arm} (D{arms[arm].DescriptionIndex}, I{arms[arm].InstructionIndex})"));
            var choice = selector is null ? null : await selector.ChooseAsync(environment, random, cancellationToken).ConfigureAwait(false);
            StepRecord step;
            try
            {
                step = await runner.StepAsync(environment, arms[arm].MetaPrompt, choice?.Selection, cancellationToken).ConfigureAwait(false);
            }
            catch (BudgetExhaustedException)
            {
                stop = "budget";
                break;
            }

            pulls[arm]++;
            policy.Update(arm, step.Reward, probabilities[arm]);
            if (choice is not null)
            {
                selector!.Update(choice.Embedding, step.Reward);
            }

            records.Add(new ExpoStepRecord(t, arm, probabilities[arm], step.Reward, step.Parsed, step.Performance, step.Action, choice?.Count));
            probabilities = policy.Probabilities();
            progress?.Report(new StepCompleted(t, environment.CumulativeReward / t, _usage?.Snapshot() ?? new UsageMeter().Snapshot(),
                string.Create(CultureInfo.InvariantCulture, $"arm {arm}, reward {step.Reward:0.###}, {environment.PerformanceMeasureName} {step.Performance:0.###}")));
        }

        progress?.Report(new RunCompleted(stop));
        return new ExpoRunResult
        {
            Strategy = o.Strategy,
            Environment = environment.Name,
            Seed = seed,
            Arms = arms,
            Steps = records,
            PerformanceMeasureName = environment.PerformanceMeasureName,
            FinalPerformance = environment.Performance,
            CumulativeReward = environment.CumulativeReward,
            ParseFailures = environment.ParseFailures,
            ArmPulls = pulls,
            FinalProbabilities = probabilities,
            StopReason = stop,
        };
    }

    /// <summary>Converts a float vector to doubles.</summary>
    /// <param name="vector">The vector.</param>
    /// <returns>The copy.</returns>
    internal static double[] ToDouble(ReadOnlySpan<float> vector)
    {
        var x = new double[vector.Length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = vector[i];
        }

        return x;
    }

    private static string Name(ExpoStrategy strategy) => strategy switch
    {
        ExpoStrategy.Expo => "expo",
        ExpoStrategy.ExpoEs => "expo-es",
        ExpoStrategy.Fixed => "expo-fixed",
        ExpoStrategy.Uniform => "expo-uniform",
        ExpoStrategy.Exp3 => "expo-exp3",
        _ => "expo-epsilon-greedy",
    };

    private async Task<IArmPolicy> CreatePolicyAsync(ExpoDomain domain, int armCount, int steps, Random random, CancellationToken cancellationToken)
    {
        var o = Options;
        switch (o.Strategy)
        {
            case ExpoStrategy.Fixed:
                return new FixedArmPolicy(armCount);
            case ExpoStrategy.Uniform:
                return new UniformArmPolicy(armCount);
            case ExpoStrategy.Exp3:
                return new Exp3ArmPolicy(armCount, o.Exp3Eta ?? Math.Sqrt(2 * Math.Log(Math.Max(2, armCount)) / (armCount * (double)steps)), o.Gamma);
            case ExpoStrategy.EpsilonGreedy:
                return new EpsilonGreedyArmPolicy(armCount, o.Epsilon);
        }

        var d = await EmbedAsync(domain.Descriptions, cancellationToken).ConfigureAwait(false);
        var i = await EmbedAsync(domain.Instructions, cancellationToken).ConfigureAwait(false);
        if (o.JointArms)
        {
            // x(a) = [g(D); g(I)] (§1.2 step 1).
            var inputs = d.SelectMany(dx => i.Select(ix => dx.Concat(ix).ToArray())).ToArray();
            return new NeuralExpWeightsPolicy(inputs, o.Network with { Seed = random.Next() },
                o.Eta ?? ExponentialWeightsSampler.DefaultEta(armCount, steps), o.Gamma, o.Labels);
        }

        var pd = new NeuralExpWeightsPolicy(d, o.Network with { Seed = random.Next() },
            o.Eta ?? ExponentialWeightsSampler.DefaultEta(d.Length, steps), o.Gamma, o.Labels);
        var pi = new NeuralExpWeightsPolicy(i, o.Network with { Seed = random.Next() },
            o.Eta ?? ExponentialWeightsSampler.DefaultEta(i.Length, steps), o.Gamma, o.Labels);
        return new FactoredArmPolicy(pd, pi, i.Length);
    }

    private async Task<double[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var embeddings = await _embedder.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != texts.Count)
        {
            throw new InvalidOperationException($"The embedder returned {embeddings.Count} vectors for {texts.Count} texts.");
        }

        return embeddings.Select(e => ToDouble(e.Vector.Span)).ToArray();
    }
}
