using System.Collections.Concurrent;
using Para.Contracts.Gateway;
using Para.Gateway.Forwarding;

namespace Para.Gateway.Limits;

/// <summary>
/// Each account's latest limits and the provider's latest verdict on its token, in memory. A verdict
/// on a token (named by its fingerprint) also goes to the account API, through <see cref="ProviderVerdictReporter"/>.
/// </summary>
internal sealed class AccountLimitsTracker(TimeProvider timeProvider, ProviderVerdictReporter verdicts)
{
    private readonly ConcurrentDictionary<string, AccountLimits> _accounts = new(StringComparer.Ordinal);

    public IReadOnlyList<AccountLimits> All => [.. _accounts.Values.OrderBy(limits => limits.AccountId, StringComparer.Ordinal)];

    public AccountLimits? Of(string accountId) => _accounts.GetValueOrDefault(accountId);

    /// <summary>From a forwarded answer's headers; <paramref name="accepted"/> when the provider took the token with <paramref name="fingerprint"/>.</summary>
    public void FromHeaders(string accountId, RateLimitHeaders headers, bool? accepted, string? fingerprint = null)
    {
        _accounts.AddOrUpdate(accountId,
            _ => new AccountLimits(accountId, headers.Status, headers.FiveHourUtilization, headers.FiveHourReset,
                headers.SevenDayUtilization, headers.SevenDayReset, timeProvider.GetUtcNow(), accepted, null),
            (_, current) => current with
            {
                Status = headers.Status ?? current.Status,
                FiveHourUtilization = headers.FiveHourUtilization ?? current.FiveHourUtilization,
                FiveHourReset = headers.FiveHourReset ?? current.FiveHourReset,
                SevenDayUtilization = headers.SevenDayUtilization ?? current.SevenDayUtilization,
                SevenDayReset = headers.SevenDayReset ?? current.SevenDayReset,
                UpdatedAt = timeProvider.GetUtcNow(),
                ProviderAccepts = accepted ?? current.ProviderAccepts,
            });
        if (accepted is { } verdict && fingerprint is not null)
        {
            verdicts.Observe(accountId, fingerprint, verdict);
        }
    }

    /// <summary>From the usage endpoint (utilization there is a percentage), which accepted the token with <paramref name="fingerprint"/>.</summary>
    public void FromUsage(string accountId, string fingerprint, double? fiveHourPercent, DateTimeOffset? fiveHourReset, double? sevenDayPercent, DateTimeOffset? sevenDayReset)
    {
        _accounts.AddOrUpdate(accountId,
            _ => new AccountLimits(accountId, null, fiveHourPercent / 100, fiveHourReset, sevenDayPercent / 100, sevenDayReset, timeProvider.GetUtcNow(), true, null),
            (_, current) => current with
            {
                FiveHourUtilization = fiveHourPercent / 100 ?? current.FiveHourUtilization,
                FiveHourReset = fiveHourReset ?? current.FiveHourReset,
                SevenDayUtilization = sevenDayPercent / 100 ?? current.SevenDayUtilization,
                SevenDayReset = sevenDayReset ?? current.SevenDayReset,
                UpdatedAt = timeProvider.GetUtcNow(),
                ProviderAccepts = true,
                LastUsageError = null,
            });
        verdicts.Observe(accountId, fingerprint, accepted: true, evenIfUnchanged: true);
    }

    /// <summary>The usage endpoint could not be read; <paramref name="accepted"/> false when it refused the token with <paramref name="fingerprint"/>.</summary>
    public void UsageFailed(string accountId, string error, bool? accepted, string? fingerprint = null)
    {
        _accounts.AddOrUpdate(accountId,
            _ => new AccountLimits(accountId, null, null, null, null, null, timeProvider.GetUtcNow(), accepted, error),
            (_, current) => current with { LastUsageError = error, ProviderAccepts = accepted ?? current.ProviderAccepts, UpdatedAt = timeProvider.GetUtcNow() });
        if (accepted is { } verdict && fingerprint is not null)
        {
            verdicts.Observe(accountId, fingerprint, verdict, evenIfUnchanged: true);
        }
    }

    /// <summary>New tokens: whatever the provider said of the old one says nothing of them.</summary>
    public void TokenChanged(string accountId)
    {
        if (_accounts.TryGetValue(accountId, out var current))
        {
            _accounts.TryUpdate(accountId, current with { ProviderAccepts = null }, current);
        }
    }
}
