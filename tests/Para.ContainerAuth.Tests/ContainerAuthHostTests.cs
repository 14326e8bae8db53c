using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Para.ServiceDefaults.Security;

namespace Para.ContainerAuth.Tests;

public sealed class ContainerAuthHostTests : IClassFixture<WebApplicationFactory<Program>>
{
    private const string Key = "container-auth-test-key";
    private readonly WebApplicationFactory<Program> _factory;

    public ContainerAuthHostTests(WebApplicationFactory<Program> factory) =>
        _factory = factory.WithWebHostBuilder(host => host.UseSetting(AdminKeyAuthentication.AdminKeyConfigurationKey, Key));

    [Fact]
    public async Task Without_an_account_api_address_health_is_degraded_and_says_which_variable_is_missing()
    {
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var accounts = document.RootElement.GetProperty("checks").GetProperty("accounts");
        Assert.Equal("degraded", accounts.GetProperty("status").GetString());
        Assert.Contains("services__accounts__http__0", accounts.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
