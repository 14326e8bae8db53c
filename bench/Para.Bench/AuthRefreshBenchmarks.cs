using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Para.Accounts.AuthRefresh;
using Para.Accounts.Tokens;
using Para.Contracts.Credentials;

namespace Para.Bench;

/// <summary>
/// What the auth refresh pipeline costs a call that succeeds (the common case), and what the
/// whole refresh path costs: detect the 401, run the strategies (an instant fake token service),
/// retry once.
/// </summary>
[MemoryDiagnoser]
public class AuthRefreshBenchmarks
{
    private static readonly Func<CancellationToken, ValueTask<int>> Succeeds = static _ => ValueTask.FromResult(42);

    private IHost _host = null!;
    private AuthRefreshManager _manager = null!;
    private int _attempt;

    [GlobalSetup]
    public void Setup()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IAccountTokenService, InstantTokenService>();
        builder.AddAuthRefresh();
        // No cooldown, so every refresh-path invocation really refreshes.
        builder.Services.Configure<AuthRefreshOptions>(options => options.RefreshCooldown = TimeSpan.Zero);
        _host = builder.Build();
        _manager = _host.Services.GetRequiredService<AuthRefreshManager>();
    }

    [GlobalCleanup]
    public void Cleanup() => _host.Dispose();

    [Benchmark(Baseline = true, Description = "direct call")]
    public ValueTask<int> Direct() => Succeeds(CancellationToken.None);

    [Benchmark(Description = "pipeline, successful call")]
    public ValueTask<int> PipelineSuccess() => _manager.ExecuteAsync(Succeeds, "bench", "acc-1", "session");

    [Benchmark(Description = "pipeline, 401 -> refresh -> retry")]
    public ValueTask<int> RefreshPath()
    {
        _attempt = 0;
        return _manager.ExecuteAsync(
            _ => ++_attempt == 1 ? throw new HttpRequestException("401", null, HttpStatusCode.Unauthorized) : ValueTask.FromResult(42),
            "bench", "acc-1", "session");
    }

    [Benchmark(Description = "stream of 3, successful")]
    public async Task<int> StreamSuccess()
    {
        var sum = 0;
        await foreach (var item in _manager.ExecuteStreamAsync(static _ => Three(), "bench", "acc-1", "session"))
        {
            sum += item;
        }

        return sum;
    }

    private static async IAsyncEnumerable<int> Three()
    {
        await Task.CompletedTask;
        yield return 1;
        yield return 2;
        yield return 3;
    }

    private sealed class InstantTokenService : IAccountTokenService
    {
        private static readonly Task<TokenOperationResult> Refreshed = Task.FromResult(TokenOperationResult.Succeeded("Refreshed."));

        public Task<TokenOperationResult> RefreshAsync(string accountIdOrName, CancellationToken cancellationToken) => Refreshed;

        public Task<TokenOperationResult> ReloadAsync(string accountIdOrName, CancellationToken cancellationToken) => Refreshed;

        public Task<TokenOperationResult> ImportAsync(string accountIdOrName, ClaudeAiOauth tokens, CancellationToken cancellationToken) => Refreshed;

        public Task<IReadOnlyList<AccountTokenStatus>> GetStatusesAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<AccountTokenStatus>>([]);
    }
}
