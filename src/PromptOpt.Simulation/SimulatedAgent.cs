using System.Globalization;
using System.Text.Json.Nodes;
using PromptOpt.Models;

namespace PromptOpt.Simulation;

/// <summary>
/// The simulated agent (SIMULATOR.md "Agent role"): answers the <c>agent_act</c> operation from the environment state
/// in the operation's arguments, with a policy set by the agent skills the meta-prompt text activates
/// (<see cref="AgentSkills"/>). The reply is text in the form the meta-instruction asks for, so it goes through the
/// environment's real parser.
/// </summary>
/// <remarks>
/// Every draw is a pure function of (<see cref="SimOptions.Seed"/>, the normalised meta-prompt text, the sample
/// index, …) through <see cref="StableHash"/>: the same request always gets the same reply.
/// Skills are detected on the whole meta-prompt, exemplars included: a summarised bandit history ("average reward")
/// activates <c>stats</c>, and TSP exemplars (which show <c>&lt;trace&gt;</c> tags) activate <c>format</c>, as a real
/// model imitates what it is shown.
/// </remarks>
public static class SimulatedAgent
{
    /// <summary>The reply to a request whose state the agent does not understand (it parses in no environment).</summary>
    public const string UnparseableReply = "I am not sure what I am being asked to do.";

    /// <summary>Acts once.</summary>
    /// <param name="operation">The <c>agent_act</c> operation; <c>args.state</c> is the environment's agent state.</param>
    /// <param name="metaPromptText">The full text of the request (the rendered meta-prompt).</param>
    /// <param name="options">The simulator options: <see cref="SimOptions.Seed"/>, the skill triggers and <see cref="SimOptions.Agent"/>.</param>
    /// <param name="sampleIndex">The sample index (the step).</param>
    /// <returns>The agent's reply.</returns>
    public static string Act(LlmOperation operation, string metaPromptText, SimOptions options, int sampleIndex)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(options);
        metaPromptText ??= string.Empty;
        var skills = AgentSkills.Detect(metaPromptText, options);
        ulong text = StableHash.Hash(StableHash.Normalize(metaPromptText));
        var o = options.Agent;
        int seed = options.Seed;
        var state = operation.Args["state"] as JsonObject;
        return state?["kind"]?.GetValue<string>() switch
        {
            "bandit" => Bandit(state, skills, o, seed, text, sampleIndex),
            "linreg" => Regression(state, skills, o, seed, text, sampleIndex),
            "tsp" => Tsp(state, skills, o, seed, text, sampleIndex),
            _ => UnparseableReply,
        };
    }

    /// <summary>Bandit: softmax over μ̂_a + c·sqrt(ln t / n_a) with temperature τ (SIMULATOR.md).</summary>
    private static string Bandit(JsonObject state, AgentSkillSet skills, AgentSimOptions o, int seed, ulong text, int sample)
    {
        var arms = Strings(state["arms"]);
        var counts = Ints(state["counts"]);
        var successes = Ints(state["successes"]);
        double c = o.BanditBonus * (skills.Explore ? o.ExploreBonusFactor : 1) * (skills.Exploit ? o.ExploitBonusFactor : 1);
        double tau = o.BanditTemperature * (skills.Exploit ? o.ExploitTemperatureFactor : 1);
        double noise = skills.Stats ? o.StatsEstimateNoise : o.EstimateNoise;
        double lnT = Math.Log(Math.Max(2, counts.Sum() + 1));
        var score = new double[arms.Length];
        for (int a = 0; a < arms.Length; a++)
        {
            int n = counts[a];
            double mu = n > 0
                ? ((double)successes[a] / n) + (noise * StableHash.Normal(seed, "agent-bandit-noise", a, n, successes[a]))
                : o.UntriedPrior;
            score[a] = (mu + (c * Math.Sqrt(lnT / (n > 0 ? n : o.UntriedPseudoCount)))) / tau;
        }

        int arm = SampleSoftmax(score, StableHash.Uniform(seed, "agent-bandit-choice", text, sample));
        return skills.Format
            ? $"<answer>{arms[arm]}</answer>"
            : $"Looking at the history, I will press the {arms[arm]} button next.";
    }

    /// <summary>Linear regression: a Gaussian step around the best shown pair, its size set by refine / diverse / explore.</summary>
    private static string Regression(JsonObject state, AgentSkillSet skills, AgentSimOptions o, int seed, ulong text, int sample)
    {
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

        if (!skills.Format && StableHash.Uniform(seed, "agent-format", text, sample) < o.UnformattedFailureRate)
        {
            return string.Create(CultureInfo.InvariantCulture, $"I would move w towards {w} and b towards {b}; that should lower the value.");
        }

        return skills.Format
            ? string.Create(CultureInfo.InvariantCulture, $"The value falls towards the last pairs, so I choose [w, b] = [{w}, {b}]")
            : string.Create(CultureInfo.InvariantCulture, $"The lower values cluster around the last pairs listed. A reasonable next guess would be w = {w} and b = {b}, that is [{w}, {b}].");
    }

    /// <summary>TSP: 2-opt moves on the best shown tour (best of a few random reversals each), their number set by refine / diverse / explore.</summary>
    private static string Tsp(JsonObject state, AgentSkillSet skills, AgentSimOptions o, int seed, ulong text, int sample)
    {
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
        if (!skills.Format && StableHash.Uniform(seed, "agent-format", text, sample) < o.UnformattedFailureRate)
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

    private static int SampleSoftmax(double[] logits, double u)
    {
        double max = logits.Max();
        var p = logits.Select(l => Math.Exp(l - max)).ToArray();
        double total = p.Sum(), acc = 0;
        for (int a = 0; a < p.Length; a++)
        {
            acc += p[a] / total;
            if (u < acc)
            {
                return a;
            }
        }

        return p.Length - 1;
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
}
