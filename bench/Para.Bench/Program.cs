using BenchmarkDotNet.Running;
using Para.Bench;

// dotnet run -c Release --project bench/Para.Bench -- --filter '*' --job short
// dotnet run -c Release --project bench/Para.Bench -- seed-accounts DATA_DIR COUNT   (bench/accounts-load.sh)
// dotnet run -c Release --project bench/Para.Bench -- feed-fanout 1 10 50               (bench/feed-fanout.sh)
// dotnet run -c Release --project bench/Para.Bench -- bench-upstream PORT               (bench/gateway-overhead.sh)
// dotnet run -c Release --project bench/Para.Bench -- bench-bare-proxy PORT UPSTREAM     (bench/gateway-overhead.sh)
if (args is [FeedFanout.Command, .. var sizes])
{
    return await FeedFanout.RunAsync(sizes);
}

if (args is [BenchUpstream.Command, .. var upstreamArguments])
{
    return await BenchUpstream.RunAsync(upstreamArguments);
}

if (args is [BareProxy.Command, .. var proxyArguments])
{
    return await BareProxy.RunAsync(proxyArguments);
}

if (args is [AccountSeeder.Command, .. var seedArguments])
{
    return AccountSeeder.Run(seedArguments);
}

BenchmarkSwitcher.FromAssembly(typeof(AuthRefreshBenchmarks).Assembly).Run(args);
return 0;
