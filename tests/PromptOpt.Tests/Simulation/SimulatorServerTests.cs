using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using PromptOpt.Data.BuiltIn;
using PromptOpt.Evaluation;
using PromptOpt.Models;
using PromptOpt.Prompts;
using PromptOpt.Simulation;
using PromptOpt.Simulation.Server;

namespace PromptOpt.Tests.Simulation;

public class SimulatorServerTests
{
    [Fact]
    public async Task ChatCompletions_TaskRequests_AnswerLikeInProcessSimulator()
    {
        var task = SimTestTasks.Arithmetic(150);
        var world = new SimulatedWorld([task], new SimOptions { Seed = 6 });
        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions { World = world });
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        var inProcess = world.CreateClient();
        var prompt = new Prompt("Think step by step.", SimTestTasks.SkilledArithmeticInstruction + "\n\n{question}");

        Assert.Equal("127.0.0.1", server.BaseUrl.Host);
        foreach (var e in task.Dataset.Test.Take(25))
        {
            var messages = prompt.Render(e.Input);
            var body = new JsonObject
            {
                ["model"] = "sim-1",
                ["temperature"] = 0,
                ["messages"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role.Value, ["content"] = m.Text }).ToArray()),
            };
            using var response = await http.PostAsync("chat/completions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var expected = await inProcess.GetResponseAsync(messages, new ChatOptions { Temperature = 0 });

            Assert.Equal(expected.Text, json["choices"]![0]!["message"]!["content"]!.GetValue<string>());
            Assert.Equal("chat.completion", json["object"]!.GetValue<string>());
            Assert.Equal(expected.Usage!.InputTokenCount, json["usage"]!["prompt_tokens"]!.GetValue<long>());
            Assert.Equal(expected.Usage!.OutputTokenCount, json["usage"]!["completion_tokens"]!.GetValue<long>());
        }

        Assert.Equal(25, server.Stats.Completed);
    }

    [Fact]
    public async Task ChatCompletions_ForwardedOperation_AnswersLikeInProcessOptimizer()
    {
        var task = SimTestTasks.Arithmetic(150);
        var world = new SimulatedWorld([task], new SimOptions { Seed = 6 });
        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions { World = world });
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        var recorder = new ScriptCapture(world.CreateClient());
        var failures = task.Dataset.Test.Take(3).Select(e => new FailureCase(e.Input, "no", null, e.Target)).ToList();
        var analysis = await new PromptOperations(recorder).AnalyzeFailuresAsync(task.OneLinePrompt, failures, PromptTarget.User, 2);

        var (messages, options) = recorder.Last!.Value;
        var body = new JsonObject
        {
            ["model"] = "sim-1",
            ["temperature"] = 1.0,
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role.Value, ["content"] = m.Text }).ToArray()),
            ["promptopt"] = new JsonObject { ["role"] = "optimizer", ["op"] = JsonNode.Parse(options.GetOperation()!.ToJson()), ["sample"] = options.GetSampleIndex() },
        };
        using var response = await http.PostAsync("chat/completions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var content = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!.GetValue<string>();

        Assert.Equal(analysis, TagParser.Extract(content, "analysis"));
    }

    [Fact]
    public async Task OpenAIAdapter_OptimizerOperations_SameResultsAsInProcess()
    {
        var task = SimTestTasks.Arithmetic(150);
        var world = new SimulatedWorld([task], new SimOptions { Seed = 6 });
        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions { World = world });
        var remote = new PromptOperations(ModelFactory.Create(ModelSpec.OpenAICompatible(server.BaseUrl, "sim-1"), ModelRoles.Optimizer, new ModelPipelineOptions()));
        var local = new PromptOperations(world.CreateClient());
        var failures = task.Dataset.Test.Take(4).Select(e => new FailureCase(e.Input, "no", null, e.Target)).ToList();

        for (int sample = 0; sample < 3; sample++)
        {
            var a = await remote.AnalyzeFailuresAsync(task.OneLinePrompt, failures, PromptTarget.User, sample);
            Assert.Equal(await local.AnalyzeFailuresAsync(task.OneLinePrompt, failures, PromptTarget.User, sample), a);
            Assert.Equal(
                await local.GenerateFromAnalysisAsync(task.OneLinePrompt, a!, failures, PromptTarget.User, sample),
                await remote.GenerateFromAnalysisAsync(task.OneLinePrompt, a!, failures, PromptTarget.User, sample));
            Assert.Equal(
                await local.GenerateVariantsAsync("Pick an arm.", VariantKind.MetaInstruction, 3, sample),
                await remote.GenerateVariantsAsync("Pick an arm.", VariantKind.MetaInstruction, 3, sample));
        }

        Assert.Equal(0, remote.DropCount);
    }

    [Fact]
    public async Task Models_Banner_AndUnknownRoute()
    {
        var world = new SimulatedWorld([SimTestTasks.Arithmetic(120)]);
        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions { World = world });
        using var http = new HttpClient { BaseAddress = server.BaseUrl };

        var models = JsonNode.Parse(await http.GetStringAsync("models"))!;
        Assert.Equal("sim-1@seed0", models["data"]![0]!["id"]!.GetValue<string>()); // the seed is part of the model's identity
        var banner = await http.GetStringAsync(new Uri(server.BaseUrl, "/"));
        Assert.Contains("SIMULATOR", banner, StringComparison.Ordinal);
        using var missing = await http.GetAsync("nothing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Embeddings_FloatAndBase64_AreTheHashingEmbeddersVectors()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions { World = new SimulatedWorld() });
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        string[] inputs = ["Pick an arm.", "Explore first, then exploit."];
        var expected = new PromptOpt.Optimizers.Expo.HashingEmbeddingGenerator();

        foreach (var format in new[] { "float", "base64" })
        {
            var body = new JsonObject { ["model"] = "emb", ["input"] = new JsonArray(inputs.Select(i => (JsonNode)i).ToArray()), ["encoding_format"] = format };
            using var response = await http.PostAsync("embeddings", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("emb", json["model"]!.GetValue<string>());
            Assert.True(json["usage"]!["prompt_tokens"]!.GetValue<long>() > 0);
            var data = json["data"]!.AsArray();
            for (int i = 0; i < inputs.Length; i++)
            {
                Assert.Equal(i, data[i]!["index"]!.GetValue<int>());
                var vector = format == "float"
                    ? data[i]!["embedding"]!.AsArray().Select(x => x!.GetValue<float>()).ToArray()
                    : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(data[i]!["embedding"]!.GetValue<string>())).ToArray();
                Assert.Equal(expected.Embed(inputs[i]), vector);
            }
        }

        Assert.Equal(2, server.Stats.Embeddings);
        Assert.Equal(0, server.Stats.Completed);
    }

    [Theory]
    [InlineData("{\"model\":\"emb\"}")]
    [InlineData("{\"model\":\"emb\",\"input\":[]}")]
    [InlineData("{\"model\":\"emb\",\"input\":[\"\"]}")]
    [InlineData("{\"model\":\"emb\",\"input\":[[1,2,3]]}")]
    [InlineData("{\"model\":\"emb\",\"input\":\"x\",\"encoding_format\":\"int8\"}")]
    [InlineData("not json")]
    public async Task Embeddings_BadRequest_Is400WithOpenAIError(string body)
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions { World = new SimulatedWorld() });
        using var http = new HttpClient { BaseAddress = server.BaseUrl };

        using var response = await http.PostAsync("embeddings", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(0, server.Stats.Embeddings);
    }

    [Theory]
    [MemberData(nameof(SimFaults.Kinds), MemberType = typeof(SimFaults))]
    public async Task Faults_EachType_IsInjectedAtItsRate(string fault)
    {
        var task = SimTestTasks.Arithmetic(150);
        var faults = SimFaults.Of(fault, 1, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));

        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions { World = new SimulatedWorld([task]), Faults = faults });
        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(1.5) };
        await http.GetStringAsync("models"); // warm up, so the hang (not start-up) is what times out
        var body = "{\"model\":\"sim-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        HttpResponseMessage? response = null;
        Exception? error = null;
        try
        {
            response = await http.PostAsync("chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            error = ex;
        }

        using (response)
        {
            switch (fault)
            {
                case "429":
                    Assert.Equal(HttpStatusCode.TooManyRequests, response!.StatusCode);
                    Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter!.Delta);
                    break;
                case "500": Assert.Equal(HttpStatusCode.InternalServerError, response!.StatusCode); break;
                case "503": Assert.Equal(HttpStatusCode.ServiceUnavailable, response!.StatusCode); break;
                case "malformed":
                    Assert.Equal(HttpStatusCode.OK, response!.StatusCode);
                    Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(response.Content.ReadAsStringAsync().Result));
                    break;
                case "drop": Assert.IsType<HttpRequestException>(error); break;
                default: Assert.IsType<TaskCanceledException>(error); break;
            }
        }

        Assert.Equal(1, server.Stats.Faults);
    }

    [Theory]
    [MemberData(nameof(SimFaults.Kinds), MemberType = typeof(SimFaults))]
    public async Task Evaluate_UnderEachFault_ScoresEveryExampleOnceAndCountsRetries(string fault)
    {
        var task = BuiltInTasks.Create("multistep_arithmetic", seed: 2, trainSize: 20, testSize: 200);
        var world = new SimulatedWorld([task], new SimOptions { Seed = 3 });
        var faults = SimFaults.Of(fault, fault == "timeout" ? 0.1 : 0.2, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(60));

        await using var server = await SimulatorServer.StartAsync(new SimulatorServerOptions { World = world, Faults = faults, Seed = 1 });
        var meter = new UsageMeter();
        var pipeline = new ModelPipelineOptions
        {
            Usage = meter,
            MaxConcurrency = 16,
            // Only the timeout fault needs a short client timeout; elsewhere a short one would make slow answers on a
            // loaded machine look like timeouts (retried, so the server completes more than 200).
            RequestTimeout = fault == "timeout" ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(60),
            Retry = new ModelRetryOptions { MaxAttempts = 8, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(50), JitterSeed = 1 },
        };
        var client = ModelFactory.Create(ModelSpec.OpenAICompatible(server.BaseUrl, "sim-1"), ModelRoles.Task, pipeline);
        var prompt = task.OneLinePrompt;
        var options = new EvaluationOptions { MaxConcurrency = 16 };

        var result = await Evaluator.EvaluateAsync(client, prompt, task.Dataset.Test, task.Metric, options);
        var reference = await Evaluator.EvaluateAsync(world.CreateClient(), prompt, task.Dataset.Test, task.Metric, options);

        Assert.Equal(0, result.Errors);
        Assert.Equal(task.Dataset.Test.Select(e => e.Id), result.Results.Select(r => r.Example.Id));
        Assert.Equal(reference.Results.Select(r => r.Response), result.Results.Select(r => r.Response));
        Assert.Equal(reference.Score, result.Score);
        var stats = server.Stats;
        Assert.Equal(200, stats.Completed);
        Assert.True(stats.Faults > 5, $"faults {stats.Faults}");
        SimFaults.AssertRetriesMatchFaults(fault, stats.Faults, meter.Snapshot().For(ModelRoles.Task).Retries);
    }

    /// <summary>Captures the last request's messages and options.</summary>
    private sealed class ScriptCapture(IChatClient inner) : DelegatingChatClient(inner)
    {
        public (IReadOnlyList<ChatMessage> Messages, ChatOptions Options)? Last { get; private set; }

        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Last = (messages.ToList(), options!);
            return base.GetResponseAsync(messages, options, cancellationToken);
        }
    }
}
