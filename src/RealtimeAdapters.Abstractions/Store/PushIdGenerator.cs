using System.Security.Cryptography;

namespace RealtimeAdapters;

/// <summary>
/// Generates Firebase push ids: 20 characters, the first 8 the time in milliseconds in a base-64 alphabet whose ASCII
/// order is its numeric order, the last 12 random. Ids from one generator are strictly increasing: within one millisecond
/// (or if the clock steps back) the random part is incremented instead of regenerated. Thread-safe.
/// </summary>
public sealed class PushIdGenerator
{
    /// <summary>The alphabet, in ascending order.</summary>
    public const string Alphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly int[] _random = new int[12];
    private long _lastTime = long.MinValue;

    /// <summary>Creates a generator.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when omitted.</param>
    public PushIdGenerator(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>A process-wide generator on the system clock.</summary>
    public static PushIdGenerator Shared { get; } = new();

    /// <summary>The next id.</summary>
    public string Next()
    {
        Span<char> id = stackalloc char[20];
        lock (_gate)
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            if (now <= _lastTime)
            {
                now = _lastTime;
                var i = 11;
                for (; i >= 0 && _random[i] == 63; i--)
                {
                    _random[i] = 0;
                }

                if (i < 0)
                {
                    // 72 bits exhausted within one millisecond: move to the next millisecond instead of repeating.
                    now = _lastTime + 1;
                    FillRandom();
                }
                else
                {
                    _random[i]++;
                }
            }
            else
            {
                FillRandom();
            }

            _lastTime = now;
            var t = now;
            for (var i = 7; i >= 0; i--)
            {
                id[i] = Alphabet[(int)(t % 64)];
                t /= 64;
            }

            for (var i = 0; i < 12; i++)
            {
                id[8 + i] = Alphabet[_random[i]];
            }
        }

        return new string(id);
    }

    private void FillRandom()
    {
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        for (var i = 0; i < 12; i++)
        {
            _random[i] = bytes[i] & 63;
        }
    }
}
