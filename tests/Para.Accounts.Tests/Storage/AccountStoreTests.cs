using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Para.Accounts.Storage;
using Para.Accounts.Tests.Infrastructure;

namespace Para.Accounts.Tests.Storage;

public sealed class AccountStoreTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const string Password = "store-test-password";
    private readonly string _directory = Directory.CreateTempSubdirectory("para-store-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [Fact]
    public void The_database_is_encrypted_with_a_key_file_made_owner_only_on_first_run()
    {
        var password = DatabasePassword.Resolve(new ConfigurationBuilder().Build(), _directory);
        using (var store = AccountStore.Open(_directory, password))
        {
            store.Insert(Account("work", "plain-access-token-visible-if-unencrypted"));
        }

        var keyFile = Path.Combine(_directory, DatabasePassword.KeyFileName);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, AccountStore.FileName)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
        }

        Assert.Equal(password, DatabasePassword.Resolve(new ConfigurationBuilder().Build(), _directory));
        foreach (var file in Directory.GetFiles(_directory, "accounts*"))
        {
            Assert.DoesNotContain("plain-access-token-visible-if-unencrypted", Encoding.Latin1.GetString(File.ReadAllBytes(file)), StringComparison.Ordinal);
        }

        var wrong = Assert.Throws<AccountStoreOpenException>(() => AccountStore.Open(_directory, "not-the-password"));
        Assert.Contains("password", wrong.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void PARA_DB_PASSWORD_wins_over_the_key_file()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [DatabasePassword.EnvironmentVariable] = "from-env" }).Build();

        Assert.Equal("from-env", DatabasePassword.Resolve(configuration, _directory));
        Assert.False(File.Exists(Path.Combine(_directory, DatabasePassword.KeyFileName)));
    }

    [Fact]
    public void Names_are_unique_regardless_of_case_and_found_by_id_or_name()
    {
        using var store = AccountStore.Open(_directory, Password);
        var work = store.Insert(Account("Work", "a"));

        Assert.Throws<DuplicateAccountNameException>(() => store.Insert(Account("WORK", "b")));
        Assert.Equal(work.Id, store.Find("work")!.Id);
        Assert.Equal("Work", store.Find(work.Id)!.Name);
        Assert.Null(store.Find("home"));
    }

    [Fact]
    public void A_second_open_of_the_same_folder_is_refused_naming_this_process()
    {
        using var store = AccountStore.Open(_directory, Password);

        var refused = Assert.Throws<StoreLockedException>(() => AccountStore.Open(_directory, Password));

        Assert.Equal(Environment.ProcessId, refused.HolderPid);
        Assert.Contains($"process {Environment.ProcessId}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_account_api_fails_at_start_with_one_line_naming_the_holder()
    {
        using var store = AccountStore.Open(_directory, Password);

        var (exitCode, line) = await RunAccountsApiAsync(new() { ["PARA_DB_PASSWORD"] = Password });

        Assert.Equal(1, exitCode);
        Assert.Equal($"para-accounts: The account database '{Path.Combine(_directory, AccountStore.FileName)}' is in use by process {Environment.ProcessId}; only one account API may run per data folder.", line);
    }

    [Fact]
    public async Task A_wrong_database_password_fails_at_start_with_one_line()
    {
        AccountStore.Open(_directory, Password).Dispose();

        var (exitCode, line) = await RunAccountsApiAsync(new() { ["PARA_DB_PASSWORD"] = "wrong" });

        Assert.Equal(1, exitCode);
        Assert.Equal($"para-accounts: The account database '{Path.Combine(_directory, AccountStore.FileName)}' does not open with this password (PARA_DB_PASSWORD or db.key).", line);
    }

    [Fact]
    public async Task Invalid_oauth_settings_fail_at_start_with_one_line()
    {
        var (exitCode, line) = await RunAccountsApiAsync(new() { ["PARA_DB_PASSWORD"] = Password, ["Para__OAuth__ClientId"] = " " });

        Assert.Equal(1, exitCode);
        Assert.Equal("para-accounts: Para:OAuth:ClientId is required.", line);
    }

    /// <summary>Runs the real account API; it must stop by itself, printing exactly one line on stderr.</summary>
    private async Task<(int ExitCode, string Line)> RunAccountsApiAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [RepositoryPaths.AccountsDll])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment =
            {
                ["PARA_DATA_DIR"] = _directory,
                ["Para__AdminKey"] = "start-up-test-key",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            },
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain("   at ", await stdout, StringComparison.Ordinal);
        return (process.ExitCode, Assert.Single(lines));
    }

    [Fact]
    public async Task A_writer_killed_mid_update_leaves_the_old_tokens_or_the_new_never_a_mix()
    {
        string accountId;
        using (var store = AccountStore.Open(_directory, Password))
        {
            var account = store.Insert(Account("crash", "seed"));
            account.Usage.TotalRequests = 42;
            store.Update(account.Id, stored => stored.Usage.TotalRequests = 42);
            accountId = account.Id;
        }

        for (var round = 0; round < 3; round++)
        {
            using var writer = Process.Start(new ProcessStartInfo("dotnet", [RepositoryPaths.TestsDll, "write-tokens", _directory, Password, accountId])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            // Let it get well into its loop (it reports every 50 writes), then kill it without warning.
            var target = 200 + (round * 150);
            string? line;
            while ((line = await writer.StandardOutput.ReadLineAsync()) is not null && long.Parse(line, System.Globalization.CultureInfo.InvariantCulture) < target)
            {
            }

            Assert.NotNull(line);
            writer.Kill(entireProcessTree: true);
            await writer.WaitForExitAsync();

            using var reopened = AccountStore.Open(_directory, Password);
            var tokens = reopened.Find(accountId)!.Tokens!;
            var generation = tokens.ExpiresAtMs;
            Assert.True(generation >= target, $"expected at least generation {target}, found {generation}");
            Assert.Equivalent(StoreWriterProgram.TokenSet(generation), tokens, strict: true);
            Assert.Equal(42, reopened.Find(accountId)!.Usage.TotalRequests);
        }
    }

    [Fact]
    public async Task A_process_killed_while_refreshing_every_account_keeps_every_token_it_had_written()
    {
        const string mode = "durable";
        const int Accounts = 400;
        using (var store = AccountStore.Open(_directory, Password))
        {
            for (var i = 0; i < Accounts; i++)
            {
                var account = store.Insert(Account($"account-{i:D4}", "seed"));
                store.ReplaceTokens(account.Id, StoreWriterProgram.TokenSet(1), apiKey: null, providerAccount: null);
            }
        }

        using var writer = Process.Start(new ProcessStartInfo("dotnet", [RepositoryPaths.TestsDll, "refresh-all", _directory, Password, mode])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        // Kill it without warning in the middle of the run, the moment it says a write returned.
        var acknowledged = new List<string>();
        while (acknowledged.Count < Accounts / 2 && await writer.StandardOutput.ReadLineAsync() is { } name)
        {
            acknowledged.Add(name);
        }

        writer.Kill(entireProcessTree: true);
        await writer.WaitForExitAsync();

        using var reopened = AccountStore.Open(_directory, Password);
        var lost = acknowledged.Where(name => reopened.Find(name)!.Tokens!.RefreshToken != "refresh-2").ToList();
        output.WriteLine($"{mode}: {lost.Count} of {acknowledged.Count} acknowledged token writes lost");
        Assert.Empty(lost);
    }

    [Fact]
    public void A_pending_session_can_be_taken_once()
    {
        using var store = AccountStore.Open(_directory, Password);
        store.SaveSession(new PendingOAuthSession { Id = "state-1", CodeVerifier = "v", AccountName = "work", ExpiresAtMs = 10 }, nowMs: 0);

        Assert.Equal("v", store.TakeSession("state-1")!.CodeVerifier);
        Assert.Null(store.TakeSession("state-1"));
    }

    [Fact]
    public void Request_history_keeps_only_the_newest_entries()
    {
        using var store = AccountStore.Open(_directory, Password);
        var account = store.Insert(Account("busy", "a"));

        for (var i = 0; i < AccountStore.RequestHistoryLimit + 20; i++)
        {
            store.RecordRequest(account.Id, new RequestRecord { TimestampMs = i, StatusCode = 200 });
        }

        var stored = store.Find(account.Id)!;
        Assert.Equal(AccountStore.RequestHistoryLimit, stored.RequestHistory.Count);
        Assert.Equal(20, stored.RequestHistory[0].TimestampMs);
        Assert.Equal(AccountStore.RequestHistoryLimit + 20, stored.Usage.TotalRequests);
    }

    [Fact]
    public void A_batch_larger_than_the_history_keeps_its_newest_entries_and_counts_them_all()
    {
        using var store = AccountStore.Open(_directory, Password);
        var account = store.Insert(Account("busy", "a"));
        RequestRecord[] Batch(int from, int count) =>
            [.. Enumerable.Range(from, count).Select(i => new RequestRecord { TimestampMs = i, StatusCode = 200, InputTokens = 1 })];

        store.RecordRequests(account.Id, Batch(0, 30));
        var partial = store.Find(account.Id)!;
        store.RecordRequests(account.Id, Batch(30, AccountStore.RequestHistoryLimit + 50));

        Assert.Equal(Enumerable.Range(0, 30), partial.RequestHistory.Select(entry => (int)entry.TimestampMs));
        var stored = store.Find(account.Id)!;
        Assert.Equal(Enumerable.Range(80, AccountStore.RequestHistoryLimit), stored.RequestHistory.Select(entry => (int)entry.TimestampMs));
        Assert.Equal(AccountStore.RequestHistoryLimit + 80, stored.Usage.TotalRequests);
        Assert.Equal(AccountStore.RequestHistoryLimit + 80, stored.Usage.InputTokens);
    }

    [Fact]
    public void Compare_and_set_refuses_tokens_refreshed_from_an_older_refresh_token()
    {
        using var store = AccountStore.Open(_directory, Password);
        var account = store.Insert(Account("cas", "a"));

        Assert.Equal(TokenWriteOutcome.Written, store.CompareAndSetTokens(account.Id, "refresh-a", StoreWriterProgram.TokenSet(2), 1));
        Assert.Equal(TokenWriteOutcome.Stale, store.CompareAndSetTokens(account.Id, "refresh-a", StoreWriterProgram.TokenSet(3), 1));
        Assert.Equal("refresh-2", store.Find(account.Id)!.Tokens!.RefreshToken);
    }

    internal static AccountRecord Account(string name, string accessToken) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Name = name,
        Tokens = new OAuthTokens { AccessToken = accessToken, RefreshToken = "refresh-" + accessToken, ExpiresAtMs = 1, RefreshTokenIssuedAtMs = 1 },
        CreatedAtMs = 1,
    };
}
