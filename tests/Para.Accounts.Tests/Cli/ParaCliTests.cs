using System.Diagnostics;
using System.Text.Json;
using Para.Accounts.Tests.Infrastructure;
using Para.Contracts.Accounts;
using Para.Contracts.Credentials;

namespace Para.Accounts.Tests.Cli;

/// <summary>The built <c>para</c> executable (dotnet para.dll) against the account API on a real 127.0.0.1 port.</summary>
public sealed class ParaCliTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private readonly AccountsApiFactory _factory = new(oauth);
    private Uri _address = null!;

    public Task InitializeAsync()
    {
        _address = _factory.StartOnKestrel();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Add_prompts_for_the_code_then_list_shows_the_account_without_tokens()
    {
        var add = await RunAsync(["accounts", "add", "work", "--priority", "2"], signIn: true);
        var list = await RunAsync(["accounts", "list"]);

        Assert.Equal(0, add.ExitCode);
        Assert.Contains("Enter the authorization code:", add.Output, StringComparison.Ordinal);
        Assert.Contains("Account 'work' added (max, priority 2, token sha256:", add.Output, StringComparison.Ordinal);
        Assert.Equal(0, list.ExitCode);
        var row = Assert.Single(list.Output.Split('\n'), line => line.StartsWith("work ", StringComparison.Ordinal));
        Assert.Contains(" ok ", row, StringComparison.Ordinal);
        Assert.Contains(_factory.Store.Find("work")!.Tokens is { } tokens ? TokenFingerprint.Of(tokens.AccessToken) : "?", row, StringComparison.Ordinal);
        AssertNoTokens(add.Output + add.Error + list.Output);
    }

    [Fact]
    public async Task Reauthenticate_keeps_the_account_and_clears_running_caches()
    {
        Assert.Equal(0, (await RunAsync(["accounts", "add", "claude", "--priority", "4"], signIn: true)).ExitCode);
        var before = _factory.Store.Find("claude")!;

        var seedSpelling = await RunAsync(["--reauthenticate", "claude"], signIn: true);
        var subcommand = await RunAsync(["accounts", "reauth", "CLAUDE"], signIn: true);

        foreach (var run in new[] { seedSpelling, subcommand })
        {
            Assert.Equal(0, run.ExitCode);
            Assert.Contains("Re-authenticating account: ", run.Output, StringComparison.Ordinal);
            Assert.Contains("Account 'claude' has been successfully re-authenticated", run.Output, StringComparison.Ordinal);
            Assert.Contains("Token cache has been cleared for running servers", run.Output, StringComparison.Ordinal);
        }

        var after = _factory.Store.Find("claude")!;
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(4, after.Priority);
        Assert.NotEqual(before.Tokens!.AccessToken, after.Tokens!.AccessToken);
    }

    [Fact]
    public async Task Gateway_keys_add_prints_the_key_once_list_shows_only_its_fingerprint_and_revoke_removes_it()
    {
        var add = await RunAsync(["gateway", "keys", "add", "laptop"]);
        var key = add.Output.Trim();
        var list = await RunAsync(["gateway", "keys", "list"]);
        var again = await RunAsync(["gateway", "keys", "add", "LAPTOP"]);
        var revoke = await RunAsync(["gateway", "keys", "revoke", "laptop"]);
        var revokeAgain = await RunAsync(["gateway", "keys", "revoke", "laptop"]);

        Assert.Equal(0, add.ExitCode);
        Assert.StartsWith("para-gw-", key, StringComparison.Ordinal);
        Assert.Contains("gateway key 'laptop' created (sha256:", add.Error, StringComparison.Ordinal);
        Assert.Equal(0, list.ExitCode);
        var row = Assert.Single(list.Output.Split('\n'), line => line.StartsWith("laptop ", StringComparison.Ordinal));
        Assert.Contains(TokenFingerprint.Of(key), row, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.Output, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal("para: Gateway key already exists: A gateway key named 'LAPTOP' already exists; revoke it first or choose another name.", again.Error.Trim());
        Assert.Equal(0, revoke.ExitCode);
        Assert.Equal("Gateway key 'laptop' revoked", revoke.Output.Trim());
        Assert.Equal(1, revokeAgain.ExitCode);
        Assert.Single(revokeAgain.Error.Trim().Split('\n'));
        Assert.Empty(_factory.Store.ListGatewayKeys());
    }

    [Fact]
    public async Task Priority_pause_resume_and_remove_change_the_account()
    {
        Assert.Equal(0, (await RunAsync(["accounts", "add", "knobs"], signIn: true)).ExitCode);

        Assert.Equal("Account 'knobs' priority 9", (await RunAsync(["accounts", "priority", "knobs", "9"])).Output.Trim());
        Assert.Equal("Account 'knobs' paused", (await RunAsync(["accounts", "pause", "knobs"])).Output.Trim());
        Assert.True(_factory.Store.Find("knobs")!.Paused);
        Assert.Equal("Account 'knobs' resumed", (await RunAsync(["accounts", "resume", "knobs"])).Output.Trim());
        Assert.False(_factory.Store.Find("knobs")!.Paused);
        Assert.Equal(9, _factory.Store.Find("knobs")!.Priority);
        Assert.Equal(0, (await RunAsync(["accounts", "remove", "knobs"])).ExitCode);
        Assert.Null(_factory.Store.Find("knobs"));
    }

    [Fact]
    public async Task Code_option_completes_an_earlier_sign_in_without_a_prompt()
    {
        var begin = await RunAsync(["accounts", "add", "later"], input: "");
        var url = begin.Output.Split('\n').First(line => line.StartsWith("http", StringComparison.Ordinal)).Trim();
        var pasted = await oauth.SignInAsync(new Uri(url));

        var complete = await RunAsync(["accounts", "add", "later", "--code", pasted]);

        Assert.Equal(1, begin.ExitCode);
        Assert.Equal("para: no authorization code entered; run the command again to start over", begin.Error.Trim());
        Assert.Equal(0, complete.ExitCode);
        Assert.DoesNotContain("Enter the authorization code", complete.Output, StringComparison.Ordinal);
        Assert.NotNull(_factory.Store.Find("later"));
    }

    [Theory]
    [InlineData(new[] { "accounts", "reauth", "ghost" }, "para: Account not found: No account has the id or name 'ghost'.")]
    [InlineData(new[] { "accounts", "remove", "ghost" }, "para: Account not found: No account has the id or name 'ghost'.")]
    [InlineData(new[] { "accounts", "add", "x", "--code", "abc#no-such-state" }, "para: Unknown or used state: This sign-in is unknown or was already completed; begin again with 'para accounts add' or 'para accounts reauth'.")]
    [InlineData(new[] { "accounts", "add", "x", "--code", "abc" }, "para: --code needs the state too: paste it as code#state, as the provider's page shows it, or add --state")]
    [InlineData(new[] { "accounts", "add", "x", "--mode", "team" }, "para: Argument 'team' not recognized. Must be one of: 'max' 'console'")]
    [InlineData(new[] { "accounts", "priority", "x" }, "para: Required argument 'N' missing for command: 'priority'.")]
    [InlineData(new[] { "accounts", "add", "bad name" }, "para: A name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.")]
    public async Task Errors_are_one_line_and_a_non_zero_exit(string[] args, string expected)
    {
        var run = await RunAsync(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(expected, run.Error.Trim());
    }

    [Fact]
    public async Task A_duplicate_add_says_to_reauthenticate()
    {
        Assert.Equal(0, (await RunAsync(["accounts", "add", "twice"], signIn: true)).ExitCode);

        var again = await RunAsync(["accounts", "add", "TWICE"]);

        Assert.Equal(1, again.ExitCode);
        Assert.Equal("para: Account already exists: An account named 'TWICE' already exists; use 'para accounts reauth TWICE' to sign it in again.", again.Error.Trim());
    }

    [Fact]
    public async Task A_provider_error_is_one_line_with_the_providers_code()
    {
        await using var broken = new AccountsApiFactory(oauth, tokenUrl: new Uri("http://127.0.0.1:9/connect/token"));
        var address = broken.StartOnKestrel();

        var run = await RunAsync(["accounts", "add", "offline"], signIn: true, address: address);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("para: The OAuth provider is unavailable: Cannot reach the OAuth provider at 127.0.0.1:9 (ConnectionError). (provider_unreachable)", run.Error.Trim());
    }

    [Theory]
    [InlineData("remove", "any")]
    [InlineData("list", null)]
    public async Task An_unreachable_api_is_one_line(string command, string? name)
    {
        var run = await RunAsync(name is null ? ["accounts", command] : ["accounts", command, name], address: new Uri("http://127.0.0.1:9"));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("para: cannot reach the service: ", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Print_url_prints_only_the_url_and_code_finishes_the_sign_in_later()
    {
        var begin = await RunAsync(["accounts", "add", "scripted", "--print-url"]);

        Assert.Equal(0, begin.ExitCode);
        Assert.Matches(@"^http://\S+\r?\n$", begin.Output);
        Assert.Equal("", begin.Error);
        Assert.Null(_factory.Store.Find("scripted"));

        var url = new Uri(begin.Output.Trim());
        Assert.Equal(oauth.AuthorizeUrl.AbsolutePath, url.AbsolutePath);
        var complete = await RunAsync(["accounts", "add", "scripted", "--code", await oauth.SignInAsync(url)]);

        Assert.Equal(0, complete.ExitCode);
        Assert.StartsWith("Account 'scripted' added", complete.Output, StringComparison.Ordinal);
        Assert.NotNull(_factory.Store.Find("scripted"));
    }

    [Fact]
    public async Task Reauth_print_url_json_is_one_line_that_a_script_can_finish_with_code()
    {
        Assert.Equal(0, (await RunAsync(["accounts", "add", "json", "--priority", "3"], signIn: true)).ExitCode);
        var before = _factory.Store.Find("json")!;

        var begin = await RunAsync(["accounts", "reauth", "json", "--print-url", "--json"]);

        Assert.Equal(0, begin.ExitCode);
        Assert.Single(begin.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var document = JsonDocument.Parse(begin.Output);
        var root = document.RootElement;
        Assert.Equal(["accountName", "authorizeUrl", "state", "expiresAt"], root.EnumerateObject().Select(property => property.Name));
        Assert.Equal("json", root.GetProperty("accountName").GetString());
        Assert.True(root.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        var url = new Uri(root.GetProperty("authorizeUrl").GetString()!);
        var code = PastedCode.Parse(await oauth.SignInAsync(url)).Code;

        var complete = await RunAsync(["accounts", "reauth", "json", "--code", code, "--state", root.GetProperty("state").GetString()!]);

        Assert.Equal(0, complete.ExitCode);
        Assert.StartsWith("Account 'json' has been successfully re-authenticated", complete.Output, StringComparison.Ordinal);
        var after = _factory.Store.Find("json")!;
        Assert.Equal((before.Id, 3), (after.Id, after.Priority));
        Assert.NotEqual(before.Tokens!.AccessToken, after.Tokens!.AccessToken);
    }

    [Fact]
    public async Task List_json_parses_as_the_accounts_with_their_status_and_no_tokens()
    {
        Assert.Equal(0, (await RunAsync(["accounts", "add", "listed", "--priority", "5"], signIn: true)).ExitCode);

        var list = await RunAsync(["accounts", "list", "--json"]);

        Assert.Equal(0, list.ExitCode);
        var account = Assert.Single(JsonSerializer.Deserialize<AccountView[]>(list.Output, JsonSerializerOptions.Web)!);
        Assert.Equal(("listed", 5, TokenStatuses.Ok), (account.Name, account.Priority, account.Status));
        Assert.StartsWith("sha256:", account.Token!.Fingerprint, StringComparison.Ordinal);
        AssertNoTokens(list.Output);
    }

    [Fact]
    public async Task A_code_of_another_accounts_sign_in_changes_nothing_and_still_completes_its_own()
    {
        Assert.Equal(0, (await RunAsync(["accounts", "add", "work"], signIn: true)).ExitCode);
        var workTokens = _factory.Store.Find("work")!.Tokens!.AccessToken;
        var other = await RunAsync(["accounts", "add", "other", "--print-url"]);
        var pasted = await oauth.SignInAsync(new Uri(other.Output.Trim()));

        var intoWork = await RunAsync(["accounts", "reauth", "work", "--code", pasted]);
        var intoThird = await RunAsync(["accounts", "add", "third", "--code", pasted]);

        Assert.Equal(1, intoWork.ExitCode);
        Assert.Equal("", intoWork.Output); // not "Re-authenticating account: work": it did not happen
        Assert.Equal("para: Code of another sign-in: This code belongs to the sign-in of 'other', not 'work'; nothing changed. Begin again: para accounts reauth work", intoWork.Error.Trim());
        Assert.Equal(1, intoThird.ExitCode);
        Assert.EndsWith("not 'third'; nothing changed. Begin again: para accounts add third", intoThird.Error.Trim(), StringComparison.Ordinal);
        Assert.Null(_factory.Store.Find("other"));
        Assert.Null(_factory.Store.Find("third"));
        Assert.Equal(workTokens, _factory.Store.Find("work")!.Tokens!.AccessToken);

        var own = await RunAsync(["accounts", "add", "other", "--code", pasted]);

        Assert.Equal(0, own.ExitCode);
        Assert.StartsWith("Account 'other' added", own.Output, StringComparison.Ordinal);
        Assert.Equal(workTokens, _factory.Store.Find("work")!.Tokens!.AccessToken);
    }

    [Fact]
    public async Task A_used_code_is_the_users_mistake_and_says_begin_again()
    {
        var first = await RunAsync(["accounts", "add", "used", "--print-url"]);
        var pasted = await oauth.SignInAsync(new Uri(first.Output.Trim()));
        Assert.Equal(0, (await RunAsync(["accounts", "add", "used", "--code", pasted])).ExitCode);
        var again = await RunAsync(["accounts", "reauth", "used", "--print-url", "--json"]);
        var state = JsonDocument.Parse(again.Output).RootElement.GetProperty("state").GetString()!;

        var reused = await RunAsync(["accounts", "reauth", "used", "--code", PastedCode.Parse(pasted).Code, "--state", state]);

        Assert.Equal(1, reused.ExitCode);
        Assert.StartsWith("para: The OAuth provider refused the code: ", reused.Error, StringComparison.Ordinal);
        Assert.EndsWith("begin again: para accounts reauth used (invalid_grant)", reused.Error.Trim(), StringComparison.Ordinal);
        Assert.Single(reused.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Refresh_refreshes_now_then_says_how_long_the_cooldown_lasts()
    {
        Assert.Equal(0, (await RunAsync(["accounts", "add", "fresh"], signIn: true)).ExitCode);
        var grants = oauth.RefreshRequests;

        var refreshed = await RunAsync(["accounts", "refresh", "fresh"]);
        var again = await RunAsync(["accounts", "refresh", "fresh"]);
        var ghost = await RunAsync(["accounts", "refresh", "ghost"]);

        Assert.True(refreshed.ExitCode == 0, refreshed.Error);
        Assert.Single(refreshed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(oauth.RefreshRequests > grants);
        Assert.Equal(1, again.ExitCode);
        Assert.Matches(@"^para: Refresh cooling down: try again in \d+ s$", again.Error.Trim());
        Assert.Equal(1, ghost.ExitCode);
        Assert.Contains("'ghost'", ghost.Error, StringComparison.Ordinal);
        Assert.Single(ghost.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Reauth_all_walks_the_accounts_that_need_it_skips_an_empty_line_and_counts_a_wrong_code_as_failed()
    {
        foreach (var (name, priority) in new[] { ("bulk-a", "1"), ("bulk-b", "2"), ("bulk-c", "3"), ("fine", "4") })
        {
            Assert.Equal(0, (await RunAsync(["accounts", "add", name, "--priority", priority], signIn: true)).ExitCode);
        }

        var nothing = await RunAsync(["accounts", "reauth", "--all"], input: "");
        Assert.Equal(0, nothing.ExitCode);
        Assert.StartsWith("No account requires re-authentication; nothing to do", nothing.Output, StringComparison.Ordinal);

        var before = new Dictionary<string, string>();
        foreach (var name in new[] { "bulk-a", "bulk-b", "bulk-c" })
        {
            var account = _factory.Store.Update(_factory.Store.Find(name)!.Id, record => record.RequiresReauth = true)!;
            before[name] = account.Tokens!.AccessToken;
        }

        var urls = 0;
        var run = await RunAsync(["accounts", "reauth", "--all"], answer: async (url, index) =>
        {
            urls++;
            return index switch
            {
                0 => await oauth.SignInAsync(url),
                1 => "",
                _ => "not-a-code-the-provider-issued",
            };
        });

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(3, urls);
        Assert.Contains("[1/3] bulk-a (requires-reauth)", run.Output, StringComparison.Ordinal);
        Assert.Contains("Account 'bulk-a' has been successfully re-authenticated", run.Output, StringComparison.Ordinal);
        Assert.Contains("Skipped bulk-b", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fine", run.Output, StringComparison.Ordinal);
        Assert.Equal("1 signed in, 1 skipped, 1 failed", run.Output.Trim().Split('\n')[^1].Trim());
        Assert.StartsWith("para: bulk-c: The OAuth provider refused the code: ", run.Error, StringComparison.Ordinal);
        var a = _factory.Store.Find("bulk-a")!;
        Assert.False(a.RequiresReauth);
        Assert.NotEqual(before["bulk-a"], a.Tokens!.AccessToken);
        Assert.True(_factory.Store.Find("bulk-b")!.RequiresReauth);
        Assert.True(_factory.Store.Find("bulk-c")!.RequiresReauth);
        Assert.Equal(before["bulk-c"], _factory.Store.Find("bulk-c")!.Tokens!.AccessToken);
        AssertNoTokens(run.Output + run.Error);
    }

    private void AssertNoTokens(string text)
    {
        foreach (var account in _factory.Store.List())
        {
            Assert.DoesNotContain(account.Tokens!.AccessToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(account.Tokens.RefreshToken, text, StringComparison.Ordinal);
        }
    }

    private sealed record CliRun(int ExitCode, string Output, string Error);

    /// <summary>
    /// Runs <c>dotnet para.dll</c>. With <paramref name="signIn"/>, plays the user: reads the URL the
    /// CLI prints, signs in at the test provider and types the <c>code#state</c> it shows. With
    /// <paramref name="answer"/>, types what it returns for each URL printed (by its index); null
    /// ends the input.
    /// </summary>
    private async Task<CliRun> RunAsync(string[] args, bool signIn = false, string? input = null, Uri? address = null, Func<Uri, int, Task<string?>>? answer = null)
    {
        if (signIn)
        {
            answer = async (url, index) => index == 0 ? await oauth.SignInAsync(url) : null;
        }

        var start = new ProcessStartInfo("dotnet", [RepositoryPaths.ParaDll, .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["Para__Client__AccountsAddress"] = (address ?? _address).ToString(),
                ["Para__Client__AdminKey"] = AccountsApiFactory.AdminKey,
                ["PARA_DATA_DIR"] = _factory.DataDirectory,
                ["PARA_NO_BROWSER"] = "1",
            },
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        if (answer is not null)
        {
            var urls = 0;
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync()) is not null)
            {
                output.AppendLine(line);
                if (line.StartsWith("http", StringComparison.Ordinal))
                {
                    if (await answer(new Uri(line.Trim()), urls++) is not { } reply)
                    {
                        break;
                    }

                    await process.StandardInput.WriteLineAsync(reply);
                    await process.StandardInput.FlushAsync();
                }
            }
        }
        else if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        output.Append(await process.StandardOutput.ReadToEndAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new CliRun(process.ExitCode, output.ToString(), await error);
    }
}
