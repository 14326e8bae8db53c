using System.Globalization;
using Microsoft.Extensions.Configuration;
using Para.Accounts.Storage;
using Para.ServiceDefaults.Security;

namespace Para.Bench;

/// <summary>
/// Fills a fresh data folder with accounts written through <see cref="AccountStore"/>, as the
/// service would have written them: tokens of the provider's length, request history, a mix of
/// modes and states. <c>Para.Bench seed-accounts DATA_DIR COUNT</c>; prints one account's id.
/// </summary>
internal static class AccountSeeder
{
    public const string Command = "seed-accounts";

    public static int Run(string[] args)
    {
        if (args.Length != 2 || !int.TryParse(args[1], CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            Console.Error.WriteLine($"usage: Para.Bench {Command} DATA_DIR COUNT");
            return 2;
        }

        var dataDirectory = ParaDataDirectory.ResolvePath(args[0]);
        AdminKey.LoadOrCreate(dataDirectory);
        var password = DatabasePassword.Resolve(new ConfigurationBuilder().Build(), dataDirectory);
        using (var store = AccountStore.Open(dataDirectory, password))
        {
            Console.WriteLine(Seed(store, count)[count / 2]);
        }

        return 0;
    }

    /// <summary>Inserts <paramref name="count"/> accounts; returns their ids in insertion order.</summary>
    public static IReadOnlyList<string> Seed(AccountStore store, int count)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var random = new Random(1001);
        var ids = new List<string>(count);
        for (var index = 0; index < count; index++)
        {
            ids.Add(store.Insert(NewAccount(index, now, random)).Id);
        }

        return ids;
    }

    private static AccountRecord NewAccount(int index, long nowMs, Random random)
    {
        var console = index % 5 == 0;
        var issuedAt = nowMs - random.NextInt64(0, 2 * 3_600_000);
        var history = new List<RequestRecord>(AccountStore.RequestHistoryLimit);
        var requests = random.Next(0, AccountStore.RequestHistoryLimit + 1);
        for (var request = 0; request < requests; request++)
        {
            history.Add(new RequestRecord
            {
                TimestampMs = nowMs - ((requests - request) * 60_000L),
                Model = request % 3 == 0 ? "claude-opus-4-5" : "claude-sonnet-4-5",
                StatusCode = request % 17 == 0 ? 429 : 200,
            });
        }

        return new AccountRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            Name = string.Create(CultureInfo.InvariantCulture, $"account-{index:D4}"),
            Mode = console ? "console" : "max",
            Priority = index % 10,
            Paused = index % 50 == 7,
            AutoRefresh = index % 25 != 3,
            RequiresReauth = index % 97 == 5,
            CustomEndpoint = index % 40 == 11 ? "https://gateway.example.test/v1" : null,
            Tokens = new OAuthTokens
            {
                AccessToken = "sk-ant-oat01-" + Secret(random, 80),
                RefreshToken = "sk-ant-ort01-" + Secret(random, 80),
                IssuedAtMs = issuedAt,
                ExpiresAtMs = issuedAt + (8 * 3_600_000L),
                Scope = "user:inference user:profile user:sessions:claude_code user:mcp_servers user:file_upload",
                RefreshTokenIssuedAtMs = issuedAt - random.NextInt64(0, 30L * 86_400_000),
            },
            ApiKey = console ? "sk-ant-api03-" + Secret(random, 90) : null,
            ProviderAccount = new ProviderAccount
            {
                Uuid = Guid.NewGuid().ToString(),
                EmailAddress = string.Create(CultureInfo.InvariantCulture, $"user{index}@example.test"),
                OrganizationName = console ? "Example Org" : null,
            },
            Usage = new UsageRecord { RequestCount = requests, TotalRequests = requests * 12L, LastUsedMs = requests > 0 ? nowMs - 60_000 : null },
            RequestHistory = history,
            CreatedAtMs = nowMs - (index * 3_600_000L),
        };
    }

    private static string Secret(Random random, int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return string.Create(length, random, (span, source) =>
        {
            for (var index = 0; index < span.Length; index++)
            {
                span[index] = alphabet[source.Next(alphabet.Length)];
            }
        });
    }
}
