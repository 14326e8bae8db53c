extern alias gateway;

using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Registry;
using AuthRefreshManager = gateway::Para.Gateway.AuthRefresh.AuthRefreshManager;
using AuthRefreshPipeline = gateway::Para.Gateway.AuthRefresh.AuthRefreshPipeline;
using IAuthRecovery = gateway::Para.Gateway.AuthRefresh.IAuthRecovery;

namespace Para.Bench;

/// <summary>
/// What the gateway's auth refresh pipeline costs a call that succeeds (the common case), and what
/// a 401 costs up to the recovery decision (here: a recovery that answers "no" at once, so neither
/// the account API nor a provider is in the figure).
/// </summary>
[MemoryDiagnoser]
public class AuthRefreshBenchmarks
{
    private static readonly Func<CancellationToken, ValueTask<int>> Succeeds = static _ => ValueTask.FromResult(42);

    private ServiceProvider _services = null!;
    private AuthRefreshManager _manager = null!;
    private int _attempt;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddResiliencePipeline(AuthRefreshPipeline.Name, static pipeline =>
            AuthRefreshPipeline.AddAuthRecovery(pipeline, new NoRecovery(), TimeProvider.System, NullLogger.Instance));
        _services = services.BuildServiceProvider();
        _manager = new AuthRefreshManager(_services.GetRequiredService<ResiliencePipelineProvider<string>>());
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "direct call")]
    public ValueTask<int> Direct() => Succeeds(CancellationToken.None);

    [Benchmark(Description = "pipeline, successful call")]
    public ValueTask<int> PipelineSuccess() => _manager.ExecuteAsync(Succeeds, "bench", "acc-1", "session");

    [Benchmark(Description = "pipeline, 401 -> recovery decision")]
    public async Task<int> RecoveryDecision()
    {
        _attempt = 0;
        try
        {
            return await _manager.ExecuteAsync(
                _ => ++_attempt == 1 ? throw new HttpRequestException("401", null, HttpStatusCode.Unauthorized) : ValueTask.FromResult(42),
                "bench", "acc-1", "session");
        }
        catch (HttpRequestException)
        {
            return -1;
        }
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

    private sealed class NoRecovery : IAuthRecovery
    {
        public ValueTask<bool> TryRecoverAsync(string accountId, string? refusedFingerprint, DateTimeOffset callStartedAt, CancellationToken cancellationToken) =>
            ValueTask.FromResult(false);
    }
}
