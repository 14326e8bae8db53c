using LiteDB;

namespace Para.Accounts.Storage;

/// <summary>
/// The one place that reads and writes <c>accounts.db</c> (LiteDB, AES-encrypted with the database
/// password). Every change is one document update, so a crash leaves the old document or the new
/// one; read-modify-write sequences run under one lock so that concurrent callers never lose a change.
/// </summary>
internal sealed class AccountStore : IDisposable
{
    public const string FileName = "accounts.db";
    public const int RequestHistoryLimit = 100;

    private readonly Lock _gate = new();
    private readonly StoreLock _processLock;
    private readonly LiteDatabase _database;
    private readonly ILiteCollection<AccountRecord> _accounts;
    private readonly ILiteCollection<PendingOAuthSession> _sessions;

    private AccountStore(StoreLock processLock, LiteDatabase database)
    {
        _processLock = processLock;
        _database = database;
        _accounts = database.GetCollection<AccountRecord>("accounts");
        _accounts.EnsureIndex(account => account.NameKey, unique: true);
        _sessions = database.GetCollection<PendingOAuthSession>("oauth_sessions");
    }

    public string DatabasePath { get; private init; } = "";

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

    public IReadOnlyList<AccountRecord> List() =>
        [.. _accounts.FindAll().OrderBy(account => account.Priority).ThenBy(account => account.Name, StringComparer.OrdinalIgnoreCase)];

    /// <summary>Finds by id first, then by name regardless of case.</summary>
    public AccountRecord? Find(string idOrName)
    {
        if (string.IsNullOrWhiteSpace(idOrName))
        {
            return null;
        }

        return _accounts.FindById(idOrName.Trim())
            ?? _accounts.FindOne(Query.EQ(nameof(AccountRecord.NameKey), AccountRecord.KeyOf(idOrName)));
    }

    public bool NameExists(string name) =>
        _accounts.Exists(Query.EQ(nameof(AccountRecord.NameKey), AccountRecord.KeyOf(name)));

    /// <exception cref="DuplicateAccountNameException">Another account has the name, in any case.</exception>
    public AccountRecord Insert(AccountRecord account)
    {
        lock (_gate)
        {
            account.NameKey = AccountRecord.KeyOf(account.Name);
            try
            {
                _accounts.Insert(account);
            }
            catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
                throw new DuplicateAccountNameException(account.Name);
            }

            return account;
        }
    }

    /// <summary>Applies <paramref name="change"/> to the stored account and writes it back in one update.</summary>
    /// <returns>The account as written, or null when it does not exist.</returns>
    /// <exception cref="DuplicateAccountNameException">A rename collides with another account.</exception>
    public AccountRecord? Update(string accountId, Action<AccountRecord> change)
    {
        lock (_gate)
        {
            var account = _accounts.FindById(accountId);
            if (account is null)
            {
                return null;
            }

            change(account);
            account.NameKey = AccountRecord.KeyOf(account.Name);
            try
            {
                _accounts.Update(account);
            }
            catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
                throw new DuplicateAccountNameException(account.Name);
            }

            return account;
        }
    }

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
        });

    /// <summary>
    /// Writes refreshed tokens only if the stored refresh token is still the one that was used, so a
    /// slower writer never overwrites newer tokens.
    /// </summary>
    public TokenWriteOutcome CompareAndSetTokens(string accountId, string expectedRefreshToken, OAuthTokens tokens, long refreshedAtMs)
    {
        lock (_gate)
        {
            var account = _accounts.FindById(accountId);
            if (account is null)
            {
                return TokenWriteOutcome.NotFound;
            }

            if (account.Tokens is null || !string.Equals(account.Tokens.RefreshToken, expectedRefreshToken, StringComparison.Ordinal))
            {
                return TokenWriteOutcome.Stale;
            }

            account.Tokens = tokens;
            account.RequiresReauth = false;
            account.LastError = null;
            account.LastRefreshMs = refreshedAtMs;
            _accounts.Update(account);
            return TokenWriteOutcome.Written;
        }
    }

    /// <summary>Marks the account as needing re-authentication, unless its tokens changed meanwhile.</summary>
    public TokenWriteOutcome MarkRequiresReauth(string accountId, string expectedRefreshToken, string reason)
    {
        lock (_gate)
        {
            var account = _accounts.FindById(accountId);
            if (account is null)
            {
                return TokenWriteOutcome.NotFound;
            }

            if (account.Tokens is not null && !string.Equals(account.Tokens.RefreshToken, expectedRefreshToken, StringComparison.Ordinal))
            {
                return TokenWriteOutcome.Stale;
            }

            account.RequiresReauth = true;
            account.LastError = reason;
            _accounts.Update(account);
            return TokenWriteOutcome.Written;
        }
    }

    /// <summary>Counts one proxied request and keeps the newest <see cref="RequestHistoryLimit"/> in the history.</summary>
    public AccountRecord? RecordRequest(string accountId, RequestRecord request) =>
        Update(accountId, account =>
        {
            account.Usage.RequestCount++;
            account.Usage.TotalRequests++;
            account.Usage.LastUsedMs = request.TimestampMs;
            account.RequestHistory.Add(request);
            if (account.RequestHistory.Count > RequestHistoryLimit)
            {
                account.RequestHistory.RemoveRange(0, account.RequestHistory.Count - RequestHistoryLimit);
            }
        });

    public bool Delete(string accountId)
    {
        lock (_gate)
        {
            return _accounts.Delete(accountId);
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
