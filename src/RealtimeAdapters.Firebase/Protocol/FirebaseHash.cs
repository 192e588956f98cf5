using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RealtimeAdapters.Firebase.Protocol;

/// <summary>
/// The hash the official SDKs compute over their cached data: sent with a listen (so that an unchanged cache need not be
/// sent again) and with a transaction's put (which must fail with <c>datastale</c> when the data moved on). Base64 of the
/// SHA-1 of a text form of the node: leaves as <c>type:value</c>, objects as <c>:key:childHash</c> per non-empty child in
/// priority order, each prefixed by <c>priority:…:</c> when there is one; the empty node hashes to the empty string.
/// Numbers are rendered the way the SDK renders them, including its rounding quirks, or a client's transaction on such a
/// number would never match.
/// </summary>
public static class FirebaseHash
{
    // Math.LN2 in JavaScript: the divisor must be the same double for the exponent estimate to agree.
    private const double Ln2 = 0.6931471805599453;

    /// <summary>The hash of <paramref name="node"/> (empty for <see cref="DataNode.Null"/>).</summary>
    public static string Of(DataNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.IsNull)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        if (!node.Priority.IsNull)
        {
            text.Append("priority:").Append(LeafText(node.Priority)).Append(':');
        }

        if (node.Kind == DataNodeKind.Object)
        {
            var children = node.EnumerateChildren().ToList();

            // Priority order (no priority, numbers, strings; ties by key), as the SDK walks its children.
            children.Sort(ChildOrder.Default);
            foreach (var (key, child) in children)
            {
                var hash = Of(child);
                if (hash.Length > 0)
                {
                    text.Append(':').Append(key).Append(':').Append(hash);
                }
            }

            if (text.Length == 0)
            {
                return string.Empty;
            }
        }
        else
        {
            text.Append(LeafText(node));
        }

#pragma warning disable CA5350 // Not a security use: the protocol fixes SHA-1 as the fingerprint clients compare with.
        return Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(text.ToString())));
#pragma warning restore CA5350
    }

    private static string LeafText(DataNode leaf) => leaf.Kind switch
    {
        DataNodeKind.Number => "number:" + NumberText(leaf.GetNumber()),
        DataNodeKind.String => "string:" + leaf.GetString(),
        DataNodeKind.Boolean => leaf.GetBoolean() ? "boolean:true" : "boolean:false",
        _ => throw new ArgumentException($"A {leaf.Kind} is not a leaf that can be hashed.", nameof(leaf)),
    };

    /// <summary>
    /// The 16 hex digits the SDK writes for a double. It does not read the bits: it estimates the exponent from a
    /// logarithm and rounds the scaled mantissa, so where the estimate is off by one (just below some powers of two, the
    /// smallest magnitudes) its digits differ from the IEEE-754 bits, and the hash must differ the same way.
    /// </summary>
    internal static string NumberText(double value)
    {
        const int bias = 1023;
        double exponent, fraction;
        bool negative;
        if (value == 0)
        {
            exponent = 0;
            fraction = 0;
            negative = double.IsNegative(value);
        }
        else
        {
            negative = value < 0;
            value = Math.Abs(value);
            if (value >= Math.ScaleB(1, 1 - bias))
            {
                var log = Math.Min(Math.Floor(Math.Log(value) / Ln2), bias);
                exponent = log + bias;
                fraction = RoundHalfUp((value * Math.ScaleB(1, (int)(52 - log))) - Math.ScaleB(1, 52));
            }
            else
            {
                exponent = 0;
                fraction = RoundHalfUp(value / Math.ScaleB(1, 1 - bias - 52));
            }
        }

        // Bit by bit from the low end, with JavaScript's remainder and truthiness: a fraction estimated negative or
        // overflowing to infinity yields the same (odd) bits as in the SDK.
        ulong bits = 0;
        for (var i = 0; i < 52; i++)
        {
            if (IsTruthy(fraction % 2))
            {
                bits |= 1UL << i;
            }

            fraction = Math.Floor(fraction / 2);
        }

        for (var i = 0; i < 11; i++)
        {
            if (IsTruthy(exponent % 2))
            {
                bits |= 1UL << (52 + i);
            }

            exponent = Math.Floor(exponent / 2);
        }

        if (negative)
        {
            bits |= 1UL << 63;
        }

        return bits.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static bool IsTruthy(double value) => value != 0 && !double.IsNaN(value);

    /// <summary>JavaScript's Math.round: halves go up (towards positive infinity), not to even.</summary>
    private static double RoundHalfUp(double value)
    {
        if (!double.IsFinite(value))
        {
            return value;
        }

        var floor = Math.Floor(value);
        return value - floor >= 0.5 ? floor + 1 : floor;
    }
}
