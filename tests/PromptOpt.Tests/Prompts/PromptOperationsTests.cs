using PromptOpt.Models;
using PromptOpt.Prompts;

namespace PromptOpt.Tests.Prompts;

public class PromptOperationsTests
{
    private static readonly FailureCase[] Failures = [new("What is 2 + 2?", "It is five.", null, "4")];

    [Fact]
    public async Task AnalyzeFailuresAsync_ReplyMissingTag_RetriesOnceWithOtherSampleThenDrops()
    {
        var client = new ScriptedChatClient("I think the prompt is fine.", "Still no tag here.");
        var drops = new List<OperationDrop>();
        var ops = new PromptOperations(client, new PromptOperationOptions { OnDrop = drops.Add });

        var analysis = await ops.AnalyzeFailuresAsync(Prompt.FromInstruction("Add."), Failures, PromptTarget.User, sampleIndex: 3);

        Assert.Null(analysis);
        Assert.Equal(2, client.Calls.Count);
        Assert.Equal(3, client.Calls[0].Options.GetSampleIndex());
        Assert.Equal(1_000_003, client.Calls[1].Options.GetSampleIndex());
        Assert.Equal(1, ops.DropCount);
        var drop = Assert.Single(drops);
        Assert.Equal(OperationNames.AnalyzeFailures, drop.Operation);
        Assert.Equal("missing <analysis> tag", drop.Reason);
        Assert.Equal("Still no tag here.", drop.Reply);
    }

    [Fact]
    public async Task AnalyzeFailuresAsync_TagOnRetry_ReturnsItWithoutDrop()
    {
        var client = new ScriptedChatClient("oops", "<Analysis>\nIt never says to add.\n");
        var ops = new PromptOperations(client);

        var analysis = await ops.AnalyzeFailuresAsync(Prompt.FromInstruction("Add."), Failures);

        Assert.Equal("It never says to add.", analysis);
        Assert.Equal(0, ops.DropCount);
    }

    [Fact]
    public async Task GenerateFromAnalysisAsync_UserTargetLosingPlaceholderTwice_Drops()
    {
        var client = new ScriptedChatClient(
            "<improved_instruction_prompt>Add the numbers.</improved_instruction_prompt>",
            "<improved_instruction_prompt>Add the numbers carefully.</improved_instruction_prompt>");
        var drops = new List<OperationDrop>();
        var ops = new PromptOperations(client, new PromptOperationOptions { OnDrop = drops.Add });

        var result = await ops.GenerateFromAnalysisAsync(Prompt.FromInstruction("Add."), "Say how.", Failures);

        Assert.Null(result);
        Assert.Contains("{question}", Assert.Single(drops).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateFromAnalysisAsync_SystemTarget_ReplacesSystemAndKeepsUser()
    {
        var client = new ScriptedChatClient("<improved_system_prompt>Think step by step.</improved_system_prompt>");
        var ops = new PromptOperations(client);
        var prompt = new Prompt("Be helpful.", "Add.\n\n{question}");

        var result = await ops.GenerateFromAnalysisAsync(prompt, "needs reasoning", Failures, PromptTarget.System);

        Assert.Equal(new Prompt("Think step by step.", prompt.User), result);
        var op = client.OperationOf(0)!;
        Assert.Equal(OperationNames.GenerateFromAnalysis, op.Name);
        Assert.Equal("system", op.Args[OperationArgKeys.Target]!.GetValue<string>());
        Assert.Equal("needs reasoning", op.Args[OperationArgKeys.Analysis]!.GetValue<string>());
    }

    [Fact]
    public async Task Calls_TagRoleOperationAndTemperature()
    {
        var client = new ScriptedChatClient("<sentence>Add both numbers.</sentence>");
        var ops = new PromptOperations(client, new PromptOperationOptions { Temperature = 0.7f });
        var view = SentenceView.Parse("Add. Be quick.\n\n{question}");

        var sentence = await ops.RewriteSentenceAsync(view, 1, Failures, sampleIndex: 2);

        Assert.Equal("Add both numbers.", sentence);
        var options = client.Calls[0].Options!;
        Assert.Equal(0.7f, options.Temperature);
        Assert.Equal(ModelRoles.Optimizer, options.GetRole());
        var op = options.GetOperation()!;
        Assert.Equal(OperationNames.RewriteSentence, op.Name);
        Assert.Equal(1, op.Args[OperationArgKeys.Index]!.GetValue<int>());
        Assert.Equal("Be quick.", op.Args[OperationArgKeys.Sentence]!.GetValue<string>());
        Assert.Contains("Be quick.", client.Calls[0].Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProposeFromHistoryAsync_SendsBestTwentyAscendingAndParsesAll()
    {
        var client = new ScriptedChatClient("<instruction>A</instruction>\n<instruction>B</instruction>\n<instruction>C</instruction>");
        var ops = new PromptOperations(client);
        var history = Enumerable.Range(0, 30).Select(i => new ScoredInstruction($"ins{i}", (i * 7 % 30) / 30.0)).ToList();

        var proposals = await ops.ProposeFromHistoryAsync(history, [], count: 2);

        Assert.Equal(["A", "B"], proposals);
        var sent = OperationArgs.ToHistory(client.OperationOf(0)!.Args[OperationArgKeys.History]);
        Assert.Equal(20, sent.Count);
        Assert.Equal(sent.Select(h => h.Score).Order(), sent.Select(h => h.Score));
        Assert.Equal(history.Max(h => h.Score), sent[^1].Score);
    }

    [Fact]
    public async Task GenerateVariantsAsync_NumberedListWithoutTags_IsAccepted()
    {
        var client = new ScriptedChatClient("1. Explore more.\n2. Exploit the best so far.");
        var ops = new PromptOperations(client);

        var variants = await ops.GenerateVariantsAsync("Choose an arm.", VariantKind.MetaInstruction, 2);

        Assert.Equal(["Explore more.", "Exploit the best so far."], variants);
    }

    [Fact]
    public async Task WriteInitialPromptAsync_NoPlaceholderInReply_AppendsIt()
    {
        var client = new ScriptedChatClient("<prompt>## Task type\nThis is a task.</prompt>");
        var ops = new PromptOperations(client);

        var prompt = await ops.WriteInitialPromptAsync([new PromptOpt.Data.Example("1", "in", "out")]);

        Assert.Equal("## Task type\nThis is a task.\n\n{question}", prompt!.User);
    }

    [Fact]
    public void Templates_AllSlotsFilled_NoSlotLeft()
    {
        var slots = new Dictionary<string, string>
        {
            ["FOCUS"] = "f", ["SYSTEM"] = "s", ["USER"] = "u", ["FAILURES"] = "x", ["ANALYSIS"] = "a", ["TEXT"] = "t {{USER}}",
            ["INDEX"] = "1", ["SENTENCE"] = "s", ["DEMOS"] = "d", ["SKELETON"] = "k", ["HISTORY"] = "h", ["EXEMPLARS"] = "e",
            ["COUNT"] = "3", ["KIND"] = "k",
        };
        string[] templates =
        [
            OperationPrompts.AnalyzeFailures, OperationPrompts.GenerateUser, OperationPrompts.GenerateSystem, OperationPrompts.GenerateWhole,
            OperationPrompts.RewriteSentence, OperationPrompts.WriteInitialPrompt, OperationPrompts.InduceInstruction, OperationPrompts.Paraphrase,
            OperationPrompts.ProposeFromHistory, OperationPrompts.TextualGradient, OperationPrompts.ApplyGradient, OperationPrompts.GenerateVariants,
        ];
        foreach (var t in templates)
        {
            var filled = OperationPrompts.Fill(t, slots);
            Assert.DoesNotMatch(@"\{\{[A-Z_]+\}\}", filled.Replace("t {{USER}}", string.Empty, StringComparison.Ordinal));
            Assert.Matches("<[a-z_]+></[a-z_]+> tags", filled);
        }

        Assert.Contains("t {{USER}}", OperationPrompts.Fill(OperationPrompts.Paraphrase, slots), StringComparison.Ordinal);
    }
}
