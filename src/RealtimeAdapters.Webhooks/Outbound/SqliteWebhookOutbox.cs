using Microsoft.Data.Sqlite;

namespace RealtimeAdapters.Webhooks;

/// <summary>
/// An <see cref="IWebhookOutbox"/> in an SQLite file: pending deliveries and dead letters survive a restart of the
/// process. The file is created when missing; one file serves one dispatcher at a time.
/// </summary>
public sealed class SqliteWebhookOutbox : IWebhookOutbox, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    /// <summary>Opens (or creates) the outbox file.</summary>
    /// <param name="path">The file's path.</param>
    /// <exception cref="SqliteException">The file cannot be opened or is not an outbox.</exception>
    public SqliteWebhookOutbox(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS pending (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, type TEXT NOT NULL, endpoint TEXT NOT NULL, body BLOB NOT NULL,
                UNIQUE (id, endpoint));
            CREATE TABLE IF NOT EXISTS dead (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, type TEXT NOT NULL, endpoint TEXT NOT NULL, body BLOB NOT NULL,
                attempts INTEGER NOT NULL, status INTEGER, error TEXT, at INTEGER NOT NULL,
                UNIQUE (id, endpoint));
            """);
    }

    /// <inheritdoc />
    public void Add(IReadOnlyList<WebhookOutboxEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var entry in entries)
            {
                // The same event forwarded twice (same id) is one delivery: the receiver would deduplicate it anyway.
                InsertPending(transaction, entry.DeliveryId, entry.EventType, entry.Endpoint, entry.Body);
            }

            transaction.Commit();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<WebhookOutboxEntry> GetPending()
    {
        lock (_gate)
        {
            using var command = Command("SELECT id, type, endpoint, body FROM pending ORDER BY seq");
            using var reader = command.ExecuteReader();
            var entries = new List<WebhookOutboxEntry>();
            while (reader.Read())
            {
                entries.Add(new WebhookOutboxEntry(reader.GetString(0), reader.GetString(1), new Uri(reader.GetString(2)), (byte[])reader[3]));
            }

            return entries;
        }
    }

    /// <inheritdoc />
    public void Remove(string deliveryId, Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        lock (_gate)
        {
            DeletePending(null, deliveryId, endpoint);
        }
    }

    /// <inheritdoc />
    public void MoveToDeadLetters(WebhookDeadLetter deadLetter)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            DeletePending(transaction, deadLetter.DeliveryId, deadLetter.Endpoint);
            Execute(
                "INSERT OR REPLACE INTO dead (id, type, endpoint, body, attempts, status, error, at) VALUES ($id, $type, $endpoint, $body, $attempts, $status, $error, $at)",
                transaction,
                ("$id", deadLetter.DeliveryId),
                ("$type", deadLetter.EventType),
                ("$endpoint", deadLetter.Endpoint.AbsoluteUri),
                ("$body", deadLetter.Body.ToArray()),
                ("$attempts", deadLetter.Attempts),
                ("$status", deadLetter.LastStatusCode),
                ("$error", deadLetter.LastError),
                ("$at", deadLetter.DeadLetteredAt.ToUnixTimeMilliseconds()));
            transaction.Commit();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<WebhookDeadLetter> GetDeadLetters()
    {
        lock (_gate)
        {
            using var command = Command("SELECT id, type, endpoint, body, attempts, status, error, at FROM dead ORDER BY seq");
            using var reader = command.ExecuteReader();
            var letters = new List<WebhookDeadLetter>();
            while (reader.Read())
            {
                letters.Add(new WebhookDeadLetter(
                    reader.GetString(0),
                    reader.GetString(1),
                    new Uri(reader.GetString(2)),
                    (byte[])reader[3],
                    reader.GetInt32(4),
                    reader.IsDBNull(5) ? null : reader.GetInt32(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
            }

            return letters;
        }
    }

    /// <inheritdoc />
    public bool MoveToPending(WebhookDeadLetter deadLetter)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            var removed = Execute("DELETE FROM dead WHERE id = $id AND endpoint = $endpoint", transaction, ("$id", deadLetter.DeliveryId), ("$endpoint", deadLetter.Endpoint.AbsoluteUri));
            if (removed == 0)
            {
                return false;
            }

            InsertPending(transaction, deadLetter.DeliveryId, deadLetter.EventType, deadLetter.Endpoint, deadLetter.Body);
            transaction.Commit();
            return true;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private void InsertPending(SqliteTransaction transaction, string id, string type, Uri endpoint, ReadOnlyMemory<byte> body) =>
        Execute("INSERT OR IGNORE INTO pending (id, type, endpoint, body) VALUES ($id, $type, $endpoint, $body)", transaction,
            ("$id", id), ("$type", type), ("$endpoint", endpoint.AbsoluteUri), ("$body", body.ToArray()));

    private void DeletePending(SqliteTransaction? transaction, string id, Uri endpoint) =>
        Execute("DELETE FROM pending WHERE id = $id AND endpoint = $endpoint", transaction, ("$id", id), ("$endpoint", endpoint.AbsoluteUri));

    private SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private int Execute(string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteNonQuery();
    }
}
