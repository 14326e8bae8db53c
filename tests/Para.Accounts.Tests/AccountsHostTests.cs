using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Para.ServiceDefaults.Security;

namespace Para.Accounts.Tests;

public sealed class AccountsHostTests : IClassFixture<WebApplicationFactory<Program>>
{
    private const string Key = "accounts-test-key";
    private readonly WebApplicationFactory<Program> _factory;

    public AccountsHostTests(WebApplicationFactory<Program> factory) =>
        _factory = factory.WithWebHostBuilder(host => host.UseSetting(AdminKeyAuthentication.AdminKeyConfigurationKey, Key));

    [Fact]
    public async Task Health_needs_the_admin_key()
    {
        using var client = _factory.CreateClient();

        using var anonymous = await client.GetAsync(new Uri("/health", UriKind.Relative));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var authorized = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
    }
}
