using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Para.Client;
using Para.ServiceDefaults.Security;

namespace Para.Client.Tests;

/// <summary>
/// The chain the console and the CLI rely on: <c>services__accounts__http__0</c> → service discovery
/// → the Refit client, carrying the admin key read from the data folder.
/// </summary>
public sealed class ParaClientsTests : IAsyncLifetime, IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("para-client-").FullName;
    private WebApplication _server = null!;
    private string? _seenAuthorization;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.MapGet("/health", (HttpContext context) =>
        {
            _seenAuthorization = context.Request.Headers.Authorization;
            return Results.Json(new { status = "healthy", timestamp = DateTimeOffset.UnixEpoch, checks = new { } });
        });
        await _server.StartAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task Clients_find_the_service_by_name_and_present_the_admin_key_from_the_data_folder()
    {
        var key = AdminKey.LoadOrCreate(_dataDirectory);
        var address = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration["services:accounts:http:0"] = address;
        builder.Configuration[ParaDataDirectory.EnvironmentVariable] = _dataDirectory;
        builder.AddServiceDefaults();
        builder.Services.AddParaClients(builder.Configuration);
        using var host = builder.Build();

        using var response = await host.Services.GetRequiredService<IAccountsApi>().GetHealthAsync();

        Assert.True(response.IsSuccessful);
        Assert.Equal("healthy", response.Content!.Status);
        Assert.Equal($"Bearer {key}", _seenAuthorization);
    }

    [Fact]
    public async Task Without_a_running_para_the_client_says_so_instead_of_inventing_a_key()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration["services:accounts:http:0"] = "http://127.0.0.1:9";
        builder.Configuration[ParaDataDirectory.EnvironmentVariable] = _dataDirectory;
        builder.AddServiceDefaults();
        builder.Services.AddParaClients(builder.Configuration);
        using var host = builder.Build();

        using var response = await host.Services.GetRequiredService<IAccountsApi>().GetHealthAsync();

        Assert.False(response.IsSuccessful);
        Assert.Contains("No admin key", response.Error!.InnerException?.Message ?? response.Error.Message, StringComparison.Ordinal);
        Assert.Null(_seenAuthorization);
    }
}
