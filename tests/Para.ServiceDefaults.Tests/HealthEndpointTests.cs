using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Para.ServiceDefaults.Security;

namespace Para.ServiceDefaults.Tests;

public sealed class HealthEndpointTests : IAsyncLifetime
{
    private const string Key = "test-admin-key";
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration[AdminKeyAuthentication.AdminKeyConfigurationKey] = Key;
        builder.AddServiceDefaults();
        builder.Services.AddHealthChecks().AddCheck("docker", () => HealthCheckResult.Degraded("engine not reachable at /var/run/docker.sock"));
        builder.Services.AddSingleton<IHealthDocumentSection>(new FixedSection());
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Health_reports_each_check_with_its_reason_and_the_extra_sections()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        using var response = await _client.SendAsync(request);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("degraded", document.RootElement.GetProperty("status").GetString());
        var docker = document.RootElement.GetProperty("checks").GetProperty("docker");
        Assert.Equal("engine not reachable at /var/run/docker.sock", docker.GetProperty("description").GetString());
        Assert.True(document.RootElement.GetProperty("authentication").GetProperty("isAuthenticated").GetBoolean());
    }

    [Fact]
    public async Task A_wrong_admin_key_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Alive_needs_no_key_and_runs_only_liveness_checks()
    {
        using var response = await _client.GetAsync(new Uri("/alive", UriKind.Relative));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", document.RootElement.GetProperty("status").GetString());
        Assert.False(document.RootElement.GetProperty("checks").TryGetProperty("docker", out _));
        Assert.False(document.RootElement.TryGetProperty("authentication", out _));
    }

    private sealed class FixedSection : IHealthDocumentSection
    {
        public string Name => "authentication";

        public object GetValue() => new { isAuthenticated = true };
    }
}
