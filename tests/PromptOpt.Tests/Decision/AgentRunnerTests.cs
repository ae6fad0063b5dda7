using Microsoft.Extensions.AI;
using PromptOpt.Decision;
using PromptOpt.Models;

namespace PromptOpt.Tests.Decision;

public class AgentRunnerTests
{
    private sealed class ScriptedClient(Func<int, string> reply, int? budgetAfter = null) : IChatClient
    {
        public List<(string Text, ChatOptions? Options)> Requests { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (Requests.Count >= budgetAfter)
            {
                throw new BudgetExhaustedException("agent budget spent");
            }

            Requests.Add((string.Join("\n", messages.Select(m => m.Text)), options));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply(Requests.Count))));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task StepAsync_OneStep_SendsRenderedMetaPromptTaggedAsAgentAct()
    {
        var env = new BanditEnvironment("bandit-hard", 1);
        var client = new ScriptedClient(_ => "<answer>red</answer>");
        var mp = new MetaPrompt("DESC", "INSTR");
        var record = await new AgentRunner(client).StepAsync(env, mp);
        var (text, options) = Assert.Single(client.Requests);
        Assert.Equal(mp.Render(new BanditEnvironment("bandit-hard", 1).RenderExemplars()), text);
        Assert.Equal(ModelRoles.Agent, options.GetRole());
        var op = options.GetOperation()!;
        Assert.Equal("agent_act", op.Name);
        Assert.Equal("bandit-hard", op.Args["environment"]!.GetValue<string>());
        Assert.Equal("bandit", op.Args["state"]!["kind"]!.GetValue<string>());
        Assert.Equal(1f, options!.Temperature);
        Assert.Equal("red", record.Action);
        Assert.Equal(1, env.StepCount);
    }

    [Fact]
    public async Task RunAsync_SampleIndexIsStepIndexPlusOffset()
    {
        var env = new LinearRegressionEnvironment("linreg", 1);
        var client = new ScriptedClient(i => $"[{10 + i}, 14]");
        await new AgentRunner(client, new AgentRunnerOptions { SampleIndexOffset = 100 }).RunAsync(env, env.OriginalMetaPrompt, steps: 3);
        Assert.Equal([100, 101, 102], client.Requests.Select(r => r.Options.GetSampleIndex()));
    }

    [Fact]
    public async Task RunAsync_UnparseableReplies_CountedWithWorstReward()
    {
        var env = new TspEnvironment("tsp-10", 1);
        var client = new ScriptedClient(i => i % 2 == 0 ? "no idea" : "<trace>0,1,2,3,4,5,6,7,8,9</trace>");
        var result = await new AgentRunner(client).RunAsync(env, env.OriginalMetaPrompt, steps: 6);
        Assert.Equal(3, result.ParseFailures);
        Assert.All(result.Steps.Where(s => !s.Parsed), s => Assert.Equal(0, s.Reward));
        Assert.Equal("completed", result.StopReason);
        Assert.Equal(6, result.Steps.Count);
    }

    [Fact]
    public async Task RunAsync_BudgetSpent_StopsEarlyWithBudgetReason()
    {
        var env = new BanditEnvironment("bandit-easy", 1, BanditOptions.Easy);
        var client = new ScriptedClient(_ => "<answer>blue</answer>", budgetAfter: 4);
        var result = await new AgentRunner(client).RunAsync(env, env.OriginalMetaPrompt);
        Assert.Equal("budget", result.StopReason);
        Assert.Equal(4, result.Steps.Count);
        Assert.Equal(env.Performance, result.Performance);
    }
}
