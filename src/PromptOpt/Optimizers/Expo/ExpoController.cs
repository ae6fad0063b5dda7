using System.Globalization;
using Microsoft.Extensions.AI;
using PromptOpt.Decision;
using PromptOpt.Models;
using PromptOpt.Storage;

namespace PromptOpt.Optimizers.Expo;

/// <summary>
/// Runs EXPO / EXPO-ES (ALGORITHMS.md §1.2, §1.3) or one of its baselines online in a decision-making environment:
/// build the (D, I) domain, then each step pick an arm, let the agent act with that meta-prompt, and learn from the
/// reward.
/// </summary>
/// <remarks>
/// Cost: one agent call per step (plus whatever the domain source spends once). A provider embedder adds one embedding
/// call for the descriptions and one for the instructions (once), and for EXPO-ES one per step with a choice of exemplar
/// sets; the built-in hashing embedder costs nothing. Network work per step: one fit of
/// at most K rows × epochs (EXPO), and for EXPO-ES one fit over the history plus L × snapshots forward passes.
/// A spent budget ends the run early with stop reason <c>budget</c>. With the run's checkpoints, a replay takes each
/// step's network outputs from them instead of fitting (<see cref="ScoreNetworkReplay"/>).
/// </remarks>
public sealed class ExpoController
{
    private static readonly UsageSnapshot EmptyUsage = new UsageMeter().Snapshot();

    private readonly IChatClient _agent;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly IExpoDomainSource _domainSource;
    private readonly UsageMeter? _usage;
    private readonly RunCheckpoints? _checkpoints;

    /// <summary>Initializes a new instance of the <see cref="ExpoController"/> class.</summary>
    /// <param name="agent">The agent model (already wrapped in the middleware pipeline).</param>
    /// <param name="embedder">The embedder (e.g. <see cref="HashingEmbeddingGenerator"/>).</param>
    /// <param name="domainSource">The source of the D and I variants.</param>
    /// <param name="options">The options, or <see langword="null"/> for defaults.</param>
    /// <param name="usage">The usage meter for progress events, or <see langword="null"/>.</param>
    /// <param name="checkpoints">
    /// The run's checkpoints, or <see langword="null"/>: each step's score-network outputs are stored there, and a replay
    /// of the run (the same model replies, e.g. from the response cache) takes them instead of refitting.
    /// </param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ExpoController(
        IChatClient agent,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        IExpoDomainSource domainSource,
        ExpoOptions? options = null,
        UsageMeter? usage = null,
        RunCheckpoints? checkpoints = null)
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
        _checkpoints = checkpoints;
    }

    /// <summary>Gets the options.</summary>
    public ExpoOptions Options { get; }

    /// <summary>
    /// Gets or sets whether the arm network is fitted for each possible reward while the agent acts: <see langword="null"/>
    /// (the default) when the agent's last reply took at least half as long as the last fit, <see langword="true"/> whenever the
    /// environment lists its rewards, <see langword="false"/> never. It changes the time a step takes, never its result.
    /// </summary>
    internal bool? Speculation { get; set; }

    /// <summary>Gets the steps of the last run whose fit was a speculative one (for tests).</summary>
    internal int SpeculativeHits { get; private set; }

    /// <summary>Runs the strategy in <paramref name="environment"/> (a fresh instance; it is stepped in place).</summary>
    /// <param name="environment">The environment.</param>
    /// <param name="seed">The seed of arm and exemplar sampling and of the networks' initialisation.</param>
    /// <param name="progress">
    /// The progress sink, or <see langword="null"/>: <see cref="RunStarted"/> with the call estimate before the first
    /// call, <see cref="StepStarted"/> and <see cref="StepCompleted"/> per step (its score is the environment's headline
    /// measure, see <see cref="HeadlineValue"/>; its detail names the arm, its probability, the reward, the measure and the
    /// three most likely arms), notices, and <see cref="RunCompleted"/>.
    /// </param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The run result; a spent budget ends the run early with stop reason <c>budget</c>.</returns>
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
        bool isFixed = o.Strategy == ExpoStrategy.Fixed;
        bool compare = o.CompareWithOriginal && !isFixed;
        long domainCalls = isFixed ? 0 : _domainSource.EstimatedCalls(o.DescriptionCount, o.InstructionCount);
        long callsAtStart = ChargedCalls();
        progress?.Report(new RunStarted(ExpoNames.Of(o.Strategy), steps * (compare ? 2L : 1L), domainCalls, BudgetWarning(domainCalls)));

        // §1.2 step 1: the domain (k1 descriptions × k2 instructions, originals first).
        string stop = "completed";
        var original = new ExpoDomain([environment.OriginalTaskDescription], [environment.OriginalMetaInstruction]);
        ExpoDomain domain;
        try
        {
            domain = isFixed ? original
                : await _domainSource.GetDomainAsync(environment.OriginalMetaPrompt, o.DescriptionCount, o.InstructionCount, cancellationToken).ConfigureAwait(false);
        }
        catch (BudgetExhaustedException ex)
        {
            progress?.Report(new RunNotice("the budget ran out while writing the meta-prompt variants: " + ex.Message));
            domain = original;
            stop = "budget";
        }

        if (domain.Descriptions.Count == 0 || domain.Instructions.Count == 0)
        {
            throw new InvalidOperationException("The EXPO domain must hold at least one task description and one meta-instruction.");
        }

        int k2 = domain.Instructions.Count;
        var arms = domain.Descriptions
            .SelectMany((d, di) => domain.Instructions.Select((ins, ii) => new ExpoArm((di * k2) + ii, di, ii, new MetaPrompt(d, ins))))
            .ToArray();
        IArmPolicy policy;
        var learners = new List<ScoreNetworkReplay>();
        try
        {
            policy = await CreatePolicyAsync(domain, arms.Length, steps, random, learners, cancellationToken).ConfigureAwait(false);
        }
        catch (BudgetExhaustedException ex)
        {
            // A metered (provider) embedder can meet a spent token or dollar budget before the first step.
            progress?.Report(new RunNotice("the budget ran out while embedding the arms: " + ex.Message));
            policy = new UniformArmPolicy(arms.Length);
            stop = "budget";
        }

        var selector = o.Strategy == ExpoStrategy.ExpoEs
            ? new NeuralExemplarSelector(_embedder, o.ExemplarNetwork with { Seed = random.Next() }, o.ExemplarCandidates, o.IncludeDefaultExemplars, o.ExemplarSubsetsKeepBest, o.MaxSnapshots,
                new ExponentialWeightsSampler(o.ExemplarEta ?? ExponentialWeightsSampler.DefaultEta(Math.Max(1, o.ExemplarCandidates), steps)), _checkpoints)
            : null;

        var runner = new AgentRunner(_agent, o.Agent);
        var records = new List<ExpoStepRecord>(steps);
        var history = new List<IReadOnlyList<double>>(steps);
        var pulls = new int[arms.Length];
        double[] probabilities = policy.Probabilities();
        var speculative = policy as ISpeculativeArmPolicy;
        using var ownedPolicy = policy as IDisposable; // ends the speculative fits' threads with the run
        var agentTime = TimeSpan.Zero;
        for (int t = 1; t <= steps && stop == "completed"; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // §1.2 steps 3.1–3.2: a_t ~ P_t.
            int arm = ExponentialWeightsSampler.SampleIndex(probabilities, random);
            progress?.Report(new StepStarted(t, steps, $"arm {arm} (D{arms[arm].DescriptionIndex}, I{arms[arm].InstructionIndex})"));
            ExemplarChoice? choice;
            StepRecord step;
            try
            {
                choice = selector is null ? null : await selector.ChooseAsync(environment, random, cancellationToken).ConfigureAwait(false);

                // §1.2 steps 3.3–3.5: render Q_t, the agent acts, the environment scores it and extends the history. The
                // call is sent first, so nothing below delays it.
                long agentStarted = TimeProvider.System.GetTimestamp();
                var acting = runner.StepAsync(environment, arms[arm].MetaPrompt, choice?.Selection, cancellationToken);

                // While the agent acts, fit the network for each reward the step can score (a bandit's 0 and 1); the update
                // keeps the fit that matches. No random draw, no change to the result: the fit just starts sooner. Only
                // worth its extra CPU while the agent's replies take a good part of a fit (a remote model, not a cache hit
                // or an in-process simulator; half, because the last fit may have been a speculative one sharing the cores
                // with another); that choice changes the time a step takes, never its result. The policy's state the fits
                // read does not change until the update, and the agent's step touches only the environment.
                if (speculative is not null && environment.PossibleRewards is { } rewards && (Speculation ?? agentTime >= speculative.LastFitDuration / 2))
                {
                    speculative.Speculate(arm, probabilities[arm], rewards);
                }

                step = await acting.ConfigureAwait(false);
                agentTime = TimeProvider.System.GetElapsedTime(agentStarted);
            }
            catch (BudgetExhaustedException)
            {
                stop = "budget";
                break;
            }
            finally
            {
                if (speculative is not null)
                {
                    await speculative.SettleAsync().ConfigureAwait(false);
                }
            }

            pulls[arm]++;
            history.Add(probabilities);

            // §1.2 steps 3.6–3.7 (and §1.3 for the exemplar network): learn from r_t, update every arm's score.
            policy.Update(arm, step.Reward, probabilities[arm]);
            if (choice is not null)
            {
                selector!.Update(choice.Embedding, step.Reward);
            }

            if (_checkpoints is not null)
            {
                await _checkpoints.SaveAsync().ConfigureAwait(false);
            }

            var record = new ExpoStepRecord(t, arm, probabilities[arm], step.Reward, step.Parsed, step.Performance, step.Action, choice?.Count,
                step.CumulativeRegret, step.BestValue, Calls(callsAtStart, t));
            records.Add(record);
            var p = probabilities;
            probabilities = policy.Probabilities();
            progress?.Report(new StepCompleted(t, HeadlineValue(environment.Kind, record), _usage?.Snapshot() ?? EmptyUsage, Describe(environment, record, p, probabilities)));
        }

        var baseline = compare && stop == "completed"
            ? await RunOriginalAsync(environment, steps, callsAtStart, progress, cancellationToken).ConfigureAwait(false)
            : ([], stop);
        stop = baseline.Stop;

        if (selector?.Replay is { } exemplars)
        {
            learners.Add(exemplars);
        }

        int fits = learners.Sum(l => l.Fits), replayed = learners.Sum(l => l.Replayed);
        if (replayed > 0)
        {
            progress?.Report(new RunNotice(string.Create(CultureInfo.InvariantCulture,
                $"score networks: {replayed} step outputs replayed from the run's checkpoints, {fits} fits run")));
        }

        SpeculativeHits = (policy as NeuralExpWeightsPolicy)?.SpeculativeHits ?? 0;
        progress?.Report(new RunCompleted(stop));
        return new ExpoRunResult
        {
            Strategy = o.Strategy,
            Environment = environment.Name,
            Kind = environment.Kind,
            Seed = seed,
            Arms = arms,
            Steps = records,
            ProbabilityHistory = history,
            PerformanceMeasureName = environment.PerformanceMeasureName,
            FinalPerformance = environment.Performance,
            FinalCumulativeRegret = environment.CumulativeRegret,
            BestValueName = environment.BestValueName,
            BestValueHigherIsBetter = environment.BestValueHigherIsBetter,
            FinalBestValue = environment.BestValue,
            CumulativeReward = environment.CumulativeReward,
            ParseFailures = environment.ParseFailures,
            ArmPulls = pulls,
            FinalProbabilities = probabilities,
            OriginalBaseline = baseline.Steps,
            StopReason = stop,
            NetworkFits = fits,
            ReplayedNetworkOutputs = replayed,
        };
    }

    /// <summary>
    /// Gets the headline measure of a step for progress and trajectories: the cumulative regret for bandits, the best
    /// objective value so far (best loss, best tour length) for black-box tasks.
    /// </summary>
    /// <param name="kind">The environment family.</param>
    /// <param name="step">The step.</param>
    /// <returns>The value.</returns>
    public static double HeadlineValue(DecisionTaskKind kind, ExpoStepRecord step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return kind == DecisionTaskKind.Bandit ? step.CumulativeRegret : step.BestValue;
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

    /// <summary>The step's one-line summary: "arm 3 (p=0.21), reward 1, regret 4.2; top arms 3 (0.21), 7 (0.15), 12 (0.09)".</summary>
    internal static string Describe(DecisionEnvironment environment, ExpoStepRecord step, IReadOnlyList<double> used, IReadOnlyList<double> next)
    {
        var measure = environment.Kind == DecisionTaskKind.Bandit
            ? string.Create(CultureInfo.InvariantCulture, $"regret {step.CumulativeRegret:0.##}")
            : string.Create(CultureInfo.InvariantCulture, $"{environment.BestValueName.Replace('_', ' ')} {step.BestValue:0.##}");
        var top = string.Join(", ", Top(next, 3).Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Arm} ({a.P:0.00})")));
        var reward = step.Parsed ? step.Reward.ToString("0.###", CultureInfo.InvariantCulture) : "0 (unparseable)";
        return string.Create(CultureInfo.InvariantCulture, $"arm {step.Arm} (p={used[step.Arm]:0.00}), reward {reward}, {measure}; top arms {top}");
    }

    /// <summary>The <paramref name="count"/> most likely arms, largest first (ties: lower index first).</summary>
    internal static IEnumerable<(int Arm, double P)> Top(IReadOnlyList<double> probabilities, int count) =>
        probabilities.Select((p, a) => (Arm: a, P: p)).OrderByDescending(x => x.P).ThenBy(x => x.Arm).Take(count);

    private long ChargedCalls()
    {
        if (_usage is null)
        {
            return 0;
        }

        var u = _usage.Snapshot();
        return u.For(ModelRoles.Task).Calls + u.For(ModelRoles.Optimizer).Calls + u.For(ModelRoles.Agent).Calls;
    }

    /// <summary>Calls used so far: from the meter when there is one, else the domain's estimate plus one agent call per step.</summary>
    private long Calls(long callsAtStart, int agentSteps) =>
        _usage is null ? _domainSource.EstimatedCalls(Options.DescriptionCount, Options.InstructionCount) + agentSteps : ChargedCalls() - callsAtStart;

    private string? BudgetWarning(long domainCalls)
    {
        var b = _usage?.Budget;
        if (b is null)
        {
            return null;
        }

        return (b.MaxTaskCalls is < 1) || (b.MaxOptimizerCalls is { } m && m < domainCalls)
            ? $"the budget ({b}) is too small for one meaningful {ExpoNames.Of(Options.Strategy)} step, which needs {domainCalls} optimizer calls for the meta-prompt variants and 1 agent call"
            : null;
    }

    /// <summary>The comparison run: the original meta-prompt in a fresh copy of the environment (same seed, options and steps).</summary>
    private async Task<(IReadOnlyList<ExpoStepRecord> Steps, string Stop)> RunOriginalAsync(
        DecisionEnvironment environment, int steps, long callsAtStart, IProgress<OptimizationEvent>? progress, CancellationToken cancellationToken)
    {
        var copy = environment.CreateFresh();
        progress?.Report(new RunNotice(string.Create(CultureInfo.InvariantCulture, $"comparison: the original meta-prompt for {steps} steps in the same environment")));
        var runner = new AgentRunner(_agent, Options.Agent);
        var records = new List<ExpoStepRecord>(steps);
        for (int t = 1; t <= steps; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            StepRecord step;
            try
            {
                step = await runner.StepAsync(copy, copy.OriginalMetaPrompt, null, cancellationToken).ConfigureAwait(false);
            }
            catch (BudgetExhaustedException)
            {
                progress?.Report(new RunNotice(string.Create(CultureInfo.InvariantCulture, $"the budget ran out after {t - 1} comparison steps")));
                return (records, "budget");
            }

            records.Add(new ExpoStepRecord(t, 0, 1, step.Reward, step.Parsed, step.Performance, step.Action, null, step.CumulativeRegret, step.BestValue, ChargedCalls() - callsAtStart));
        }

        return (records, "completed");
    }

    private async Task<IArmPolicy> CreatePolicyAsync(ExpoDomain domain, int armCount, int steps, Random random, List<ScoreNetworkReplay> learners, CancellationToken cancellationToken)
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
            var joint = new NeuralExpWeightsPolicy(inputs, o.Network with { Seed = random.Next() },
                o.Eta ?? ExponentialWeightsSampler.DefaultEta(armCount, steps), o.Gamma, o.Labels, _checkpoints, "expo.arms");
            learners.Add(joint.Replay);
            return joint;
        }

        var pd = new NeuralExpWeightsPolicy(d, o.Network with { Seed = random.Next() },
            o.Eta ?? ExponentialWeightsSampler.DefaultEta(d.Length, steps), o.Gamma, o.Labels, _checkpoints, "expo.descriptions");
        var pi = new NeuralExpWeightsPolicy(i, o.Network with { Seed = random.Next() },
            o.Eta ?? ExponentialWeightsSampler.DefaultEta(i.Length, steps), o.Gamma, o.Labels, _checkpoints, "expo.instructions");
        learners.Add(pd.Replay);
        learners.Add(pi.Replay);
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
