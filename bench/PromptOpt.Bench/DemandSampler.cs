using System.Diagnostics;

namespace PromptOpt.Bench;

/// <summary>
/// Polls a run's <see cref="Models.UsageMeter.InFlight"/> (calls reserved and not yet recorded: waiting for a concurrency
/// slot or in flight) from a background thread every millisecond and integrates min(in flight, cap) over time: divided
/// by the wall time and the cap, the share of the configured concurrency the optimizer kept busy or queued. Unlike the
/// server's count it does not grow when a loaded machine stretches each request, so it separates an optimizer's
/// idleness from the load. Resolution: about one poll interval plus scheduling delay.
/// </summary>
internal sealed class DemandSampler : IDisposable
{
    private readonly Func<int> _read;
    private readonly int _cap;
    private readonly Thread _thread;
    private readonly long _startTicks = Stopwatch.GetTimestamp();
    private volatile bool _stop;
    private double _slotSeconds;

    public DemandSampler(Func<int> read, int cap)
    {
        _read = read;
        _cap = cap;
        _thread = new Thread(Poll) { IsBackground = true, Name = "demand-sampler" };
        _thread.Start();
    }

    /// <summary>Stops polling and returns the mean of min(in flight, cap) ÷ cap since the start.</summary>
    public double Stop()
    {
        _stop = true;
        _thread.Join();
        double wall = Stopwatch.GetElapsedTime(_startTicks).TotalSeconds;
        return wall <= 0 ? 0 : _slotSeconds / wall / _cap;
    }

    public void Dispose()
    {
        if (!_stop)
        {
            Stop();
        }
    }

    private void Poll()
    {
        long last = _startTicks;
        int value = 0;
        while (!_stop)
        {
            Thread.Sleep(1);
            long now = Stopwatch.GetTimestamp();
            _slotSeconds += Math.Min(value, _cap) * Stopwatch.GetElapsedTime(last, now).TotalSeconds;
            last = now;
            value = _read();
        }
    }
}
