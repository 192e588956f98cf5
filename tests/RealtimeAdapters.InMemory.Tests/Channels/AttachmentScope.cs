using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.InMemory.Tests.Channels;

/// <summary>Disposes a hub subscription at the end of a test's scope.</summary>
internal sealed class AttachmentScope(MessageAttachment attachment) : IDisposable
{
    public MessageAttachment Attachment { get; } = attachment;

    public void Dispose() => Attachment.Subscription.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
