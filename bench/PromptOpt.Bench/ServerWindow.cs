using System.Diagnostics;
using PromptOpt.Simulation.Server;

namespace PromptOpt.Bench;

/// <summary>
/// Watches a <see cref="SimulatorServer"/>'s counters from a background thread (polled every millisecond) and records when
/// the first chat request of a measurement arrived and when the last one completed: the "server window", which leaves
/// out each client's process start-up and shut-down; and the time integral of the requests in flight at the server
/// (received − completed, held constant between polls), whose mean over a run shows how full the client kept its
/// concurrency whatever the machine's load. Resolution: about one poll interval plus scheduling delay.
/// </summary>
internal sealed class ServerWindow : IDisposable
{
    private readonly SimulatorServer _server;
    private readonly Thread _thread;
    private readonly Lock _gate = new();
    private volatile bool _stop;
    private long _baseRequests, _baseCompleted, _lastCompleted, _firstTicks, _lastTicks, _maxInFlight, _lastPollTicks, _lastInFlight;
    private double _inFlightSeconds;

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
            _inFlightSeconds = 0;
            _lastPollTicks = Stopwatch.GetTimestamp();
            _lastInFlight = s.Requests - s.Completed;
        }
    }

    /// <summary>
    /// Gets the time integral of the chat requests in flight at the server since <see cref="Reset"/> (request-seconds);
    /// divided by a wall time and the concurrency it is the mean fraction of the slots in use.
    /// </summary>
    public double InFlightSeconds()
    {
        Thread.Sleep(5); // let the poller see the final counters
        lock (_gate)
        {
            return _inFlightSeconds;
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

                long inFlight = s.Requests - s.Completed;
                _inFlightSeconds += _lastInFlight * Stopwatch.GetElapsedTime(_lastPollTicks, now).TotalSeconds;
                _lastPollTicks = now;
                _lastInFlight = inFlight;
                _maxInFlight = Math.Max(_maxInFlight, inFlight);
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
