using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Para.Contracts;
using Para.Hosting;

namespace Para.IntegrationTests;

public sealed class AppHostTests(AppHostFixture fixture) : IClassFixture<AppHostFixture>
{
    private readonly DistributedApplication _app = fixture.App;

    [Theory]
    [InlineData(ServiceNames.Accounts)]
    [InlineData(ServiceNames.ContainerAuth)]
    public async Task Every_service_answers_health_with_the_admin_key(string resource)
    {
        using var client = _app.CreateHttpClient(resource);

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", document.RootElement.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(ServiceNames.Accounts)]
    [InlineData(ServiceNames.ContainerAuth)]
    public async Task Health_without_the_admin_key_is_refused_with_problem_details_but_alive_is_open(string resource)
    {
        using var anonymous = new HttpClient { BaseAddress = _app.GetEndpoint(resource) };

        using var health = await anonymous.GetAsync(new Uri("/health", UriKind.Relative));
        using var alive = await anonymous.GetAsync(new Uri("/alive", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, health.StatusCode);
        Assert.Equal("application/problem+json", health.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Container_auth_received_the_account_api_address_through_service_discovery()
    {
        using var client = _app.CreateHttpClient(ServiceNames.ContainerAuth);

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var accountsCheck = document.RootElement.GetProperty("checks").GetProperty(ServiceNames.Accounts);
        Assert.Equal("healthy", accountsCheck.GetProperty("status").GetString());
        Assert.Equal(
            _app.GetEndpoint(ServiceNames.Accounts).ToString().TrimEnd('/'),
            accountsCheck.GetProperty("data").GetProperty("address").GetString());
    }
}

public sealed class AppHostShutdownTests
{
    [Fact]
    public async Task Stopping_the_application_leaves_no_service_process_behind()
    {
        var fixture = new AppHostFixture();
        await fixture.InitializeAsync();
        var processIds = fixture.App.Snapshots.Select(snapshot => snapshot.ProcessId).OfType<int>().ToList();
        Assert.Equal(2, processIds.Count);

        await fixture.DisposeAsync();

        Assert.All(processIds, pid => Assert.False(IsRunning(pid), $"process {pid} is still running"));
    }
    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

public sealed class AppHostRestartTests
{
    [Fact]
    public async Task A_crashed_service_is_restarted_on_the_same_address_and_becomes_healthy_again()
    {
        var fixture = new AppHostFixture();
        await fixture.InitializeAsync();
        try
        {
            var before = await fixture.App.WaitForResourceHealthyAsync(ServiceNames.Accounts);
            using (var process = Process.GetProcessById(before.ProcessId!.Value))
            {
                process.Kill();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var after = await fixture.App.WaitForResourceAsync(
                ServiceNames.Accounts, snapshot => snapshot.RestartCount == 1 && snapshot.IsHealthy, timeout.Token);

            Assert.NotEqual(before.ProcessId, after.ProcessId);
            Assert.Equal(before.Endpoint, after.Endpoint);
            using var client = fixture.App.CreateHttpClient(ServiceNames.Accounts);
            using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }
}
