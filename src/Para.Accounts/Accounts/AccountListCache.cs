using Microsoft.Extensions.Options;
using Para.Accounts.Storage;
using Para.Accounts.Tokens;
using Para.Contracts.Accounts;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Para.Accounts.Accounts;

/// <summary>
/// The account list as views and as the JSON <c>GET /api/accounts</c> answers, built once and
/// reused while nothing it shows can have changed: the store's version is the same, and the clock
/// has not reached the next instant a view's status changes (a token's refresh falling due or its
/// expiry, the only parts of a view that depend on time; <see cref="TokenStatuses.Classify(AccountView, DateTimeOffset)"/>).
/// With a thousand accounts the JSON alone is most of a request's cost.
/// </summary>
internal sealed class AccountListCache(AccountStore store, RefreshSchedule schedule, IOptions<JsonOptions> json)
{
    private readonly Lock _build = new();
    private volatile AccountList? _current;

    public AccountList Current()
    {
        var now = schedule.Now;
        if (_current is { } current && current.IsCurrent(store.Version, now))
        {
            return current;
        }

        lock (_build)
        {
            if (_current is { } built && built.IsCurrent(store.Version, now))
            {
                return built;
            }

            // The version first: a write landing while the views are made leaves an older version
            // in the entry, so the next read builds again rather than keeping a stale list.
            var version = store.Version;
            var views = store.List().Select(account => AccountViews.ToView(account, schedule)).ToArray();
            var list = new AccountList(version, now, NextStatusChange(views, now), views, new CachedJson(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(views, json.Value.SerializerOptions)));
            _current = list;
            return list;
        }
    }

    private static DateTimeOffset NextStatusChange(AccountView[] views, DateTimeOffset now)
    {
        var next = DateTimeOffset.MaxValue;
        foreach (var view in views)
        {
            if (view.Token is not { } token)
            {
                continue;
            }

            if (token.RefreshDueAt > now && token.RefreshDueAt < next)
            {
                next = token.RefreshDueAt;
            }

            if (token.ExpiresAt > now && token.ExpiresAt < next)
            {
                next = token.ExpiresAt;
            }
        }

        return next;
    }
}

/// <summary>One build of the list: valid from <see cref="BuiltAt"/> until <see cref="ValidUntil"/> at <see cref="Version"/>.</summary>
internal sealed record AccountList(long Version, DateTimeOffset BuiltAt, DateTimeOffset ValidUntil, AccountView[] Views, CachedJson Body)
{
    public bool IsCurrent(long version, DateTimeOffset now) => version == Version && now >= BuiltAt && now < ValidUntil;
}
