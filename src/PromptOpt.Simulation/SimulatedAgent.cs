using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Decision;
using PromptOpt.Models;

namespace PromptOpt.Simulation;

/// <summary>The bandit behaviours of the simulated agent (SIMULATOR.md "Agent role", after Krishnamurthy et al. 2024).</summary>
public enum AgentBanditBehaviour
{
    /// <summary>Exploit only: the arm with the highest perceived mean, untried arms valued 0 (the basic prompt, or X).</summary>
    ExploitOnly,

    /// <summary>Try each arm once, then greedy on the perceived means (C without E∧R).</summary>
    OnceThenGreedy,

    /// <summary>ε-greedy with ε = <see cref="AgentSimOptions.ExploreEpsilon"/> (E without C): the uniform-like failure.</summary>
    EpsilonGreedy,

    /// <summary>Posterior (Thompson) sampling with Beta(1 + s, 1 + n − s) beliefs (E∧C with a summarised history R): the one configuration that explored well in the paper.</summary>
    PosteriorSampling,
}

/// <summary>
/// The simulated agent (SIMULATOR.md "Agent role", grounded in Krishnamurthy et al. 2024, "Can large language models
/// explore in-context?"): answers the <c>agent_act</c> operation. It reads the meta-prompt as rendered — the bandit's
/// history from its text (<see cref="BanditHistoryText.Read"/>), the agent skills from the instruction text around it
/// (<see cref="AgentSkills.Read"/>) — and replies in the form the meta-instruction asks for, so the reply goes through the
/// environment's real parser. From the operation's state it takes only the environment kind and the action names
/// (and, for linear regression and TSP, the shown points as version 1 did).
/// </summary>
/// <remarks>
/// <para><b>Bandit.</b> The history rendering R is a fact of the environment (what the text shows), never of the prompt.
/// Perceived mean of arm a: raw history, s/n + β·n_a/t + ε (β = <see cref="AgentSimOptions.ImitationBias"/>, removed when
/// statistics A and reasoning C are both in force; ε ~ N(0, <see cref="AgentSimOptions.RawReadingNoise"/>) fixed per
/// (arm, n, s)); summarised history, the printed average. Untried arms are valued 0. Behaviour
/// (<see cref="ChooseBehaviour"/>): E∧C∧R → posterior sampling; else C → try each arm once, then greedy; else E →
/// ε-greedy; else (X, or no skill) → exploit only. Ties are broken uniformly.</para>
/// <para><b>Graded activation.</b> A skill with activation a is in force at a step with probability a (a draw per skill,
/// prompt and step), so a half-activated instruction is followed half of the time.</para>
/// <para>Every draw is a pure function of (<see cref="SimOptions.Seed"/>, the normalised meta-prompt text, the sample
/// index, …) through <see cref="StableHash"/>: the same request always gets the same reply.</para>
/// </remarks>
public static class SimulatedAgent
{
    /// <summary>The reply to a request whose state the agent does not understand (it parses in no environment).</summary>
    public const string UnparseableReply = "I am not sure what I am being asked to do.";

    /// <summary>Acts once.</summary>
    /// <param name="operation">The <c>agent_act</c> operation; <c>args.state</c> is the environment's agent state.</param>
    /// <param name="metaPromptText">The full text of the request (the rendered meta-prompt).</param>
    /// <param name="options">The simulator options: <see cref="SimOptions.Seed"/> and <see cref="SimOptions.Agent"/>.</param>
    /// <param name="sampleIndex">The sample index (the step).</param>
    /// <returns>The agent's reply.</returns>
    public static string Act(LlmOperation operation, string metaPromptText, SimOptions options, int sampleIndex)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(options);
        metaPromptText ??= string.Empty;
        var step = new Step(options.Seed, StableHash.Hash(StableHash.Normalize(metaPromptText)), sampleIndex);
        var o = options.Agent;
        var state = operation.Args["state"] as JsonObject;
        switch (state?["kind"]?.GetValue<string>())
        {
            case "bandit":
                var arms = Strings(state["arms"]);
                var history = BanditHistoryText.Read(metaPromptText, arms);
                return Bandit(arms, history, AgentSkills.Read(history.Rest, options), o, step);
            case "linreg":
                return Regression(state, AgentSkills.Read(metaPromptText, options), o, step);
            case "tsp":
                return Tsp(state, AgentSkills.Read(metaPromptText, options), o, step);
            default:
                return UnparseableReply;
        }
    }

    /// <summary>The bandit behaviour for the skills in force and the history rendering (SIMULATOR.md "Agent role").</summary>
    /// <param name="explore">E is in force.</param>
    /// <param name="reasoning">C is in force.</param>
    /// <param name="summarized">The history is summarised (R).</param>
    /// <returns>The behaviour.</returns>
    public static AgentBanditBehaviour ChooseBehaviour(bool explore, bool reasoning, bool summarized) =>
        explore && reasoning && summarized ? AgentBanditBehaviour.PosteriorSampling
        : reasoning ? AgentBanditBehaviour.OnceThenGreedy
        : explore ? AgentBanditBehaviour.EpsilonGreedy
        : AgentBanditBehaviour.ExploitOnly;

    private static string Bandit(string[] arms, BanditHistoryReading h, AgentSkillSet skills, AgentSimOptions o, Step step)
    {
        int k = arms.Length;
        bool e = step.InForce(skills.Explore, "explore"), c = step.InForce(skills.Reasoning, "reasoning");
        bool a = step.InForce(skills.Statistics, "statistics"), format = step.InForce(skills.Format, "format");
        bool summarized = h.Rendering == BanditHistoryRendering.Summarized;
        int t = Math.Max(1, h.Turns);
        var perceived = new double[k];
        for (int arm = 0; arm < k; arm++)
        {
            int n = h.Counts[arm], s = h.Successes[arm];
            perceived[arm] = n == 0 ? 0
                : summarized ? h.Averages[arm]
                : ((double)s / n) + (a && c ? 0 : o.ImitationBias * n / t) + (o.RawReadingNoise * StableHash.Normal(step.Seed, "agent-bandit-noise", arm, n, s));
        }

        int choice;
        switch (ChooseBehaviour(e, c, summarized))
        {
            case AgentBanditBehaviour.PosteriorSampling:
                var rng = StableHash.Rng(step.Seed, "agent-bandit-posterior", step.Text, step.Sample);
                choice = ArgMax(Enumerable.Range(0, k).Select(arm => SampleBeta(rng, 1 + h.Successes[arm], 1 + h.Counts[arm] - h.Successes[arm])).ToArray(), step);
                break;
            case AgentBanditBehaviour.OnceThenGreedy:
                var untried = Enumerable.Range(0, k).Where(arm => h.Counts[arm] == 0).ToArray();
                choice = untried.Length > 0 ? untried[(int)(StableHash.Uniform(step.Seed, "agent-bandit-untried", step.Text, step.Sample) * untried.Length)] : ArgMax(perceived, step);
                break;
            case AgentBanditBehaviour.EpsilonGreedy:
                choice = StableHash.Uniform(step.Seed, "agent-bandit-epsilon", step.Text, step.Sample) < o.ExploreEpsilon
                    ? (int)(StableHash.Uniform(step.Seed, "agent-bandit-random", step.Text, step.Sample) * k)
                    : ArgMax(perceived, step);
                break;
            default:
                choice = ArgMax(perceived, step);
                break;
        }

        return format
            ? $"<answer>{arms[choice]}</answer>"
            : $"Looking at the history, I will press the {arms[choice]} button next.";
    }

    /// <summary>The index of the largest value, ties broken uniformly by a draw.</summary>
    private static int ArgMax(double[] values, Step step)
    {
        double max = values.Max();
        var best = Enumerable.Range(0, values.Length).Where(i => values[i] >= max - 1e-12).ToArray();
        return best.Length == 1 ? best[0] : best[(int)(StableHash.Uniform(step.Seed, "agent-bandit-tie", step.Text, step.Sample) * best.Length)];
    }

    /// <summary>A Beta(α, β) draw for α, β ≥ 1 from two Gamma draws (Marsaglia and Tsang 2000).</summary>
    private static double SampleBeta(Random rng, double alpha, double beta)
    {
        double x = SampleGamma(rng, alpha), y = SampleGamma(rng, beta);
        return x / (x + y);
    }

    private static double SampleGamma(Random rng, double shape)
    {
        double d = shape - (1.0 / 3), c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                x = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            double u = rng.NextDouble();
            if (u < 1 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }

    /// <summary>Linear regression: a Gaussian step around the best shown pair, its size set by refine / diverse / explore.</summary>
    private static string Regression(JsonObject state, AgentSkillSet a, AgentSimOptions o, Step step)
    {
        int seed = step.Seed, sample = step.Sample;
        ulong text = step.Text;
        var skills = step.Flags(a);
        var shown = (state["shown"] as JsonArray ?? []).Select(p => ((int)Num(p![0]), (int)Num(p[1]))).ToHashSet();
        var best = state["best"] as JsonArray;
        double bw = best is null ? 15 : Num(best[0]), bb = best is null ? 15 : Num(best[1]);
        double sigma = o.RegressionStep * (skills.Refine ? o.RefineStepFactor : 1) * (skills.Diverse ? o.DiverseStepFactor : 1) * (skills.Explore ? o.ExploreStepFactor : 1);
        int w = 0, b = 0;
        for (int attempt = 0; attempt <= (skills.Diverse ? o.DuplicateRedraws : 0); attempt++)
        {
            w = (int)Math.Round(bw + (sigma * StableHash.Normal(seed, "agent-lr-w", text, sample, attempt)), MidpointRounding.AwayFromZero);
            b = (int)Math.Round(bb + (sigma * StableHash.Normal(seed, "agent-lr-b", text, sample, attempt)), MidpointRounding.AwayFromZero);
            if (!shown.Contains((w, b)))
            {
                break;
            }
        }

        if (StableHash.Uniform(seed, "agent-format", text, sample) < o.UnformattedFailureRate * (1 - a.Format))
        {
            return string.Create(CultureInfo.InvariantCulture, $"I would move w towards {w} and b towards {b}; that should lower the value.");
        }

        return skills.Format
            ? string.Create(CultureInfo.InvariantCulture, $"The value falls towards the last pairs, so I choose [w, b] = [{w}, {b}]")
            : string.Create(CultureInfo.InvariantCulture, $"The lower values cluster around the last pairs listed. A reasonable next guess would be w = {w} and b = {b}, that is [{w}, {b}].");
    }

    /// <summary>TSP: 2-opt moves on the best shown tour (best of a few random reversals each), their number set by refine / diverse / explore.</summary>
    private static string Tsp(JsonObject state, AgentSkillSet a, AgentSimOptions o, Step step)
    {
        int seed = step.Seed, sample = step.Sample;
        ulong text = step.Text;
        var skills = step.Flags(a);
        var points = (state["points"] as JsonArray ?? []).Select(p => ((int)Num(p![0]), (int)Num(p[1]))).ToArray();
        int n = points.Length;
        var shown = (state["shown"] as JsonArray ?? []).Select(s => string.Join(",", Ints(s!["tour"]))).ToHashSet(StringComparer.Ordinal);
        var best = state["best"] is JsonArray bt ? Ints(bt) : Enumerable.Range(0, n).ToArray();
        int moves = skills.Refine
            ? o.RefineMoves
            : o.TspMoves + (skills.Diverse ? o.DiverseExtraMoves : 0) + (skills.Explore ? o.ExploreExtraMoves : 0);
        var rng = StableHash.Rng(seed, "agent-tsp", text, sample);
        int[] tour = best;
        for (int attempt = 0; attempt <= (skills.Diverse ? o.DuplicateRedraws : 0); attempt++)
        {
            tour = (int[])best.Clone();
            for (int m = 0; m < moves && n >= 4; m++)
            {
                tour = BestOfRandomReversals(points, tour, Math.Max(1, o.TspCandidatesPerMove), rng);
            }

            if (!shown.Contains(string.Join(",", tour)))
            {
                break;
            }
        }

        var trace = string.Join(",", tour);
        if (StableHash.Uniform(seed, "agent-format", text, sample) < o.UnformattedFailureRate * (1 - a.Format))
        {
            return "A shorter route would visit the points in the order " + string.Join(" -> ", tour) + ".";
        }

        return skills.Format ? $"<trace>{trace}</trace>" : $"Here is a route that should be shorter: <trace>{trace}</trace>";
    }

    private static int[] BestOfRandomReversals((int X, int Y)[] points, int[] tour, int candidates, Random rng)
    {
        int n = tour.Length;
        int[]? best = null;
        double bestLen = double.PositiveInfinity;
        for (int k = 0; k < candidates; k++)
        {
            // Reverse a segment of positions 1..n-1 (node 0 stays first).
            int i = rng.Next(1, n - 1), j = rng.Next(i + 1, n);
            var cand = (int[])tour.Clone();
            Array.Reverse(cand, i, j - i + 1);
            double len = Length(points, cand);
            if (len < bestLen)
            {
                bestLen = len;
                best = cand;
            }
        }

        return best ?? tour;
    }

    private static double Length((int X, int Y)[] points, int[] tour)
    {
        double s = 0;
        for (int i = 0; i < tour.Length; i++)
        {
            var (ax, ay) = points[tour[i]];
            var (bx, by) = points[tour[(i + 1) % tour.Length]];
            s += Math.Sqrt(((double)(ax - bx) * (ax - bx)) + ((double)(ay - by) * (ay - by)));
        }

        return s;
    }

    private static string[] Strings(JsonNode? node) => (node as JsonArray ?? []).Select(v => v!.GetValue<string>()).ToArray();

    private static int[] Ints(JsonNode? node) => (node as JsonArray ?? []).Select(v => (int)Num(v)).ToArray();

    /// <summary>Reads a number whether the node holds an int, a long or a double (in-process) or a parsed JSON number.</summary>
    private static double Num(JsonNode? node)
    {
        var v = node?.AsValue() ?? throw new FormatException("A number was expected in the agent state.");
        return v.TryGetValue<double>(out var d) ? d
            : v.TryGetValue<int>(out var i) ? i
            : v.TryGetValue<long>(out var l) ? l
            : throw new FormatException("A number was expected in the agent state.");
    }

    /// <summary>One step's identity: the world seed, the hash of the normalised meta-prompt and the sample index.</summary>
    private readonly record struct Step(int Seed, ulong Text, int Sample)
    {
        /// <summary>Whether a skill with activation <paramref name="activation"/> is in force at this step (a draw with that probability).</summary>
        public bool InForce(double activation, string skill) =>
            activation >= 1 || (activation > 0 && StableHash.Uniform(Seed, "agent-skill", skill, Text, Sample) < activation);

        /// <summary>The skills in force at this step, for the regression and TSP behaviours.</summary>
        public Flags Flags(AgentSkillSet a) =>
            new(InForce(a.Explore, "explore"), InForce(a.Refine, "refine"), InForce(a.Diverse, "diverse"), InForce(a.Format, "format"));
    }

    /// <summary>The skills in force at one regression or TSP step.</summary>
    private readonly record struct Flags(bool Explore, bool Refine, bool Diverse, bool Format);
}
