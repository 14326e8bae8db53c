using System.Net;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Para.Contracts;
using Para.IntegrationTests.Infrastructure;

namespace Para.IntegrationTests;

[Collection(AppHostCollection.Name)]
public sealed class AppHostTests(AppHostFixture fixture)
{
    private readonly ParaAppHost _host = fixture.Host;

    [Theory]
    [InlineData(ServiceNames.Accounts)]
    [InlineData(ServiceNames.ContainerAuth)]
    [InlineData(ServiceNames.Gateway)]
    public async Task Every_service_answers_health_with_the_admin_key(string resource)
    {
        using var client = _host.CreateAdminClient(resource);

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", document.RootElement.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(ServiceNames.Accounts)]
    [InlineData(ServiceNames.ContainerAuth)]
    [InlineData(ServiceNames.Gateway)]
    public async Task Without_the_admin_key_health_is_refused_but_readiness_and_liveness_answer_with_status_only(string resource)
    {
        using var anonymous = _host.App.CreateHttpClient(resource, "http");

        using var health = await anonymous.GetAsync(new Uri("/health", UriKind.Relative));
        using var ready = await anonymous.GetAsync(new Uri("/ready", UriKind.Relative));
        using var alive = await anonymous.GetAsync(new Uri("/alive", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, health.StatusCode);
        Assert.Equal("application/problem+json", health.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        // Aspire's health check reads this path without credentials: the status, nothing else.
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Theory]
    [InlineData(ServiceNames.ContainerAuth)]
    [InlineData(ServiceNames.Gateway)]
    public async Task The_account_api_address_arrives_through_service_discovery(string resource)
    {
        using var client = _host.CreateAdminClient(resource);

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var accountsCheck = document.RootElement.GetProperty("checks").GetProperty(ServiceNames.Accounts);
        Assert.Equal("healthy", accountsCheck.GetProperty("status").GetString());
        Assert.Equal(
            _host.Endpoint(ServiceNames.Accounts).ToString().TrimEnd('/'),
            accountsCheck.GetProperty("data").GetProperty("address").GetString());
    }

    [Theory]
    [InlineData(ServiceNames.Accounts)]
    [InlineData(ServiceNames.ContainerAuth)]
    [InlineData(ServiceNames.Gateway)]
    public async Task Each_service_is_given_the_data_folder_and_a_metric_interval_an_idle_service_can_afford(string resource)
    {
        var model = _host.App.Services.GetRequiredService<DistributedApplicationModel>();
        var service = model.Resources.OfType<ProjectResource>().Single(candidate => candidate.Name == resource);

        // Obsolete in 13.6 in favour of ExecutionConfigurationBuilder, and still the one-line way to read what a resource gets.
#pragma warning disable CS0618
        var environment = await service.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run);
#pragma warning restore CS0618

        Assert.Equal(_host.DataDirectory, environment["PARA_DATA_DIR"]);
        // Aspire's development default is 1 s, about 2.5 % of a core per idle service (bench/README.md).
        Assert.Equal("5000", environment["OTEL_METRIC_EXPORT_INTERVAL"]);
    }

    [Fact]
    public void Both_services_get_the_data_folder_the_apphost_was_given()
    {
        // The services created the admin key the AppHost reads for its commands in that folder.
        Assert.True(File.Exists(Path.Combine(_host.DataDirectory, "admin.key")));
        Assert.True(File.Exists(Path.Combine(_host.DataDirectory, "accounts.db")));
    }
}

public sealed class AppHostShutdownTests
{
    [Fact]
    public async Task Stopping_the_application_leaves_no_service_process_behind()
    {
        var host = await ParaAppHost.StartAsync(oauth: null);
        var processIds = new List<int>();
        foreach (var resource in new[] { ServiceNames.Accounts, ServiceNames.ContainerAuth })
        {
            var resourceEvent = await host.App.ResourceNotifications.WaitForResourceHealthyAsync(resource);
            var pid = resourceEvent.Snapshot.Properties.Single(property => property.Name == "executable.pid").Value;
            processIds.Add(Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.All(processIds, pid => Assert.True(ProcessProbe.IsRunning(pid), $"process {pid} is not running"));

        await host.DisposeAsync();

        Assert.All(processIds, pid => Assert.False(ProcessProbe.IsRunning(pid), $"process {pid} is still running"));
    }
}
