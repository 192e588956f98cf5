using Microsoft.Data.Sqlite;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// A durable queue in a SQLite file (Microsoft.Data.Sqlite): edits made offline survive a restart of the process and are
/// sent when the next <see cref="CollaborationSession"/> on the same file connects. One file per document; one session
/// at a time.
/// </summary>
public sealed class SqliteOfflineStore : IOfflineStore
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _initialized;
    private bool _disposed;

    /// <summary>Opens (or creates) the queue in a file.</summary>
    /// <param name="path">The SQLite file's path.</param>
    public SqliteOfflineStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        // No pooling: disposing the queue closes the file, so that another process (or a test) can open it at once.
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public async ValueTask<OfflineState> LoadAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
            string? replicaId = null, snapshot = null;
            using (var meta = Command("SELECT key, value FROM meta"))
            using (var reader = await meta.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    switch (reader.GetString(0))
                    {
                        case "replica": replicaId = reader.GetString(1); break;
                        case "snapshot": snapshot = reader.GetString(1); break;
                    }
                }
            }

            var pending = new List<QueuedOperation>();
            using (var select = Command("SELECT id, json FROM pending ORDER BY seq"))
            using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    pending.Add(new QueuedOperation(reader.GetString(0), reader.GetString(1)));
                }
            }

            return new OfflineState(replicaId, snapshot, pending);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask EnqueueAsync(IReadOnlyList<QueuedOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = _connection.BeginTransaction();
            using var insert = Command("INSERT OR IGNORE INTO pending (id, json) VALUES ($id, $json)");
            insert.Transaction = transaction;
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var json = insert.Parameters.Add("$json", SqliteType.Text);
            foreach (var op in operations)
            {
                id.Value = op.Id;
                json.Value = op.Json;
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            transaction.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>One SQLite transaction per edit, committed before the call returns (synchronous: Microsoft.Data.Sqlite does
    /// its I/O synchronously in any case).</remarks>
    public void Enqueue(QueuedOperation operation)
    {
        _gate.Wait();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_initialized)
            {
                InitializeAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }

            using var insert = Command("INSERT OR IGNORE INTO pending (id, json) VALUES ($id, $json)");
            insert.Parameters.AddWithValue("$id", operation.Id);
            insert.Parameters.AddWithValue("$json", operation.Json);
            insert.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = _connection.BeginTransaction();
            using var delete = Command("DELETE FROM pending WHERE id = $id");
            delete.Transaction = transaction;
            var parameter = delete.Parameters.Add("$id", SqliteType.Text);
            foreach (var id in ids)
            {
                parameter.Value = id;
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            transaction.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(string replicaId, string? snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replicaId);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = _connection.BeginTransaction();
            using var upsert = Command("INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
            upsert.Transaction = transaction;
            var key = upsert.Parameters.Add("$key", SqliteType.Text);
            var value = upsert.Parameters.Add("$value", SqliteType.Text);
            key.Value = "replica";
            value.Value = replicaId;
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (snapshot is not null)
            {
                key.Value = "snapshot";
                value.Value = snapshot;
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            transaction.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_disposed)
            {
                _disposed = true;
                await _connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_initialized)
        {
            return;
        }

        await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var create = Command(
            "PRAGMA journal_mode=WAL;" +
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" +
            "CREATE TABLE IF NOT EXISTS pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, json TEXT NOT NULL);");
        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _initialized = true;
    }
}
