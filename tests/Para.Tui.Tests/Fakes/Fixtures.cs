using Para.Contracts;
using Para.Tui.ViewModels;

namespace Para.Tui.Tests.Fakes;

/// <summary>A small, believable world for the console's tests and the README's screens.</summary>
internal static class Fixtures
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static readonly HealthSnapshot HealthyBoth = new(
        new ServiceHealth(ServiceNames.Accounts, true, "healthy", null,
            [new HealthCheckLine("self", "Healthy", null), new HealthCheckLine("authentication", "Healthy", "4 accounts, 1 requires re-auth")]),
        new ServiceHealth(ServiceNames.ContainerAuth, true, "healthy", null,
            [new HealthCheckLine("self", "Healthy", null), new HealthCheckLine("docker", "Healthy", "engine 26.1.5 (API 1.41)")]),
        new AuthRefreshNumbers(true, 12, 0, Now.AddMinutes(-3)));

    public static readonly HealthSnapshot BothDown = new(
        ServiceHealth.Unreachable(ServiceNames.Accounts, "cannot reach the service: Connection refused (127.0.0.1:1)"),
        ServiceHealth.Unreachable(ServiceNames.ContainerAuth, "cannot reach the service: Connection refused (127.0.0.1:1)"),
        null);

    /// <summary>What the account API sends for an 8-hour token: refresh due half an hour before it expires.</summary>
    public static readonly TimeSpan RefreshLead = TimeSpan.FromMinutes(30);

    public static AccountRow Account(string name, int priority = 1, TimeSpan? expiresIn = null, bool paused = false, bool requiresReauth = false, string mode = "max") =>
        new(name, mode, priority, paused, requiresReauth, Now + (expiresIn ?? TimeSpan.FromHours(7)), Now.AddDays(-12), 1_204, Now.AddMinutes(-5))
        {
            RefreshDueAt = Now + (expiresIn ?? TimeSpan.FromHours(7)) - RefreshLead,
            LastRefresh = Now.AddHours(-1),
        };

    public static IReadOnlyList<AccountRow> Accounts =>
    [
        Account("work", 1, TimeSpan.FromHours(7) + TimeSpan.FromMinutes(59)) with { Limits = new UsageLimits(0.31, Now.AddHours(3), 0.08, Now.AddDays(4)), ProviderAccepts = true },
        Account("home", 2, TimeSpan.FromMinutes(12), mode: "console"),
        Account("legacy", 3, TimeSpan.FromHours(-2), requiresReauth: true) with { LastError = "invalid_grant: refresh token revoked" },
        Account("spare", 4, TimeSpan.FromHours(5), paused: true),
    ];

    public static IReadOnlyList<ImageRow> Images =>
    [
        new("para-authenticated:latest", "work", Now.AddHours(-1), Now.AddHours(7), "valid"),
        new("para-dev-authenticated:latest", "work", Now.AddHours(-1), Now.AddMinutes(20), "expiring") { Stale = true },
        new("para-web-authenticated:latest", "home", Now.AddDays(-2), Now.AddDays(-1), "expired"),
        new("para-claude:latest", null, null, null, "none"),
    ];

    public static IReadOnlyList<ContainerRow> Containers =>
    [
        new("para-dev-1", "para-dev-authenticated:latest", "running", "valid", Now.AddHours(6))
        {
            Account = "work",
            LastFedAt = Now.AddSeconds(-12),
            FedFingerprint = "sha256:3f9a1c27b0de",
        },
        new("para-web-1", "para-web-authenticated:latest", "exited", "expired", Now.AddDays(-1)) { Account = "home" },
    ];

    public static IReadOnlyList<JobRow> Jobs =>
    [
        new("job-2", "reauth-all", "11 images", JobState.Running, 0.6, "para-web-authenticated", Now.AddMinutes(-1), null),
        new("job-1", "verify", "para-dev-1", JobState.Succeeded, 1, "check command exit 0", Now.AddMinutes(-8), Now.AddMinutes(-7)),
        new("job-0", "images build", "para-api", JobState.Failed, 0.3, "Dockerfile.custom not found", Now.AddMinutes(-20), Now.AddMinutes(-19)),
    ];

    /// <summary>What the gateway recorded for an account, oldest first: a retry after a refresh, a limit, an older models list.</summary>
    public static IReadOnlyList<RequestRow> Requests =>
    [
        new(Now.AddDays(-2), "GET", "/v1/models", 200, 41, null, null, null, false, "ci"),
        new(Now.AddMinutes(-14), "POST", "/v1/messages", 200, 1_840, "claude-sonnet-4-5", 12_034, 845, false, "laptop"),
        new(Now.AddMinutes(-9), "POST", "/v1/messages", 200, 2_310, "claude-sonnet-4-5", 3_120, 402, true, "laptop"),
        new(Now.AddMinutes(-6), "POST", "/v1/messages/count_tokens", 200, 95, "claude-haiku-4-5", 2_048, null, false, "ci"),
        new(Now.AddMinutes(-2), "POST", "/v1/messages", 429, 120, "claude-opus-4-1-20250805", null, null, false, "laptop"),
    ];

    public static FakeConsoleData World()
    {
        var data = new FakeConsoleData
        {
            Accounts = Accounts,
            Images = Images,
            Containers = Containers,
            Jobs = Jobs,
            Health = HealthyBoth,
        };
        foreach (var account in data.Accounts)
        {
            data.RequestHistory[account.Name] = Requests;
        }

        return data;
    }
}
