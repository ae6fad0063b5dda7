using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using OpenTelemetry;
using OpenTelemetry.Trace;
using PromptOpt.Models;
using PromptOpt.Storage;
using PromptOpt.Telemetry;
using PromptOpt.Tests.Models;

namespace PromptOpt.Tests.Telemetry;

/// <summary>
/// What an application that wires up the OpenTelemetry SDK sees (in-memory exporter, <c>AddSource("PromptOpt")</c>) for chat
/// calls of a model built by <see cref="ModelFactory.Create"/> over real HTTP: the standard GenAI span of
/// Microsoft.Extensions.AI's <c>UseOpenTelemetry()</c> with PromptOpt's attributes beside the standard ones.
/// </summary>
public sealed class OpenTelemetryExportTests
{
    [Fact]
    public async Task ModelFactoryPipeline_ChatCall_ExportsStandardGenAiSpanWithPromptOptAttributes()
    {
        var model = "otel-" + Guid.NewGuid().ToString("N")[..12]; // spans of parallel tests are told apart by the model
        await using var server = await LoopbackServer.StartAsync(ScriptedResponse.Completion("4", 21, 3, model));
        var exported = new List<Activity>();
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource(PromptOptTelemetry.Name).AddInMemoryExporter(exported).Build())
        {
            using var client = ModelFactory.Create(
                ModelSpec.Parse($"openai-compatible:{server.BaseUrl.ToString().TrimEnd('/')}|{model}"),
                ModelRoles.Task,
                new ModelPipelineOptions { Cache = new InMemoryResponseCache(), Environment = _ => null });
            var options = new ChatOptions { Temperature = 0 }.WithPromptOpt(ModelRoles.Optimizer, new LlmOperation("analyze_failures", new System.Text.Json.Nodes.JsonObject()));

            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "What is 2+2?")], options);
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "What is 2+2?")], options); // answered by the cache
            tracing.ForceFlush();
        }

        var spans = exported.Where(a => Equals(a.GetTagItem("gen_ai.request.model"), model)).OrderBy(a => a.StartTimeUtc).ToList();
        Assert.Equal(2, spans.Count);
        Assert.Single(server.Requests);
        foreach (var span in spans)
        {
            // The standard GenAI semantic conventions, from Microsoft.Extensions.AI's OpenTelemetryChatClient.
            Assert.Equal("chat " + model, span.DisplayName);
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal("chat", span.GetTagItem("gen_ai.operation.name"));
            Assert.Equal("openai-compatible", span.GetTagItem("gen_ai.provider.name"));
            Assert.Equal(model, span.GetTagItem("gen_ai.response.model"));
            Assert.Equal(21L, Convert.ToInt64(span.GetTagItem("gen_ai.usage.input_tokens"), CultureInfo.InvariantCulture));
            Assert.Equal(3L, Convert.ToInt64(span.GetTagItem("gen_ai.usage.output_tokens"), CultureInfo.InvariantCulture));
            Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));

            // Ours, beside them.
            Assert.Equal("optimizer", span.GetTagItem("promptopt.role"));
            Assert.Equal("analyze_failures", span.GetTagItem("promptopt.op"));

            // Prompts and answers are not recorded (no sensitive data by default).
            Assert.DoesNotContain(span.Tags, t => t.Value?.Contains("2+2", StringComparison.Ordinal) == true);
        }

        Assert.Equal([false, true], spans.Select(s => (bool)s.GetTagItem("promptopt.cache_hit")!));
    }
}
