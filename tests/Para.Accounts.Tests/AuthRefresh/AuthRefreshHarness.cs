using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Para.Accounts.AuthRefresh;
using Para.Accounts.Tokens;

namespace Para.Accounts.Tests.AuthRefresh;

/// <summary>A host with exactly what <c>AddAuthRefresh</c> registers, a fake clock and the fake token service.</summary>
internal sealed class AuthRefreshHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly IHost _host;

    public AuthRefreshHarness(Action<AuthRefreshOptions>? configure = null)
    {
        Directory.CreateDirectory(TempDirectory);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddSingleton<IAccountTokenService>(Tokens);
        builder.Logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug);
        builder.AddAuthRefresh();
        builder.Services.Configure<AuthRefreshOptions>(options =>
        {
            // Never the real $HOME/.claude file.
            options.CredentialsFilePath = CredentialsFilePath;
            configure?.Invoke(options);
        });
        _host = builder.Build();
        Tokens.Accounts.Add(FakeAccountTokenService.Account("acc-1", "work", Start.AddHours(1)));
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public FakeAccountTokenService Tokens { get; } = new();

    public LogCapture Logs { get; } = new();

    public string TempDirectory { get; } = Path.Combine(Path.GetTempPath(), "para-authrefresh-" + Guid.NewGuid().ToString("N"));

    public string CredentialsFilePath => Path.Combine(TempDirectory, ".credentials.json");

    public IServiceProvider Services => _host.Services;

    public AuthRefreshManager Manager => _host.Services.GetRequiredService<AuthRefreshManager>();

    public AuthRefreshMetrics Metrics => _host.Services.GetRequiredService<AuthRefreshMetrics>();

    public void Dispose()
    {
        _host.Dispose();
        Directory.Delete(TempDirectory, recursive: true);
    }
}
