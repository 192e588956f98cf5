using Microsoft.Extensions.Time.Testing;

namespace RealtimeAdapters.Emulator.Tests.Infrastructure;

/// <summary>A fake clock that signals when the code under test starts a timer of a given due time, so that a test advances time only after it.</summary>
internal sealed class TimerWatchingTime(TimeSpan watchedDueTime) : FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
{
    public TaskCompletionSource Created { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime == watchedDueTime)
        {
            Created.TrySetResult();
        }

        return timer;
    }
}
