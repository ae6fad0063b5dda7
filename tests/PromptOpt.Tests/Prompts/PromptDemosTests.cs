using Microsoft.Extensions.AI;
using PromptOpt.Data;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Models;
using PromptOpt.Optimizers;
using PromptOpt.Prompts;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Prompts;

public class PromptDemosTests
{
    private static readonly Demo[] Two =
    [
        new("2 + 3", "<answer>5</answer>", "Add the numbers."),
        new("4 * 2", "8"),
    ];

    [Fact]
    public void Render_WithoutDemos_IsExactlySystemThenUser()
    {
        var messages = new Prompt("Be exact.", "Q: {question}").Render("1 + 1");

        Assert.Equal([ChatRole.System, ChatRole.User], messages.Select(m => m.Role).ToArray());
        Assert.Equal("Q: 1 + 1", messages[1].Text);
    }

    [Fact]
    public void Render_TurnsStyle_PutsEachDemoAsUserAndAssistantTurnBeforeTheQuestion()
    {
        var prompt = new Prompt("Be exact.", "Q: {question}") { Demos = Two };

        var messages = prompt.Render("1 + 1");

        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User, ChatRole.Assistant, ChatRole.User], messages.Select(m => m.Role).ToArray());
        Assert.Equal("Q: 2 + 3", messages[1].Text);
        Assert.Equal("Add the numbers.\n<answer>5</answer>", messages[2].Text);
        Assert.Equal("8", messages[4].Text);
        Assert.Equal("Q: 1 + 1", messages[^1].Text);
    }

    [Fact]
    public void Render_InlineStyle_AddsAnExamplesBlockToTheSystemMessageOnly()
    {
        var prompt = new Prompt(null, "Q: {question}") { Demos = Two, DemoStyle = DemoStyle.Inline };

        var messages = prompt.Render("1 + 1");

        Assert.Equal([ChatRole.System, ChatRole.User], messages.Select(m => m.Role).ToArray());
        Assert.StartsWith("Examples:", messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("Input: 2 + 3\nReasoning: Add the numbers.\nAnswer: <answer>5</answer>", messages[0].Text, StringComparison.Ordinal);
        Assert.Equal("Q: 1 + 1", messages[1].Text);
    }

    [Fact]
    public void EqualityAndKey_DemoFreePromptUnchanged_DemosMakeADifferentPrompt()
    {
        var plain = new Prompt("S", "U {question}");
        var withDemos = plain with { Demos = Two };
        var sameDemos = new Prompt("S", "U {question}") { Demos = Two.ToList() };

        Assert.Equal("S\u0000U {question}", plain.Key); // the pre-demo identity, so memo keys and stores still match
        Assert.NotEqual(plain, withDemos);
        Assert.NotEqual(plain.Key, withDemos.Key);
        Assert.Equal(withDemos, sameDemos);
        Assert.Equal(withDemos.GetHashCode(), sameDemos.GetHashCode());
        Assert.NotEqual(withDemos, withDemos with { DemoStyle = DemoStyle.Inline });
        Assert.Equal(plain, plain with { DemoStyle = DemoStyle.Inline }); // the style of no demos does not matter
    }

    [Fact]
    public void FromReply_SplitsTheLastLineAsAnswer_ReplyGivesTheTextBack()
    {
        var demo = Demo.FromReply("x", "Let me reason.\nStill reasoning.\n<answer>7</answer>\n");

        Assert.Equal("<answer>7</answer>", demo.Answer);
        Assert.Equal("Let me reason.\nStill reasoning.", demo.Rationale);
        Assert.Equal("Let me reason.\nStill reasoning.\n<answer>7</answer>", demo.Reply);
        Assert.Null(Demo.FromReply("x", "7").Rationale);
    }

    [Fact]
    public void Artifact_PromptWithDemos_RoundTrips_AndADemoFreeArtifactHasNoDemoKeys()
    {
        var best = new Prompt("Be exact.", "Q: {question}") { Demos = Two, DemoStyle = DemoStyle.Inline };
        var result = new OptimizationResult
        {
            Method = "mipro",
            StartPrompt = Prompt.FromInstruction("Solve."),
            BestPrompt = best,
            Usage = new UsageSnapshot(new Dictionary<string, RoleUsage>()),
        };

        var json = PromptArtifact.FromResult(result, "r", "t", "f", new Dictionary<string, string>()).ToJson();
        var read = PromptArtifact.Parse(json, "a.json").ToPrompt();

        Assert.Equal(best, read);
        Assert.Contains("\"demo_style\": \"inline\"", json, StringComparison.Ordinal);
        var plain = PromptArtifact.FromResult(result with { BestPrompt = new Prompt(null, "Q: {question}") }, "r", "t", "f", new Dictionary<string, string>()).ToJson();
        Assert.DoesNotContain("demo", plain, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind":"promptopt.prompt","user":"Q: {question}","demo_style":"sideways"}""", "demo_style")]
    [InlineData("""{"kind":"promptopt.prompt","user":"Q: {question}","demos":[{"input":"x"}]}""", "demos")]
    public void Parse_BadDemoFields_IsAOneLineInputError(string json, string field)
    {
        var ex = Assert.Throws<PromptOptInputException>(() => PromptArtifact.Parse(json, "a.json"));

        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Session_StartPromptWithATestExampleAsDemo_IsRejected()
    {
        var task = BuiltInTasks.Create("navigate", 11, trainSize: 20, testSize: 20);
        var leak = new Prompt(null, "Q: {question}") { Demos = [new Demo(task.Dataset.Test[3].Input, task.Dataset.Test[3].Target)] };
        var fine = leak with { Demos = [new Demo(task.Dataset.Train[0].Input, task.Dataset.Train[0].Target)] };
        var rig = new SimRig(PromptOpt.Simulation.SimulatorModels.CreateWorld([task]));

        var ex = Assert.Throws<PromptOptInputException>(() => new OptimizationSession("x", rig.PromptRequest(task, 1, 10, 10, start: leak)));

        Assert.Contains("test", ex.Message, StringComparison.Ordinal);
        _ = new OptimizationSession("x", rig.PromptRequest(task, 1, 10, 10, start: fine));
    }

    [Fact]
    public async Task Evaluator_PromptWithDemos_SendsTheTurnsAndTheSimulatorStillFindsTheQuestion()
    {
        var task = BuiltInTasks.Create("multistep_arithmetic", 11, trainSize: 20, testSize: 20);
        var rig = new SimRig(PromptOpt.Simulation.SimulatorModels.CreateWorld([task]));
        var model = rig.CreateModel(ModelRoles.Task);
        var demos = task.Dataset.Train.Take(3).Select(e => new Demo(e.Input, e.Target)).ToList();
        var prompt = Prompt.FromInstruction(task.DefaultInstruction + " " + task.AnswerFormat) with { Demos = demos };

        var withDemos = await PromptOpt.Evaluation.Evaluator.EvaluateAsync(model, prompt, task.Dataset.Test, task.Metric);

        Assert.All(withDemos.Results, r => Assert.Equal(7, r.Messages.Count)); // 3 demos × (user, assistant) + the question; no system part
        Assert.All(withDemos.Results, r => Assert.NotEqual(PromptOpt.Simulation.TaskModel.NoQuestionReply, r.Response));
    }
}

public class EvalDemosTests
{
    [Fact]
    public async Task Eval_ArtifactWithDemos_RunsWithThemAndADemoThatIsATestExampleIsRefused()
    {
        using var dir = new TempDirectory();
        var store = Path.Combine(dir.Path, "s.db");
        var task = BuiltInTasks.Create("multistep_arithmetic", 42);
        string Artifact(Example e) => $$"""
            {"kind":"promptopt.prompt","version":1,"user":"Solve the arithmetic problem.\n\n{question}",
             "demos":[{"input":{{System.Text.Json.JsonSerializer.Serialize(e.Input)}},"answer":{{System.Text.Json.JsonSerializer.Serialize(e.Target)}}}],"demo_style":"turns"}
            """;
        dir.Write("good.json", Artifact(task.Dataset.Train[0]));
        dir.Write("leak.json", Artifact(task.Dataset.Test[0]));
        string[] Eval(string prompt) => ["eval", "--task", "multistep_arithmetic", "--prompt", prompt, "--limit", "10", "--store", store, "--model", "sim", "--json"];

        var plain = await PromptOpt.Tests.Cli.CliHarness.RunAsync(Eval("Solve the arithmetic problem."), dir.Path);
        var good = await PromptOpt.Tests.Cli.CliHarness.RunAsync(Eval("@good.json"), dir.Path);
        var leak = await PromptOpt.Tests.Cli.CliHarness.RunAsync(Eval("@leak.json"), dir.Path);

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.NotEqual(plain.Json().GetProperty("runId").GetString(), good.Json().GetProperty("runId").GetString());
        Assert.Equal(2, leak.ExitCode);
        Assert.Contains("test example", leak.Stderr, StringComparison.Ordinal);
        Assert.Single(leak.ErrorLines);
    }
}
