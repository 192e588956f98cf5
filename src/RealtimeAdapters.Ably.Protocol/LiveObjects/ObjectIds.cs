using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>
/// Object ids (RTO14): <c>type:hash@msTimestamp</c> with <c>hash = base64url(SHA-256(initialValue + ":" + nonce))</c>;
/// <c>root</c> is the root map.
/// </summary>
public static class ObjectIds
{
    /// <summary>The id of every channel's root map.</summary>
    public const string Root = "root";

    /// <summary>The encoded empty map every map this store creates starts from (its entries are set by later operations).</summary>
    public static readonly string EmptyMapInitialValue = ObjectMessageCodec.MapCreateText(new ObjectsMap());

    /// <summary>An object id <c>type:base64url(sha256(initialValue:nonce))@msTimestamp</c> (RTO14), as a client derives it for a create.</summary>
    public static string Create(string type, string initialValue, string nonce, long msTimestamp) =>
        type + ":" + Hash(initialValue, nonce) + "@" + msTimestamp.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="objectId"/> is the id of an object of <paramref name="type"/> made from this create.</summary>
    public static bool Matches(string objectId, string type, string initialValue, string nonce)
    {
        var at = objectId.LastIndexOf('@');
        var prefix = type + ":";
        return at > prefix.Length && objectId.StartsWith(prefix, StringComparison.Ordinal) &&
            long.TryParse(objectId.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _) &&
            objectId.AsSpan(prefix.Length, at - prefix.Length).SequenceEqual(Hash(initialValue, nonce));
    }

    /// <summary>The type of an id (<c>map</c> or <c>counter</c>), or null when it does not parse.</summary>
    public static string? TypeOf(string objectId)
    {
        if (objectId == Root)
        {
            return "map";
        }

        var colon = objectId.IndexOf(':', StringComparison.Ordinal);
        var at = objectId.LastIndexOf('@');
        if (colon <= 0 || at <= colon + 1)
        {
            return null;
        }

        var type = objectId[..colon];
        return type is "map" or "counter" ? type : null;
    }

    /// <summary>
    /// The id of the map this store creates as <paramref name="key"/> of the map <paramref name="parent"/> when no map is
    /// there: the same on every client that sees the same entry, so two clients that create the same missing parent
    /// concurrently create one map and neither's entries are lost (the spec's risk R1). <paramref name="generation"/> is the
    /// serial of the entry the new map replaces (a removal's tombstone, a leaf), null when the key never held anything: a
    /// location re-created after a removal gets a fresh map, not the removed one with its old entries. The nonce is derived
    /// and the timestamp fixed; the id still verifies as a hash of its create.
    /// </summary>
    public static string ForEntry(string parent, string key, string? generation) =>
        Create("map", EmptyMapInitialValue, EntryNonce(parent, key, generation), 0);

    /// <summary>The nonce of <see cref="ForEntry"/>: 16+ characters, as ably-js requires of a nonce.</summary>
    public static string EntryNonce(string parent, string key, string? generation) =>
        "path-" + Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes("realtimeadapters:" + parent + "\n" + key + "\n" + generation)))[..22];

    private static string Hash(string initialValue, string nonce) =>
        Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(initialValue + ":" + nonce)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
