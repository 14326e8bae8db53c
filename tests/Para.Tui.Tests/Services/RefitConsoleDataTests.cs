using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts;
using Para.Tui.Services;
using Para.Tui.Tests.Infrastructure;
using Para.Tui.ViewModels;

namespace Para.Tui.Tests.Services;

/// <summary>The console's data seam over the real Refit clients, against both real services.</summary>
[Collection(ParaServicesCollection.Name)]
public sealed class RefitConsoleDataTests(ParaServicesFixture services) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _clients = services.CreateClients();

    private RefitConsoleData Data => new(_clients.GetRequiredService<IAccountsApi>(), _clients.GetRequiredService<IContainerAuthApi>());

    [Fact]
    public async Task Health_reads_both_services_and_the_auth_refresh_numbers()
    {
        var health = await Data.GetHealthAsync(CancellationToken.None);

        Assert.True(health.Accounts.Reachable, health.Accounts.Detail);
        Assert.True(health.ContainerAuth.Reachable, health.ContainerAuth.Detail);
        Assert.Equal(ServiceNames.Accounts, health.Accounts.Service);
        Assert.Equal("healthy", health.Accounts.Status);
        Assert.Equal("healthy", health.ContainerAuth.Status);
        Assert.Contains(health.ContainerAuth.Checks, check => check.Name == ServiceNames.Accounts && check.Status == "healthy");
        Assert.NotNull(health.Authentication);
        Assert.True(health.Authentication.RefreshCount >= 0);
    }

    [Fact]
    public async Task An_added_account_is_not_listed_until_its_oauth_completes_and_the_stream_tells_of_it()
    {
        var data = Data;
        var name = $"pending-{Guid.NewGuid():N}"[..16];
        using var timeout = new CancellationTokenSource(Patience);
        await using var events = data.WatchEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("connected", events.Current.Kind);
        Assert.Equal(ServiceNames.Accounts, events.Current.Source);

        var start = await data.BeginAddAccountAsync(name, "max", 3, timeout.Token);

        Assert.Equal(services.OAuth.AuthorizeUrl.AbsolutePath, start.AuthorizeUrl.AbsolutePath);
        Assert.False(string.IsNullOrEmpty(start.State));
        Assert.DoesNotContain(await data.GetAccountsAsync(timeout.Token), account => account.Name == name);
        var health = await data.GetHealthAsync(timeout.Token);
        Assert.NotNull(health.Authentication);

        var pasted = await services.OAuth.SignInAsync(start.AuthorizeUrl);
        var completed = await data.CompleteOAuthAsync(start.State, pasted, timeout.Token);

        Assert.Equal(name, completed.Name);
        Assert.False(completed.RequiresReauth);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(name, events.Current.Subject);
        var row = Assert.Single(await data.GetAccountsAsync(timeout.Token), account => account.Name == name);
        Assert.Equal(("max", 3), (row.Mode, row.Priority));
        Assert.NotNull(row.AccessTokenExpiresAt);
        Assert.NotNull(row.RefreshTokenIssuedAt);
        Assert.Equal(AccountStatus.Ok, AccountStatusRules.Classify(row, DateTimeOffset.UtcNow));

        await data.DeleteAsync(name, timeout.Token);
    }

    [Fact]
    public async Task Account_actions_change_the_listed_account_and_refresh_runs_against_the_provider()
    {
        var data = Data;
        var name = await AddSignedInAccountAsync(data, "actions");

        await data.SetPausedAsync(name, paused: true, CancellationToken.None);
        await data.SetPriorityAsync(name, 7, CancellationToken.None);
        var changed = Assert.Single(await data.GetAccountsAsync(CancellationToken.None), account => account.Name == name);
        Assert.True(changed.Paused);
        Assert.Equal(7, changed.Priority);
        Assert.Equal(AccountStatus.Paused, AccountStatusRules.Classify(changed, DateTimeOffset.UtcNow));

        var refreshesBefore = services.OAuth.RefreshRequests;
        var numbersBefore = (await data.GetHealthAsync(CancellationToken.None)).Authentication;
        var refreshed = await data.RefreshAsync(name, CancellationToken.None);
        Assert.True(refreshed.Success, refreshed.Message);
        Assert.False(string.IsNullOrWhiteSpace(refreshed.Message));
        Assert.True(services.OAuth.RefreshRequests > refreshesBefore);
        var numbersAfter = (await data.GetHealthAsync(CancellationToken.None)).Authentication;
        Assert.NotNull(numbersBefore);
        Assert.NotNull(numbersAfter);
        Assert.True(numbersAfter.RefreshCount > numbersBefore.RefreshCount);
        Assert.True(numbersAfter.IsAuthenticated);
        Assert.NotNull(numbersAfter.LastRefresh);

        var unknown = await data.RefreshAsync("no-such-account", CancellationToken.None);
        Assert.False(unknown.Success);
        Assert.Contains("no-such-account", unknown.Message, StringComparison.Ordinal);

        var reauth = await data.BeginReauthAsync(name, CancellationToken.None);
        Assert.Equal(services.OAuth.AuthorizeUrl.AbsolutePath, reauth.AuthorizeUrl.AbsolutePath);

        await data.DeleteAsync(name, CancellationToken.None);
        Assert.DoesNotContain(await data.GetAccountsAsync(CancellationToken.None), account => account.Name == name);
    }

    [Fact]
    public async Task A_rejected_request_surfaces_as_one_sentence()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => Data.SetPausedAsync("no-such-account", true, CancellationToken.None));

        var sentence = ErrorSentence.Describe(exception);

        Assert.Contains("404", sentence, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', sentence);
    }

    [Fact]
    public async Task Images_and_containers_with_the_para_prefix_are_listed_from_docker()
    {
        var image = $"{services.NamePrefix}box:latest";
        var container = $"{services.NamePrefix}box-1";
        ParaServicesFixture.Docker("tag", "para-test-base:latest", image);
        try
        {
            ParaServicesFixture.Docker("create", "--network", "none", "--name", container, image, "true");

            var images = await Data.GetImagesAsync(CancellationToken.None);
            var containers = await Data.GetContainersAsync(CancellationToken.None);

            var imageRow = Assert.Single(images);
            Assert.Equal(image, imageRow.Name);
            Assert.Null(imageRow.AuthenticatedBy);
            Assert.Null(imageRow.CredentialsExpireAt);
            Assert.Equal("none", imageRow.Status);
            var containerRow = Assert.Single(containers);
            Assert.Equal((container, image, "created", "none"), (containerRow.Name, containerRow.Image, containerRow.State, containerRow.CredentialStatus));
        }
        finally
        {
            ParaServicesFixture.Docker("rm", "-f", container);
            ParaServicesFixture.Docker("rmi", image);
        }
    }

    [Fact]
    public async Task Reauth_all_starts_a_job_that_the_jobs_list_shows_finishing()
    {
        var data = Data;

        var job = await data.ReauthAllAsync(includeContainers: false, CancellationToken.None);

        Assert.False(string.IsNullOrEmpty(job.Id));
        using var timeout = new CancellationTokenSource(Patience);
        JobRow? listed;
        do
        {
            listed = (await data.GetJobsAsync(timeout.Token)).SingleOrDefault(row => row.Id == job.Id);
            Assert.NotNull(listed);
            await Task.Delay(100, timeout.Token);
        }
        while (listed.State is JobState.Running or JobState.Queued);

        Assert.Equal(job.Kind, listed.Kind);
        Assert.NotNull(listed.FinishedAt);
    }

    [Fact]
    public async Task Verify_of_an_unknown_target_is_one_sentence_not_a_stack_trace()
    {
        var exception = await Record.ExceptionAsync(() => Data.VerifyAsync(VerifyTarget.Image, $"{services.NamePrefix}missing:latest", CancellationToken.None));

        var message = exception is null ? null : ErrorSentence.Describe(exception);

        Assert.NotNull(message);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    private async Task<string> AddSignedInAccountAsync(RefitConsoleData data, string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..16];
        var start = await data.BeginAddAccountAsync(name, "max", 1, CancellationToken.None);
        await data.CompleteOAuthAsync(start.State, await services.OAuth.SignInAsync(start.AuthorizeUrl), CancellationToken.None);
        return name;
    }

    public void Dispose() => _clients.Dispose();
}
