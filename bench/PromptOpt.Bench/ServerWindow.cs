using System.Diagnostics;
using PromptOpt.Simulation.Server;

namespace PromptOpt.Bench;

/// <summary>
/// Watches a <see cref="SimulatorServer"/>'s counters from a background thread (polled every millisecond) and records when
/// the first chat request of a measurement arrived and when the last one completed: the "server window", which leaves
/// out each client's process start-up and shut-down. Resolution: about one poll interval plus scheduling delay.
/// </summary>
internal sealed class ServerWindow : IDisposable
{
    private readonly SimulatorServer _server;
    private readonly Thread _thread;
    private readonly Lock _gate = new();
    private volatile bool _stop;
    private long _baseRequests, _baseCompleted, _lastCompleted, _firstTicks, _lastTicks, _maxInFlight;

    public ServerWindow(SimulatorServer server)
    {
        _server = server;
        Reset();
        _thread = new Thread(Poll) { IsBackground = true, Name = "server-window" };
        _thread.Start();
    }

    /// <summary>Starts a new measurement from the current counters.</summary>
    public void Reset()
    {
        var s = _server.Stats;
        lock (_gate)
        {
            _baseRequests = s.Requests;
            _baseCompleted = s.Completed;
            _lastCompleted = s.Completed;
            _firstTicks = 0;
            _lastTicks = 0;
            _maxInFlight = 0;
        }
    }

    /// <summary>
    /// Gets the chat requests received and completed since <see cref="Reset"/>, the window between the first and the last,
    /// and the most requests seen in flight at once (received − completed at a poll).
    /// </summary>
    public (long Requests, long Completed, TimeSpan Window, long MaxInFlight) Read()
    {
        Thread.Sleep(5); // let the poller see the final counters
        var s = _server.Stats;
        lock (_gate)
        {
            var window = _firstTicks == 0 || _lastTicks == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_firstTicks, _lastTicks);
            return (s.Requests - _baseRequests, s.Completed - _baseCompleted, window, _maxInFlight);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Poll()
    {
        while (!_stop)
        {
            var s = _server.Stats;
            long now = Stopwatch.GetTimestamp();
            lock (_gate)
            {
                if (_firstTicks == 0 && s.Requests > _baseRequests)
                {
                    _firstTicks = now;
                }

                _maxInFlight = Math.Max(_maxInFlight, s.Requests - s.Completed);
                if (s.Completed != _lastCompleted)
                {
                    _lastCompleted = s.Completed;
                    _lastTicks = now;
                }
            }

            Thread.Sleep(1);
        }
    }
}
