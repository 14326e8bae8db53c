using BenchmarkDotNet.Running;
using Para.Bench;

// dotnet run -c Release --project bench/Para.Bench -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(AuthRefreshBenchmarks).Assembly).Run(args);
