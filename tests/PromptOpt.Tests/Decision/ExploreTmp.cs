using PromptOpt.Decision;
using PromptOpt.Simulation;
using Xunit.Abstractions;
namespace PromptOpt.Tests.Decision;
public class ExploreTmp(ITestOutputHelper output)
{
    [Fact]
    public async Task Tmp()
    {
        string[] hints = ["", "Explore buttons you are uncertain about. Compute the average reward of each button.", "Exploit the button with the best result so far.", "Compute the average reward of each button.", "Explore buttons you are uncertain about."];
        foreach (var (c0, ef, xf, noise) in new[]{(0.08,5.0,0.15,0.3),(0.06,6.0,0.15,0.3),(0.1,4.0,0.1,0.3),(0.07,6.0,0.1,0.3)})
        foreach (var envName in new[]{"bandit-hard","bandit-easy"})
        {
            var line = $"c0={c0} ef={ef} xf={xf} noise={noise} {envName}:";
            foreach (var h in hints)
            {
                var list = new List<double>();
                for (int seed = 0; seed < 30; seed++)
                {
                    var env = EnvironmentCatalog.Create(envName, seed);
                    var mp = new MetaPrompt(env.OriginalTaskDescription + " " + h, env.OriginalMetaInstruction);
                    var r = await new AgentRunner(new SimAgentChatClient(new() { Seed = seed, BanditBonus = c0, ExploreBonusFactor = ef, ExploitBonusFactor = xf, EstimateNoise = noise })).RunAsync(env, mp);
                    list.Add(r.Performance);
                }
                line += $" {list.Average():F1}";
            }
            output.WriteLine(line);
        }
    }
}
