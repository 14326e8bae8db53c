using System.Diagnostics;
using Para.Accounts.Tests.Infrastructure;

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
        Assert.Contains(_factory.Store.Find("work")!.Tokens is { } tokens ? Para.Accounts.Accounts.TokenFingerprint.Of(tokens.AccessToken) : "?", row, StringComparison.Ordinal);
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
    /// CLI prints, signs in at the test provider and types the <c>code#state</c> it shows.
    /// </summary>
    private async Task<CliRun> RunAsync(string[] args, bool signIn = false, string? input = null, Uri? address = null)
    {
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
        if (signIn)
        {
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync()) is not null)
            {
                output.AppendLine(line);
                if (line.StartsWith("http", StringComparison.Ordinal))
                {
                    await process.StandardInput.WriteLineAsync(await oauth.SignInAsync(new Uri(line.Trim())));
                    break;
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
