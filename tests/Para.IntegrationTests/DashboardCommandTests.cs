#pragma warning disable ASPIREINTERACTION001 // The interaction service is experimental in Aspire 13.
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Para.AppHost.Commands;
using Para.Client;
using Para.Contracts;
using Para.Contracts.Accounts;
using Para.Contracts.ContainerAuth;
using Para.IntegrationTests.Infrastructure;

namespace Para.IntegrationTests;

/// <summary>
/// The dashboard's commands, run through Aspire's resource command service as the dashboard runs
/// them, against the real services, the in-test OAuth server and the real Docker engine.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed partial class DashboardCommandTests(AppHostFixture fixture) : IDisposable
{
    private readonly ParaAppHost _host = fixture.Host;
    private readonly ServiceProvider _clients = fixture.Host.CreateClients();

    private IAccountsApi Accounts => _clients.GetRequiredService<IAccountsApi>();

    private ResourceCommandService Commands => _host.App.Services.GetRequiredService<ResourceCommandService>();

    [Fact]
    public async Task Refresh_tokens_now_gives_every_signed_in_account_a_new_token_and_says_so_in_one_sentence()
    {
        var before = await SignInAsync("cmd-refresh", priority: 3);
        var refreshesBefore = fixture.OAuth.RefreshRequests;

        var result = await Commands.ExecuteCommandAsync(ServiceNames.Accounts, AccountCommands.RefreshTokens);

        Assert.True(result.Success, result.Message);
        Assert.StartsWith("Refreshed ", result.Message);
        Assert.DoesNotContain("\n", result.Message, StringComparison.Ordinal);
        Assert.True(fixture.OAuth.RefreshRequests > refreshesBefore);
        var after = await Accounts.GetAccountAsync("cmd-refresh");
        Assert.NotEqual(before.Token!.Fingerprint, after.Token!.Fingerprint);
    }

    [Fact]
    public async Task Reauthenticate_account_asks_which_account_shows_the_sign_in_link_takes_the_code_and_keeps_the_account()
    {
        var before = await SignInAsync("cmd-reauth", priority: 7);
        var codesBefore = fixture.OAuth.CodeRequests;
        fixture.User.Answer = async (_, message, input) => input.InputType switch
        {
            InputType.Choice => input.Options!.Single(option => option.Key == "cmd-reauth").Key,
            // The person opens the link, approves, and pastes what the provider's page shows.
            _ => await fixture.OAuth.SignInAsync(LinkIn(message)),
        };

        var result = await Commands.ExecuteCommandAsync(ServiceNames.Accounts, AccountCommands.Reauthenticate);

        Assert.True(result.Success, result.Message);
        Assert.StartsWith("Account 'cmd-reauth' is re-authenticated; its token is valid until", result.Message);
        Assert.Equal(codesBefore + 1, fixture.OAuth.CodeRequests);
        var after = await Accounts.GetAccountAsync("cmd-reauth");
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(7, after.Priority);
        Assert.NotEqual(before.Token!.Fingerprint, after.Token!.Fingerprint);
    }

    [Fact]
    public async Task Reauthenticate_account_with_a_code_the_provider_refuses_fails_in_one_sentence_and_changes_nothing()
    {
        var before = await SignInAsync("cmd-refused", priority: 5);
        fixture.User.Answer = (_, _, input) => Task.FromResult<string?>(input.InputType == InputType.Choice ? "cmd-refused" : "not-a-real-code");

        var result = await Commands.ExecuteCommandAsync(ServiceNames.Accounts, AccountCommands.Reauthenticate);

        Assert.False(result.Success);
        Assert.Contains("invalid_grant", result.Message);
        Assert.DoesNotContain('\n', result.Message!);
        Assert.DoesNotContain("Exception", result.Message!, StringComparison.Ordinal);
        var after = await Accounts.GetAccountAsync("cmd-refused");
        Assert.Equal(before.Token!.Fingerprint, after.Token!.Fingerprint);
    }

    [Fact]
    public async Task Reauthenticate_account_cancelled_at_the_account_choice_is_reported_as_cancelled()
    {
        await SignInAsync("cmd-cancel", priority: 9);
        fixture.User.Answer = (_, _, _) => Task.FromResult<string?>(null);

        var result = await Commands.ExecuteCommandAsync(ServiceNames.Accounts, AccountCommands.Reauthenticate);

        Assert.False(result.Success);
        Assert.True(result.Canceled);
    }

    [Fact]
    public async Task Clean_up_temporary_containers_removes_what_an_interrupted_job_left_and_nothing_else()
    {
        var leftover = $"{_host.NamePrefix}auth-tmp-interrupted";
        var own = $"{_host.NamePrefix}agent";
        Docker.Run("create", "--pull", "never", "--network", "none", "--name", leftover, "para-test-base:latest", "true");
        Docker.Run("create", "--pull", "never", "--network", "none", "--name", own, "para-test-base:latest", "true");
        try
        {
            var result = await Commands.ExecuteCommandAsync(ServiceNames.ContainerAuth, ContainerAuthCommands.CleanupTemporary);

            Assert.True(result.Success, result.Message);
            Assert.Equal($"Removed 1 temporary container ({leftover}).", result.Message);
            var remaining = Docker.Run("ps", "-a", "--format", "{{.Names}}", "--filter", $"name={_host.NamePrefix}");
            Assert.Equal(own, remaining);
        }
        finally
        {
            Docker.Run("rm", "-f", leftover, own);
        }
    }

    [Fact]
    public async Task Reauth_all_writes_fresh_credentials_into_the_authenticated_image_and_running_containers()
    {
        await SignInAsync("cmd-images", priority: 1);
        var containerAuth = _clients.GetRequiredService<IContainerAuthApi>();
        var setup = await containerAuth.FollowToEndAsync(
            await containerAuth.SetupAsync(new SetupRequest("cmd-images")), onStep: null, CancellationToken.None);
        Assert.Equal(JobStates.Succeeded, setup.State);

        var result = await Commands.ExecuteCommandAsync(ServiceNames.ContainerAuth, ContainerAuthCommands.ReauthAll);

        Assert.True(result.Success, result.Message);
        Assert.Equal("Re-authenticated 1 image and 0 running containers.", result.Message);
        var image = $"{_host.NamePrefix}authenticated:latest";
        Assert.Equal(image, Docker.Run("image", "ls", "--format", "{{.Repository}}:{{.Tag}}", image));
        Docker.Run("rmi", image);
    }

    private async Task<AccountView> SignInAsync(string name, int priority)
    {
        var begin = await Accounts.AddAccountAsync(new AddAccountRequest(name, Priority: priority));
        var code = await fixture.OAuth.SignInAsync(begin.AuthorizeUrl);
        return await Accounts.CompleteOAuthAsync(new CompleteOAuthRequest(begin.State, code));
    }

    private static Uri LinkIn(string markdown) => new(MarkdownLink().Match(markdown).Groups["url"].Value);

    [GeneratedRegex(@"\]\((?<url>https?://[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    public void Dispose() => _clients.Dispose();
}
