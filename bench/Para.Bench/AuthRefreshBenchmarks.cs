using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Para.Accounts.AuthRefresh;

namespace Para.Bench;

/// <summary>
/// What the auth refresh pipeline costs a call that succeeds (the common case), and what a 401
/// costs up to the recovery decision (here: an account the store does not hold, so no provider call).
/// </summary>
[MemoryDiagnoser]
public class AuthRefreshBenchmarks
{
    private static readonly Func<CancellationToken, ValueTask<int>> Succeeds = static _ => ValueTask.FromResult(42);

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("para-bench-").FullName;
    private IHost _host = null!;
    private AuthRefreshManager _manager = null!;
    private int _attempt;

    [GlobalSetup]
    public void Setup()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["PARA_DATA_DIR"] = _dataDirectory;
        builder.Configuration["PARA_DB_PASSWORD"] = "bench";
        builder.AddAccountServices();
        builder.AddAuthRefresh();
        _host = builder.Build();
        _manager = _host.Services.GetRequiredService<AuthRefreshManager>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

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
}
