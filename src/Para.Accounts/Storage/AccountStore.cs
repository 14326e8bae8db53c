using LiteDB;

namespace Para.Accounts.Storage;

/// <summary>
/// The one place that reads and writes <c>accounts.db</c> (LiteDB, AES-encrypted with the database
/// password). Every change is one document update, so a crash leaves the old document or the new
/// one; read-modify-write sequences run under one lock so that concurrent callers never lose a change.
/// </summary>
/// <remarks>
/// Reads come from an in-memory copy of every account, loaded at open. It stays coherent because
/// this process is the file's only user (<see cref="StoreLock"/>) and every account write goes
/// through <see cref="Write{TResult}"/>, which changes the copy only after LiteDB has written the
/// document. The copy's records are never handed out: reads return clones, so a caller that edits
/// what it got changes nothing here (docs/decisions/0011-account-store-cache.md).
/// </remarks>
internal sealed class AccountStore : IDisposable
{
    public const string FileName = "accounts.db";
    public const int RequestHistoryLimit = 100;

    private readonly Lock _gate = new();
    private readonly StoreLock _processLock;
    private readonly LiteDatabase _database;
    private readonly ILiteCollection<AccountRecord> _accounts;
    private readonly ILiteCollection<PendingOAuthSession> _sessions;
    private readonly ILiteCollection<GatewayKeyRecord> _gatewayKeys;

    /// <summary>What the file holds, swapped whole after each successful write; read without the lock.</summary>
    private volatile AccountSnapshot _snapshot;

    private AccountStore(StoreLock processLock, LiteDatabase database)
    {
        _processLock = processLock;
        _database = database;
        _accounts = database.GetCollection<AccountRecord>("accounts");
        _accounts.EnsureIndex(account => account.NameKey, unique: true);
        _sessions = database.GetCollection<PendingOAuthSession>("oauth_sessions");
        _gatewayKeys = database.GetCollection<GatewayKeyRecord>("gateway_keys");
        _gatewayKeys.EnsureIndex(key => key.NameKey, unique: true);
        _gatewayKeys.EnsureIndex(key => key.Hash, unique: true);
        _snapshot = AccountSnapshot.Of(_accounts.FindAll());
    }

    public string DatabasePath { get; private init; } = "";

    /// <summary>Changes with every account write that reached the file; equal versions mean equal contents.</summary>
    public long Version => _snapshot.Version;

    /// <summary>Takes the process lock, then opens (or creates) the encrypted database.</summary>
    public static AccountStore Open(string dataDirectory, string password)
    {
        var path = Path.Combine(dataDirectory, FileName);
        var processLock = StoreLock.Acquire(path);
        try
        {
            var connection = new ConnectionString
            {
                Filename = path,
                Password = password,
                Connection = ConnectionType.Direct,
            };
            var database = new LiteDatabase(connection, new BsonMapper());
            RestrictToOwner(path);
            return new AccountStore(processLock, database) { DatabasePath = path };
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INVALID_PASSWORD)
        {
            processLock.Dispose();
            throw new AccountStoreOpenException($"The account database '{path}' does not open with this password (PARA_DB_PASSWORD or db.key).", exception);
        }
        catch
        {
            processLock.Dispose();
            throw;
        }
    }

    /// <summary>Every account by priority, then name; copies the caller may change freely.</summary>
    public IReadOnlyList<AccountRecord> List()
    {
        var ordered = _snapshot.Ordered;
        var copies = new AccountRecord[ordered.Length];
        for (var index = 0; index < ordered.Length; index++)
        {
            copies[index] = ordered[index].Clone();
        }

        return copies;
    }

    /// <summary>Finds by id first, then by name regardless of case; a copy.</summary>
    public AccountRecord? Find(string idOrName)
    {
        if (string.IsNullOrWhiteSpace(idOrName))
        {
            return null;
        }

        var snapshot = _snapshot;
        return (snapshot.ById.GetValueOrDefault(idOrName.Trim()) ?? snapshot.ByName(idOrName))?.Clone();
    }

    public bool NameExists(string name) => _snapshot.ByName(name) is not null;

    /// <exception cref="DuplicateAccountNameException">Another account has the name, in any case.</exception>
    public AccountRecord Insert(AccountRecord account) =>
        Write(account.Id, _ => AccountWrite.Insert(account.Clone()))!;

    /// <summary>Applies <paramref name="change"/> to the stored account and writes it back in one update.</summary>
    /// <returns>The account as written, or null when it does not exist.</returns>
    /// <exception cref="DuplicateAccountNameException">A rename collides with another account.</exception>
    public AccountRecord? Update(string accountId, Action<AccountRecord> change) =>
        Write(accountId, account =>
        {
            if (account is null)
            {
                return AccountWrite.Nothing<AccountRecord?>(null);
            }

            change(account);
            return AccountWrite.Update(account);
        });

    /// <summary>
    /// Re-authentication: new tokens (and API key, and provider identity when given); every other
    /// field is written back exactly as it was read.
    /// </summary>
    public AccountRecord? ReplaceTokens(string accountId, OAuthTokens tokens, string? apiKey, ProviderAccount? providerAccount) =>
        Update(accountId, account =>
        {
            account.Tokens = tokens;
            account.ApiKey = apiKey ?? account.ApiKey;
            account.ProviderAccount = providerAccount ?? account.ProviderAccount;
            account.RequiresReauth = false;
            account.LastError = null;
            // A new grant: nobody else holds its refresh token.
            account.RefreshTokenHandedOutAtMs = null;
        });

    /// <summary>
    /// Writes refreshed tokens only if the stored refresh token is still the one that was used, so a
    /// slower writer never overwrites newer tokens.
    /// </summary>
    /// <param name="heldOutside">
    /// The tokens came from someone who keeps them (a container that refreshed by itself): the new
    /// refresh token is handed out from the start. Otherwise only Para holds it.
    /// </param>
    public TokenWriteOutcome CompareAndSetTokens(string accountId, string expectedRefreshToken, OAuthTokens tokens, long refreshedAtMs, bool heldOutside = false) =>
        Write(accountId, account =>
        {
            if (account is null)
            {
                return AccountWrite.Nothing(TokenWriteOutcome.NotFound);
            }

            if (account.Tokens is null || !string.Equals(account.Tokens.RefreshToken, expectedRefreshToken, StringComparison.Ordinal))
            {
                return AccountWrite.Nothing(TokenWriteOutcome.Stale);
            }

            account.Tokens = tokens;
            account.RequiresReauth = false;
            account.LastError = null;
            account.LastRefreshMs = refreshedAtMs;
            account.RefreshTokenHandedOutAtMs = heldOutside ? refreshedAtMs : null;
            return AccountWrite.Update(account, TokenWriteOutcome.Written);
        });

    /// <summary>
    /// Records that the account's current refresh token leaves the account API, in the same record
    /// whose tokens the caller then hands out; written only the first time for a refresh token.
    /// </summary>
    /// <returns>The account as stored afterwards and whether this call wrote it; null when it does not exist.</returns>
    public (AccountRecord Account, bool Written)? MarkRefreshTokenHandedOut(string accountId, long atMs) =>
        Write<(AccountRecord, bool)?>(accountId, account =>
        {
            if (account is null)
            {
                return AccountWrite.Nothing<(AccountRecord, bool)?>(null);
            }

            if (account.RefreshTokenHandedOutAtMs is not null || account.Tokens is null)
            {
                return AccountWrite.Nothing<(AccountRecord, bool)?>((account, false));
            }

            account.RefreshTokenHandedOutAtMs = atMs;
            return AccountWrite.Update<(AccountRecord, bool)?>(account, (account, true));
        });

    /// <summary>Marks the account as needing re-authentication, unless its tokens changed meanwhile.</summary>
    public TokenWriteOutcome MarkRequiresReauth(string accountId, string expectedRefreshToken, string reason) =>
        Write(accountId, account =>
        {
            if (account is null)
            {
                return AccountWrite.Nothing(TokenWriteOutcome.NotFound);
            }

            if (account.Tokens is not null && !string.Equals(account.Tokens.RefreshToken, expectedRefreshToken, StringComparison.Ordinal))
            {
                return AccountWrite.Nothing(TokenWriteOutcome.Stale);
            }

            account.RequiresReauth = true;
            account.LastError = reason;
            return AccountWrite.Update(account, TokenWriteOutcome.Written);
        });

    /// <summary>Counts one proxied request and keeps the newest <see cref="RequestHistoryLimit"/> in the history.</summary>
    public AccountRecord? RecordRequest(string accountId, RequestRecord request) => RecordRequests(accountId, [request]);

    /// <summary>
    /// Several requests of one account in one document update (the gateway reports in batches).
    /// </summary>
    public AccountRecord? RecordRequests(string accountId, IReadOnlyList<RequestRecord> requests) =>
        Update(accountId, account =>
        {
            foreach (var request in requests)
            {
                account.Usage.RequestCount++;
                account.Usage.TotalRequests++;
                account.Usage.LastUsedMs = Math.Max(account.Usage.LastUsedMs ?? 0, request.TimestampMs);
                account.Usage.InputTokens += request.InputTokens ?? 0;
                account.Usage.OutputTokens += request.OutputTokens ?? 0;
            }

            // Only the newest entries stay: a full batch replaces the history rather than growing and trimming it.
            var kept = Math.Min(requests.Count, RequestHistoryLimit);
            var dropped = Math.Max(0, account.RequestHistory.Count + kept - RequestHistoryLimit);
            account.RequestHistory.RemoveRange(0, dropped);
            for (var index = requests.Count - kept; index < requests.Count; index++)
            {
                account.RequestHistory.Add(requests[index]);
            }
        });

    /// <exception cref="DuplicateAccountNameException">Another gateway key has the name, in any case.</exception>
    public GatewayKeyRecord AddGatewayKey(GatewayKeyRecord key)
    {
        lock (_gate)
        {
            key.NameKey = AccountRecord.KeyOf(key.Name);
            try
            {
                _gatewayKeys.Insert(key);
            }
            catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
                throw new DuplicateAccountNameException(key.Name);
            }

            return key;
        }
    }

    public IReadOnlyList<GatewayKeyRecord> ListGatewayKeys()
    {
        lock (_gate)
        {
            return [.. _gatewayKeys.FindAll().OrderBy(key => key.NameKey, StringComparer.Ordinal)];
        }
    }

    public GatewayKeyRecord? FindGatewayKeyByHash(string hash)
    {
        lock (_gate)
        {
            return _gatewayKeys.FindOne(key => key.Hash == hash);
        }
    }

    /// <summary>Removes the key with this id or name; the removed key, or null when there is none.</summary>
    public GatewayKeyRecord? DeleteGatewayKey(string idOrName)
    {
        lock (_gate)
        {
            var nameKey = AccountRecord.KeyOf(idOrName);
            var key = _gatewayKeys.FindById(idOrName) ?? _gatewayKeys.FindOne(candidate => candidate.NameKey == nameKey);
            return key is not null && _gatewayKeys.Delete(key.Id) ? key : null;
        }
    }

    public bool Delete(string accountId) =>
        Write(accountId, account => account is null ? AccountWrite.Nothing(false) : AccountWrite.Delete(account, true));

    /// <summary>
    /// The one path every account write takes. Under the gate, <paramref name="decide"/> gets a
    /// private copy of the stored account (null when there is none) and says what to write; LiteDB
    /// writes it, and only after that succeeded does the in-memory copy change. A decision that
    /// throws, or a write LiteDB refuses, leaves the file and the copy as they were. The caller gets
    /// the record it decided on; the copy keeps a clone of it.
    /// </summary>
    private TResult Write<TResult>(string accountId, Func<AccountRecord?, AccountWrite<TResult>> decide)
    {
        lock (_gate)
        {
            var snapshot = _snapshot;
            var write = decide(snapshot.ById.GetValueOrDefault(accountId)?.Clone());
            if (write.Record is not { } record)
            {
                return write.Result;
            }

            record.NameKey = AccountRecord.KeyOf(record.Name);
            try
            {
                var written = write.Kind switch
                {
                    AccountWriteKind.Insert => _accounts.Insert(record) is not null,
                    AccountWriteKind.Update => _accounts.Update(record),
                    _ => _accounts.Delete(record.Id),
                };
                if (!written)
                {
                    throw new InvalidOperationException($"The account database lost account {record.Id}: it is in memory but not in the file.");
                }
            }
            catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
                throw new DuplicateAccountNameException(record.Name);
            }

            _snapshot = write.Kind == AccountWriteKind.Delete ? snapshot.Without(record.Id) : snapshot.With(record.Clone());
            return write.Result;
        }
    }

    public void SaveSession(PendingOAuthSession session, long nowMs)
    {
        lock (_gate)
        {
            // Abandoned flows would otherwise pile up; any begin sweeps the expired ones.
            _sessions.DeleteMany(Query.LT(nameof(PendingOAuthSession.ExpiresAtMs), nowMs));
            _sessions.Insert(session);
        }
    }

    /// <summary>The session for <paramref name="state"/>, left in place: for checking whose it is before taking it.</summary>
    public PendingOAuthSession? FindSession(string state)
    {
        lock (_gate)
        {
            return _sessions.FindById(state);
        }
    }

    /// <summary>Removes and returns the session for <paramref name="state"/>: a second call finds nothing.</summary>
    public PendingOAuthSession? TakeSession(string state)
    {
        lock (_gate)
        {
            var session = _sessions.FindById(state);
            if (session is not null)
            {
                _sessions.Delete(state);
            }

            return session;
        }
    }

    /// <summary>
    /// Waits until every write so far has reached the operating system. LiteDB acknowledges a
    /// write when it is queued for its log file, and a queued write dies with a killed process;
    /// a checkpoint waits for the queue. Called after each token write: a rotated refresh token
    /// exists nowhere else (docs/decisions/0010).
    /// </summary>
    public void MakeDurable()
    {
        lock (_gate)
        {
            _database.Checkpoint();
        }
    }

    /// <summary>The stored document as LiteDB's JSON, for tests that compare what a write left behind.</summary>
    internal string ReadDocumentJson(string accountId) =>
        JsonSerializer.Serialize(_database.GetCollection("accounts").FindById(accountId) ?? new BsonDocument());

    public void Dispose()
    {
        _database.Dispose();
        _processLock.Dispose();
    }

    private static void RestrictToOwner(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (File.Exists(path))
        {
            File.SetUnixFileMode(path, Para.ServiceDefaults.Security.SecretFile.OwnerOnly);
        }

        // LiteDB creates its journal (accounts-log.db) with the process umask while it writes;
        // an owner-only folder keeps that file, and any other, out of other users' reach.
        File.SetUnixFileMode(Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}

internal enum AccountWriteKind
{
    Insert,
    Update,
    Delete,
}

/// <summary>What a write decided: nothing (only a result), or one document to insert, update or delete.</summary>
internal readonly record struct AccountWrite<TResult>(AccountWriteKind Kind, AccountRecord? Record, TResult Result);

internal static class AccountWrite
{
    public static AccountWrite<TResult> Nothing<TResult>(TResult result) => new(AccountWriteKind.Update, null, result);

    public static AccountWrite<AccountRecord> Insert(AccountRecord account) => new(AccountWriteKind.Insert, account, account);

    public static AccountWrite<AccountRecord?> Update(AccountRecord account) => new(AccountWriteKind.Update, account, account);

    public static AccountWrite<TResult> Update<TResult>(AccountRecord account, TResult result) => new(AccountWriteKind.Update, account, result);

    public static AccountWrite<TResult> Delete<TResult>(AccountRecord account, TResult result) => new(AccountWriteKind.Delete, account, result);
}

/// <summary>
/// Every stored account, immutable once built: by id, by name key, and in list order (priority,
/// then name). A write builds the next one; readers keep whichever they picked up.
/// </summary>
internal sealed class AccountSnapshot
{
    private static readonly IComparer<AccountRecord> ListOrder = Comparer<AccountRecord>.Create((left, right) =>
    {
        var byPriority = left.Priority.CompareTo(right.Priority);
        return byPriority != 0 ? byPriority : StringComparer.OrdinalIgnoreCase.Compare(left.Name, right.Name);
    });

    private readonly Dictionary<string, AccountRecord> _byNameKey;

    private AccountSnapshot(long version, Dictionary<string, AccountRecord> byId, Dictionary<string, AccountRecord> byNameKey, AccountRecord[] ordered)
    {
        Version = version;
        ById = byId;
        _byNameKey = byNameKey;
        Ordered = ordered;
    }

    public long Version { get; }

    public IReadOnlyDictionary<string, AccountRecord> ById { get; }

    public AccountRecord[] Ordered { get; }

    public static AccountSnapshot Of(IEnumerable<AccountRecord> accounts)
    {
        var byId = accounts.ToDictionary(account => account.Id, StringComparer.Ordinal);
        return new AccountSnapshot(0, byId, byId.Values.ToDictionary(account => account.NameKey, StringComparer.Ordinal), Sorted(byId.Values));
    }

    public AccountRecord? ByName(string name) => _byNameKey.GetValueOrDefault(AccountRecord.KeyOf(name));

    public AccountSnapshot With(AccountRecord account)
    {
        var byId = new Dictionary<string, AccountRecord>((Dictionary<string, AccountRecord>)ById, StringComparer.Ordinal);
        var byNameKey = new Dictionary<string, AccountRecord>(_byNameKey, StringComparer.Ordinal);
        AccountRecord[] ordered;
        if (byId.Remove(account.Id, out var previous))
        {
            byNameKey.Remove(previous.NameKey);
        }

        byId[account.Id] = account;
        byNameKey[account.NameKey] = account;
        if (previous is not null && previous.Priority == account.Priority && string.Equals(previous.Name, account.Name, StringComparison.Ordinal))
        {
            // The usual write (tokens, usage) keeps the account's place: no sort.
            ordered = (AccountRecord[])Ordered.Clone();
            ordered[Array.IndexOf(Ordered, previous)] = account;
        }
        else
        {
            ordered = Sorted(byId.Values);
        }

        return new AccountSnapshot(Version + 1, byId, byNameKey, ordered);
    }

    public AccountSnapshot Without(string accountId)
    {
        var byId = new Dictionary<string, AccountRecord>((Dictionary<string, AccountRecord>)ById, StringComparer.Ordinal);
        var byNameKey = new Dictionary<string, AccountRecord>(_byNameKey, StringComparer.Ordinal);
        if (byId.Remove(accountId, out var removed))
        {
            byNameKey.Remove(removed.NameKey);
        }

        return new AccountSnapshot(Version + 1, byId, byNameKey, [.. Ordered.Where(account => !ReferenceEquals(account, removed))]);
    }

    private static AccountRecord[] Sorted(IEnumerable<AccountRecord> accounts)
    {
        var ordered = accounts.ToArray();
        Array.Sort(ordered, ListOrder);
        return ordered;
    }
}

internal enum TokenWriteOutcome
{
    Written,
    Stale,
    NotFound,
}

internal sealed class DuplicateAccountNameException(string name) : Exception($"An account named '{name}' already exists.")
{
    public string Name { get; } = name;
}
