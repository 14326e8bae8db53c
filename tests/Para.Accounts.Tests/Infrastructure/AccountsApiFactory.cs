using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Para.Accounts.Storage;
using Para.Contracts.Accounts;
using Para.ServiceDefaults.Security;

namespace Para.Accounts.Tests.Infrastructure;

/// <summary>
/// The account API on a fresh temp data folder, pointed at the test OAuth server, with a fake clock
/// and every log line captured. <see cref="StartOnKestrel"/> serves it on a real 127.0.0.1 port.
/// </summary>
public sealed class AccountsApiFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "accounts-test-admin-key";

    private readonly OAuthServerFixture _oauth;
    private readonly Uri? _tokenUrl;

    public AccountsApiFactory(OAuthServerFixture oauth, Uri? tokenUrl = null)
    {
        _oauth = oauth;
        _tokenUrl = tokenUrl;
        DataDirectory = Directory.CreateTempSubdirectory("para-accounts-").FullName;
    }

    public string DataDirectory { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public LogCapture Logs { get; } = new();

    /// <summary>More settings for the host, set before its first use.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>Where the credentials-file fallback looks: inside the data folder, never the real $HOME/.claude.</summary>
    public string CredentialsFilePath => Path.Combine(DataDirectory, "claude-credentials.json");

    internal AccountStore Store => Services.GetRequiredService<AccountStore>();

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>Signs a new account in through the API and the real OAuth server, as a person would.</summary>
    public async Task<AccountView> SignInAsync(string name, bool autoRefresh = true)
    {
        using var client = CreateAdminClient();
        using var begun = await client.PostAsJsonAsync("/api/accounts", new AddAccountRequest(name));
        Assert.True(begun.IsSuccessStatusCode, await begun.Content.ReadAsStringAsync());
        var begin = (await begun.Content.ReadFromJsonAsync<OAuthBeginResponse>())!;
        using var completed = await client.PostAsJsonAsync("/api/oauth/complete", new CompleteOAuthRequest(begin.State, await _oauth.SignInAsync(begin.AuthorizeUrl)));
        Assert.True(completed.IsSuccessStatusCode, await completed.Content.ReadAsStringAsync());
        if (autoRefresh)
        {
            return (await completed.Content.ReadFromJsonAsync<AccountView>())!;
        }

        using var patched = await client.PatchAsJsonAsync($"/api/accounts/{name}", new UpdateAccountRequest(AutoRefresh: false));
        patched.EnsureSuccessStatusCode();
        return (await patched.Content.ReadFromJsonAsync<AccountView>())!;
    }

    /// <summary>Serves on Kestrel at 127.0.0.1 and returns the address, for processes outside this one.</summary>
    public Uri StartOnKestrel()
    {
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(AdminKeyAuthentication.AdminKeyConfigurationKey, AdminKey);
        builder.UseSetting(ParaDataDirectory.EnvironmentVariable, DataDirectory);
        builder.UseSetting("Para:OAuth:MaxAuthorizeUrl", _oauth.AuthorizeUrl.ToString());
        builder.UseSetting("Para:OAuth:ConsoleAuthorizeUrl", _oauth.AuthorizeUrl.ToString());
        builder.UseSetting("Para:OAuth:TokenUrl", (_tokenUrl ?? _oauth.TokenUrl).ToString());
        builder.UseSetting("Para:OAuth:RedirectUri", _oauth.RedirectUri.ToString());
        builder.UseSetting("Para:OAuth:ClientId", OAuthServerFixture.ClientId);
        builder.UseSetting("Para:OAuth:TokenRequestEncoding", "Form");
        builder.UseSetting("Para:OAuth:ApiKeyUrl", _oauth.ApiKeyUrl.ToString());
        builder.UseSetting("Para:AuthRefresh:CredentialsFilePath", CredentialsFilePath);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>Keeps every log line (message, and exception text) written in the host.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string All => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(' ', pairs.Select(pair => $"{pair.Key}={pair.Value}"))
                : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{properties}] {exception}");
        }
    }
}
