namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/>: refilled at <c>ratePerSecond</c> continuously, holding at most one
/// second's worth (so a burst up to the rate passes at once, and a steady stream above it is refused in part). Thread-safe.
/// </summary>
internal sealed class TokenBucket
{
    private readonly double _rate;
    private readonly double _capacity;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private double _tokens;
    private long _refilled;

    public TokenBucket(double ratePerSecond, TimeProvider time)
    {
        _rate = ratePerSecond;
        _capacity = Math.Max(1, ratePerSecond);
        _time = time;
        _tokens = _capacity;
        _refilled = time.GetTimestamp();
    }

    /// <summary>Whether the bucket is full: nothing taken for at least a second (such a bucket can be forgotten).</summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
            {
                Refill();
                return _tokens >= _capacity;
            }
        }
    }

    /// <summary>Takes <paramref name="count"/> tokens if all of them are there; takes none otherwise.</summary>
    public bool TryTake(int count)
    {
        lock (_gate)
        {
            Refill();
            if (_tokens < count)
            {
                return false;
            }

            _tokens -= count;
            return true;
        }
    }

    /// <summary>Gives back tokens taken for something that was then refused elsewhere.</summary>
    public void Return(int count)
    {
        lock (_gate)
        {
            _tokens = Math.Min(_capacity, _tokens + count);
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_refilled, now).TotalSeconds;
        _refilled = now;
        if (elapsed > 0)
        {
            _tokens = Math.Min(_capacity, _tokens + (elapsed * _rate));
        }
    }
}
