using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Para.ContainerAuth;
using Para.ContainerAuth.Assignments;
using Para.ContainerAuth.Containers;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Propagation;
using Para.Contracts.Credentials;

namespace Para.Bench;

/// <summary>
/// Fan-out on the real engine: N running containers of one account (from para-test-base, network
/// none), then the time from "the account's token changed" to the last of them holding the new
/// one, as the feeder does it. <c>Para.Bench feed-fanout 1 10 50</c>.
/// </summary>
internal static class FeedFanout
{
    public const string Command = "feed-fanout";
    private const string Account = "bench";
    private const string Prefix = "para-bench-feed-";
    private const int Rounds = 5;

    public static async Task<int> RunAsync(string[] sizes)
    {
        var counts = sizes.Select(size => int.TryParse(size, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : -1).ToArray();
        if (counts.Length == 0 || counts.Any(n => n < 0))
        {
            Console.Error.WriteLine($"usage: Para.Bench {Command} N [N ...]");
            return 2;
        }

        var options = Options.Create(new ContainerAuthOptions { FeedParallelism = int.TryParse(Environment.GetEnvironmentVariable("PARA_FEED_PARALLELISM"), CultureInfo.InvariantCulture, out var parallelism) ? parallelism : 8 });
        using var engine = new DockerEngine(Options.Create(new DockerOptions()), new ConfigurationBuilder().AddEnvironmentVariables().Build());
        var writer = new CredentialWriter(engine, options, TimeProvider.System);
        var source = new ChangingCredentials();
        var ledger = new FeedLedger();
        var assignments = new ContainerAccounts(new ContainerAssignments(Path.Combine(Path.GetTempPath(), $"para-bench-{Environment.ProcessId}.json"), TimeProvider.System), engine);
        var containers = new ContainerOperations(engine, writer, source, new Para.ContainerAuth.Images.TemporaryContainers(options), assignments, ledger, options, TimeProvider.System);
        var feeder = new ContainerFeeder(engine, writer, source, containers, assignments, ledger, new Para.ContainerAuth.Events.ContainerAuthEventHub(options, TimeProvider.System, new Microsoft.Extensions.Hosting.Internal.ApplicationLifetime(NullLogger<Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>.Instance)), options, TimeProvider.System, NullLogger<ContainerFeeder>.Instance);

        foreach (var count in counts)
        {
            await RemoveAsync(engine);
            for (var i = 0; i < count; i++)
            {
                var id = await engine.CreateContainerAsync(
                    new ContainerSpec("para-test-base:latest", $"{Prefix}{i}", ["/bin/sleep", "600"], new Dictionary<string, string> { [CredentialLabels.Account] = Account }),
                    CancellationToken.None);
                await engine.StartContainerAsync(id, CancellationToken.None);
            }

            var times = new List<double>();
            for (var round = 0; round < Rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                var report = await feeder.FeedAsync(Account, CancellationToken.None);
                times.Add(clock.Elapsed.TotalMilliseconds);
                if (report.Fed != count)
                {
                    Console.Error.WriteLine($"only {report.Fed} of {count} fed: {report.Outcomes.FirstOrDefault(o => !o.Fed)?.Message}");
                    return 1;
                }
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count,3} containers: token change to the last one fed  median {times[Rounds / 2],7:0.0} ms  min {times[0],7:0.0} ms  max {times[^1],7:0.0} ms  ({Rounds} rounds, {options.Value.FeedParallelism} at a time)"));
        }

        await RemoveAsync(engine);
        return 0;
    }

    private static async Task RemoveAsync(DockerEngine engine)
    {
        foreach (var container in await engine.ListContainersAsync(includeStopped: true, CancellationToken.None))
        {
            if (container.Name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                await engine.RemoveContainerAsync(container.Id, CancellationToken.None);
            }
        }
    }

    /// <summary>A new access token at every ask, as after each refresh; fake strings, nothing leaves the machine.</summary>
    private sealed class ChangingCredentials : ICredentialSource
    {
        private int _serial;

        public Task<string?> CurrentFingerprintAsync(string account, CancellationToken cancellationToken) =>
            Task.FromResult<string?>($"sha256:bench{Volatile.Read(ref _serial):D7}");

        public Task<string?> FindAccountNameAsync(string account, CancellationToken cancellationToken) => Task.FromResult<string?>(account);

        public Task<CredentialsExport> GetAsync(string account, CancellationToken cancellationToken)
        {
            var serial = Interlocked.Increment(ref _serial);
            var expiresAt = DateTimeOffset.UtcNow.AddHours(8);
            return Task.FromResult(new CredentialsExport(
                account,
                expiresAt,
                $"sha256:bench{serial:D7}",
                new ClaudeCredentialsFile(new ClaudeAiOauth($"bench-access-{serial}", "", expiresAt.ToUnixTimeMilliseconds(), ["user:inference"], "max")),
                new ClaudeAccountDetails(new ClaudeOAuthAccount($"uuid-{account}", null, null)),
                expiresAt.AddMinutes(-30)));
        }
    }
}
