using BenchmarkDotNet.Attributes;
using Para.Accounts.Storage;

namespace Para.Bench;

/// <summary>
/// What the store's reads cost with 1,001 seeded accounts now that they come from memory: the
/// copies it hands out (every record cloned, request history included) are the whole cost.
/// </summary>
[MemoryDiagnoser]
public class AccountStoreBenchmarks
{
    private string _directory = "";
    private AccountStore _store = null!;
    private string _id = "";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("para-bench-store-").FullName;
        _store = AccountStore.Open(_directory, "bench-password");
        var ids = AccountSeeder.Seed(_store, 1001);
        _id = ids[ids.Count / 2];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "List() of 1,001 (copies)")]
    public int List() => _store.List().Count;

    [Benchmark(Description = "Find(id) (a copy)")]
    public string? Find() => _store.Find(_id)?.Name;

    [Benchmark(Description = "RecordRequest (LiteDB write + cache)")]
    public long? Write() => _store.RecordRequest(_id, new RequestRecord { TimestampMs = 1, Model = "bench", StatusCode = 200 })?.Usage.RequestCount;
}
