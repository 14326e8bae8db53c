using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Para.Contracts.Accounts;

namespace Para.Gateway.Accounts;

/// <summary>
/// Which account serves a request: among accounts that are not paused, not waiting for a new
/// sign-in and not resting after a limit, the session's account while its window lasts, else the
/// lowest priority number (or, with <c>least-used</c>, the one this gateway used least).
/// </summary>
internal sealed class AccountSelector(TimeProvider timeProvider, IOptionsMonitor<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _restingUntil = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _used = new(StringComparer.Ordinal);

    /// <summary>The account to try next, skipping <paramref name="tried"/>; null when none is usable.</summary>
    public Choice Choose(IReadOnlyList<AccountView> accounts, string session, IReadOnlySet<string> tried)
    {
        var now = timeProvider.GetUtcNow();
        var settings = options.CurrentValue;
        DateTimeOffset? soonestReset = null;
        var usable = new List<AccountView>(accounts.Count);
        foreach (var account in accounts)
        {
            if (account.Paused || account.RequiresReauth || !HasCredential(account))
            {
                continue;
            }

            if (_restingUntil.TryGetValue(account.Id, out var until))
            {
                if (until > now)
                {
                    soonestReset = soonestReset is { } soonest && soonest < until ? soonest : until;
                    continue;
                }

                _restingUntil.TryRemove(new KeyValuePair<string, DateTimeOffset>(account.Id, until));
            }

            if (!tried.Contains(account.Id))
            {
                usable.Add(account);
            }
        }

        if (usable.Count == 0)
        {
            return new Choice(null, soonestReset);
        }

        if (settings.SessionWindow > TimeSpan.Zero && _sessions.TryGetValue(session, out var sticky) && sticky.Since + settings.SessionWindow > now
            && usable.Find(account => account.Id == sticky.AccountId) is { } kept)
        {
            return new Choice(kept, null);
        }

        var chosen = settings.Strategy == GatewayStrategies.LeastUsed
            ? usable.OrderBy(account => _used.GetValueOrDefault(account.Id)).ThenBy(account => account.Priority).ThenBy(account => account.Name, StringComparer.OrdinalIgnoreCase).First()
            : usable.OrderBy(account => account.Priority).ThenBy(account => account.Name, StringComparer.OrdinalIgnoreCase).First();
        if (settings.SessionWindow > TimeSpan.Zero)
        {
            _sessions[session] = new Session(chosen.Id, now);
        }

        return new Choice(chosen, null);
    }

    public void Used(string accountId) => _used.AddOrUpdate(accountId, 1, static (_, count) => count + 1);

    /// <summary>The account hit a limit: no request goes to it before <paramref name="until"/>.</summary>
    public void Rest(string accountId, DateTimeOffset until) =>
        _restingUntil.AddOrUpdate(accountId, until, (_, current) => current > until ? current : until);

    public IReadOnlyDictionary<string, DateTimeOffset> Resting()
    {
        var now = timeProvider.GetUtcNow();
        return _restingUntil.Where(pair => pair.Value > now).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
    }

    /// <summary>Old sessions would otherwise pile up; called now and then.</summary>
    public void ForgetExpiredSessions()
    {
        var cutoff = timeProvider.GetUtcNow() - options.CurrentValue.SessionWindow;
        foreach (var (key, session) in _sessions)
        {
            if (session.Since <= cutoff)
            {
                _sessions.TryRemove(new KeyValuePair<string, Session>(key, session));
            }
        }
    }

    private static bool HasCredential(AccountView account) =>
        account.Mode == AccountModes.Console ? account.ApiKeyFingerprint is not null : account.Token is not null;

    private sealed record Session(string AccountId, DateTimeOffset Since);
}

/// <summary>The account to use, or none and (when every usable one rests) the soonest end of a rest.</summary>
internal sealed record Choice(AccountView? Account, DateTimeOffset? SoonestReset);
