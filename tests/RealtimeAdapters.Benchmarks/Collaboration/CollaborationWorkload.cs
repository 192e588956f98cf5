using RealtimeAdapters.Collaboration;

namespace RealtimeAdapters.Benchmarks.Collaboration;

/// <summary>
/// A replica's random edits and the operations they produce: 30% list appends, 10% list updates, 10% list removals, 10%
/// moves to a random index, 20% writes of a 1,000-key map, 20% adds and removes in a 500-element set. Seeded, so every
/// run makes the same history.
/// </summary>
internal static class CollaborationWorkload
{
    public static List<CrdtOperation> Record(int edits, int seed = 42)
    {
        var operations = new List<CrdtOperation>(edits);
        var document = new CollaborativeDocument(new CollaborativeDocumentOptions { ReplicaId = "a#bench", ClientId = "a" });
        document.OperationSink = operations.Add;
        var list = document.GetList<string>("list");
        var map = document.GetMap<int>("map");
        var set = document.GetSet<int>("set");
        var random = new Random(seed);
        for (var i = 0; i < edits; i++)
        {
            var roll = random.Next(100);
            switch (roll)
            {
                case < 30:
                    list.Add("item " + i);
                    break;
                case < 40 when list.Count > 0:
                    list.Set(random.Next(list.Count), "edited " + i);
                    break;
                case < 50 when list.Count > 0:
                    list.RemoveAt(random.Next(list.Count));
                    break;
                case < 60 when list.Count > 1:
                    list.Move(random.Next(list.Count), random.Next(list.Count));
                    break;
                case < 80:
                    map.Set("k" + random.Next(1000), i);
                    break;
                default:
                    var element = random.Next(500);
                    if (random.Next(2) == 0)
                    {
                        set.Add(element);
                    }
                    else
                    {
                        set.Remove(element);
                    }

                    break;
            }
        }

        return operations;
    }

    /// <summary>A fresh replica with the same objects viewed, to merge into.</summary>
    public static CollaborativeDocument Replica()
    {
        var document = new CollaborativeDocument(new CollaborativeDocumentOptions { ReplicaId = "b#bench", ClientId = "b", MaxClockDrift = null });
        document.GetList<string>("list");
        document.GetMap<int>("map");
        document.GetSet<int>("set");
        return document;
    }
}
