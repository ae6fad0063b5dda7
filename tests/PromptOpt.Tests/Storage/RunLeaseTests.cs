using System.Diagnostics;
using PromptOpt.Storage;
using PromptOpt.Tests.Models;
using PromptOpt.Tests.TestDoubles;

namespace PromptOpt.Tests.Storage;

/// <summary>Run leases (issue 16, item 1): one holder per run across processes; a dead holder's lease is taken over.</summary>
public sealed class RunLeaseTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string DbPath => Path.Combine(_dir.Path, "s.db");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AcquireAsync_TwoStoresOnOneFile_SecondIsRefusedNamingTheHolderUntilReleased()
    {
        using var a = new PromptOptStore(DbPath);
        using var b = new PromptOptStore(DbPath); // a second connection, as a second process has

        var lease = await RunLease.AcquireAsync(a, "run-1");
        var refused = await Assert.ThrowsAsync<RunInUseException>(() => RunLease.AcquireAsync(b, "run-1"));
        await using (await RunLease.AcquireAsync(b, "run-2"))
        {
            // another run is not blocked
        }

        Assert.Equal(lease.Holder.Token, refused.Holder!.Token);
        Assert.Contains($"is being run by process {Environment.ProcessId} on {Environment.MachineName}", refused.Message);
        await lease.DisposeAsync();
        await using var again = await RunLease.AcquireAsync(b, "run-1");
        Assert.NotEqual(lease.Holder.Token, again.Holder.Token);
    }

    [Fact]
    public async Task TryAcquireLeaseAsync_HolderProcessHasExited_TakesTheLeaseOver()
    {
        using var store = new PromptOptStore(DbPath);
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await exited.WaitForExitAsync();
        var dead = new RunLeaseHolder(exited.Id, Environment.MachineName, "dead", DateTimeOffset.UtcNow.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(-5));
        Assert.Null(await store.TryAcquireLeaseAsync("run-1", dead)); // the row a killed process left behind

        await using var lease = await RunLease.AcquireAsync(store, "run-1");

        Assert.Null(await store.TryAcquireLeaseAsync("run-1", lease.Holder)); // ours now
    }

    [Fact]
    public async Task TryAcquireLeaseAsync_HolderOnAnotherHost_AliveUntilNotRenewedForTheStalePeriod()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        using var store = new PromptOptStore(DbPath, clock);
        var remote = new RunLeaseHolder(4242, "another-host", "remote", clock.GetUtcNow(), clock.GetUtcNow());
        Assert.Null(await store.TryAcquireLeaseAsync("run-1", remote));
        var mine = RunLeaseHolder.ForThisProcess(clock);

        clock.Advance(RunLeaseHolder.StaleAfter - TimeSpan.FromSeconds(1));
        Assert.Equal("remote", (await store.TryAcquireLeaseAsync("run-1", mine))?.Token);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await store.TryAcquireLeaseAsync("run-1", mine));
    }

    [Fact]
    public async Task InMemoryRunStore_LeasesBehaveLikeTheFileStore()
    {
        var store = new InMemoryRunStore();
        var lease = await RunLease.AcquireAsync(store, "run-1");

        await Assert.ThrowsAsync<RunInUseException>(() => RunLease.AcquireAsync(store, "run-1"));
        await lease.DisposeAsync();
        await using var again = await RunLease.AcquireAsync(store, "run-1");
    }

    [Fact]
    public async Task RunRecorder_EveryAttemptKeepsItsUsage_ClearProgressKeepsAttempts()
    {
        using var store = new PromptOptStore(DbPath);
        var start = new RunStart("run-1", "ape", """{"method":"ape"}""", 1, new Dictionary<string, string>());
        var usage = new PromptOpt.Models.UsageSnapshot(new Dictionary<string, PromptOpt.Models.RoleUsage>
        {
            ["task"] = new(10, 7, 3, 100, 50, 70, 35, 0.5m, 2),
        });

        var first = await RunRecorder.StartAsync(store, start);
        await first.StopAsync(RunStatus.Interrupted, usage);
        var second = await RunRecorder.StartAsync(store, start);
        await second.StopAsync(RunStatus.Failed, usage with { ByRole = new Dictionary<string, PromptOpt.Models.RoleUsage> { ["task"] = new(10, 0, 10, 100, 50, 0, 0, 0m, 0) } });

        var attempts = await store.GetAttemptsAsync("run-1");
        Assert.Equal([1, 2], attempts.Select(a => a.Attempt));
        Assert.Equal([RunStatus.Interrupted, RunStatus.Failed], attempts.Select(a => a.Status));
        Assert.Equal(7, RunRecorder.ReadUsage(attempts[0])!.Total.PaidCalls);
        Assert.Equal(10, RunRecorder.ReadUsage(attempts[1])!.Total.CachedCalls);
        Assert.Equal(2, second.Attempt);
    }

    [Fact]
    public async Task OpenReadOnly_ReadsRuns_WritesFailAsNotWritable()
    {
        using (var store = new PromptOptStore(DbPath))
        {
            await store.CreateOrOpenRunAsync(new RunStart("run-1", "ape", "{}", 1, new Dictionary<string, string>()));
        }

        using var readOnly = PromptOptStore.OpenReadOnly(DbPath);

        Assert.True(readOnly.IsReadOnly);
        Assert.Equal("run-1", Assert.Single(await readOnly.ListRunsAsync()).RunId);
        var ex = Assert.ThrowsAny<Exception>(() => readOnly.SetStatusAsync("run-1", RunStatus.Failed).GetAwaiter().GetResult());
        Assert.Equal(StoreProblem.NotWritable, StoreErrors.Describe(DbPath, ex)?.Problem);
    }
}
