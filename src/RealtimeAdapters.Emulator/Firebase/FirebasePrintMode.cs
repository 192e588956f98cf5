namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>The <c>print</c> query parameter.</summary>
internal enum FirebasePrintMode
{
    Default,
    Pretty,
    Silent,
}
