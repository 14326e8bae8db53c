using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Para.Accounts.AuthRefresh;

namespace Para.Accounts.Tests.AuthRefresh;

public sealed class AuthRefreshOptionsTests
{
    [Fact]
    public void The_defaults_are_the_seeds()
    {
        var options = new AuthRefreshOptions();

        Assert.Equal(TimeSpan.FromSeconds(30), options.RefreshCooldown);
        Assert.Equal(3, options.MaxConsecutiveFailures);
        Assert.Equal(TimeSpan.FromMinutes(5), options.RefreshTimeout);
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".claude", ".credentials.json"), options.CredentialsFilePath);
    }

    [Fact]
    public void Configuration_is_bound_from_para_auth_refresh()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["Para:AuthRefresh:RefreshCooldown"] = "00:01:00";
        builder.Configuration["Para:AuthRefresh:CredentialsFileAccount"] = "work";
        builder.AddAuthRefresh();
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptionsMonitor<AuthRefreshOptions>>().CurrentValue;

        Assert.Equal(TimeSpan.FromMinutes(1), options.RefreshCooldown);
        Assert.Equal("work", options.CredentialsFileAccount);
        Assert.Equal(3, options.MaxConsecutiveFailures);
    }

    [Fact]
    public async Task An_invalid_value_stops_the_host_at_start()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["Para:AuthRefresh:MaxConsecutiveFailures"] = "0";
        builder.Configuration["Para:AuthRefresh:RefreshTimeout"] = "00:00:00";
        builder.AddAuthRefresh();
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("MaxConsecutiveFailures must be at least 1.", exception.Failures);
        Assert.Contains("RefreshTimeout must be positive.", exception.Failures);
    }
}
