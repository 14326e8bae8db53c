using System.Collections.Concurrent;
using Para.Contracts.Gateway;
using Para.Gateway.Forwarding;

namespace Para.Gateway.Limits;

/// <summary>Each account's latest limits and the provider's latest verdict on its token, in memory.</summary>
internal sealed class AccountLimitsTracker(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, AccountLimits> _accounts = new(StringComparer.Ordinal);

    public IReadOnlyList<AccountLimits> All => [.. _accounts.Values.OrderBy(limits => limits.AccountId, StringComparer.Ordinal)];

    public AccountLimits? Of(string accountId) => _accounts.GetValueOrDefault(accountId);

    /// <summary>From a forwarded answer's headers; <paramref name="accepted"/> when the provider took the token.</summary>
    public void FromHeaders(string accountId, RateLimitHeaders headers, bool? accepted) =>
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

    /// <summary>From the usage endpoint (utilization there is a percentage).</summary>
    public void FromUsage(string accountId, double? fiveHourPercent, DateTimeOffset? fiveHourReset, double? sevenDayPercent, DateTimeOffset? sevenDayReset) =>
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

    public void UsageFailed(string accountId, string error, bool? accepted) =>
        _accounts.AddOrUpdate(accountId,
            _ => new AccountLimits(accountId, null, null, null, null, null, timeProvider.GetUtcNow(), accepted, error),
            (_, current) => current with { LastUsageError = error, ProviderAccepts = accepted ?? current.ProviderAccepts, UpdatedAt = timeProvider.GetUtcNow() });

    /// <summary>New tokens: whatever the provider said of the old one says nothing of them.</summary>
    public void TokenChanged(string accountId)
    {
        if (_accounts.TryGetValue(accountId, out var current))
        {
            _accounts.TryUpdate(accountId, current with { ProviderAccepts = null }, current);
        }
    }
}
