using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PromptOpt.Simulation;
using PromptOpt.Simulation.Server;

namespace PromptOpt.Tests.Simulation;

/// <summary>
/// The recording/replaying simulator server behind <c>bench cost answers=recorded</c>: a recorded request is answered
/// with the recorded bytes (not recomputed), anything else falls back to the live simulator and is counted.
/// </summary>
public class ResponseRecordingTests
{
    [Fact]
    public async Task ReplayFrom_RecordedRequests_AnsweredWithTheRecordedBytes_MissesAnsweredLiveAndCounted()
    {
        var task = SimTestTasks.Arithmetic(150);
        var recording = new ResponseRecording();
        var bodies = task.Dataset.Test.Take(6).Select((e, i) => ChatBody(e.Input, stream: i == 5)).ToList();
        var embedding = "{\"model\":\"emb\",\"input\":[\"Pick an arm.\"]}";

        // Record with one world; replay on a server whose own world has another seed, so a live answer there would differ
        // (the model id, seed included, is in every completion): equal bytes can only come from the recording.
        var recorded = new List<byte[]>();
        await using (var recorder = await SimulatorServer.StartAsync(new SimulatorServerOptions
        {
            World = new SimulatedWorld([task], new SimOptions { Seed = 6 }),
            RecordTo = recording,
        }))
        {
            using var http = new HttpClient { BaseAddress = recorder.BaseUrl };
            foreach (var body in bodies.Take(5))
            {
                recorded.Add(await PostAsync(http, "chat/completions", body));
            }

            recorded.Add(await PostAsync(http, "chat/completions", bodies[5])); // stream: true, written as text
            recorded.Add(await PostAsync(http, "embeddings", embedding));
            Assert.Equal(6, recorder.Stats.Completed);
        }

        Assert.Equal(7, recording.Count);
        var replayWorld = new SimulatedWorld([task], new SimOptions { Seed = 7 });
        await using var replayer = await SimulatorServer.StartAsync(new SimulatorServerOptions { World = replayWorld, ReplayFrom = recording });
        await using var live = await SimulatorServer.StartAsync(new SimulatorServerOptions { World = replayWorld });
        using var replayHttp = new HttpClient { BaseAddress = replayer.BaseUrl };
        using var liveHttp = new HttpClient { BaseAddress = live.BaseUrl };

        for (int i = 0; i < bodies.Count; i++)
        {
            var replayed = await PostAsync(replayHttp, "chat/completions", bodies[i]);
            Assert.Equal(recorded[i], replayed); // byte for byte
            Assert.NotEqual(await PostAsync(liveHttp, "chat/completions", bodies[i]), replayed);
        }

        Assert.Equal(recorded[6], await PostAsync(replayHttp, "embeddings", embedding));
        Assert.Equal(7, recording.Hits);
        Assert.Equal(0, recording.Misses);

        // A request that was never recorded: answered by the replaying server's live simulator, and counted.
        var unseen = ChatBody(task.Dataset.Test[10].Input, stream: false);
        var fallback = await PostAsync(replayHttp, "chat/completions", unseen);
        Assert.Equal(Answer(await PostAsync(liveHttp, "chat/completions", unseen)), Answer(fallback));
        Assert.Equal(1, recording.Misses);
        Assert.Equal(7, recording.Hits);
        Assert.Equal(7, recording.Count); // a miss is not added

        // Counted at the server as the live answers would be (the bench's in-flight window reads these).
        Assert.Equal(8, replayer.Stats.Requests);
        Assert.Equal(7, replayer.Stats.Completed);
        Assert.Equal(1, replayer.Stats.Embeddings);
    }

    [Fact]
    public void Add_SameRequestTwice_KeepsTheFirstAndCountsADifferentSecondAnswer()
    {
        var recording = new ResponseRecording();
        var first = new RecordedResponse(200, "application/json", [1, 2, 3]);
        recording.Add("/v1/chat/completions", "{}", first);
        recording.Add("/v1/chat/completions", "{}", new RecordedResponse(200, "application/json", [1, 2, 3]));
        Assert.Equal(0, recording.Conflicts);
        recording.Add("/v1/chat/completions", "{}", new RecordedResponse(200, "application/json", [9]));

        Assert.Equal(1, recording.Conflicts);
        Assert.Equal((2 * "/v1/chat/completions\n{}".Length) + 3, recording.Bytes); // the first answer only
        Assert.True(recording.TryReplay("/v1/chat/completions", "{}", out var kept));
        Assert.Same(first, kept);
        Assert.False(recording.TryReplay("/v1/embeddings", "{}", out _)); // the path is part of the key
        Assert.False(recording.TryReplay("/v1/chat/completions", "{ }", out _)); // the exact body, not its JSON meaning
        Assert.Equal((1, 2), (recording.Hits, recording.Misses));
        recording.Clear();
        Assert.Equal((0, 0L), (recording.Count, recording.Bytes));
    }

    private static string ChatBody(string question, bool stream) => new JsonObject
    {
        ["model"] = "sim-1",
        ["temperature"] = 0,
        ["stream"] = stream,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Solve it step by step.\n\n" + question }),
    }.ToJsonString();

    private static async Task<byte[]> PostAsync(HttpClient http, string path, string body)
    {
        using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static string Answer(byte[] completion) =>
        JsonNode.Parse(completion)!["choices"]![0]!["message"]!["content"]!.GetValue<string>();
}
