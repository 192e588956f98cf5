namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>
/// A create as a client sends it (<c>mapCreateWithObjectId</c> / <c>counterCreateWithObjectId</c>): the JSON text of the
/// encoded <c>MapCreate</c> / <c>CounterCreate</c> and the nonce the object id was hashed with.
/// </summary>
public sealed record ObjectCreate(string InitialValue, string Nonce);
