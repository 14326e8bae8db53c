using BenchmarkDotNet.Running;
using Para.Bench;

// dotnet run -c Release --project bench/Para.Bench -- --filter '*' --job short
// dotnet run -c Release --project bench/Para.Bench -- seed-accounts DATA_DIR COUNT   (bench/accounts-load.sh)
if (args is [AccountSeeder.Command, .. var seedArguments])
{
    return AccountSeeder.Run(seedArguments);
}

BenchmarkSwitcher.FromAssembly(typeof(AuthRefreshBenchmarks).Assembly).Run(args);
return 0;
