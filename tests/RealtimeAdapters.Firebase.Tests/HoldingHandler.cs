namespace RealtimeAdapters.Firebase.Tests;

/// <summary>Forwards requests to the emulator, holding writes (anything but GET) until <see cref="Release"/> is called.</summary>
internal sealed class HoldingHandler : DelegatingHandler
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HoldingHandler()
        : base(new SocketsHttpHandler())
    {
    }

    /// <summary>Completes when the first write reached the handler (and is being held).</summary>
    public TaskCompletionSource WriteHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release.TrySetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Get)
        {
            WriteHeld.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
