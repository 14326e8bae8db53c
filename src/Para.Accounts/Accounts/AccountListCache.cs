using Microsoft.Extensions.Options;
using Para.Accounts.Storage;
using Para.Accounts.Tokens;
using Para.Contracts.Accounts;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Para.Accounts.Accounts;

/// <summary>
/// The account list as views and as the JSON <c>GET /api/accounts</c> answers, reused while the
/// store's version is the same and the clock has not reached the next instant a view's status
/// changes (a token's refresh falling due or its expiry, the only parts of a view that depend on
/// time; <see cref="TokenStatuses.Classify(AccountView, DateTimeOffset)"/>).
/// With a thousand accounts the JSON alone is most of a request's cost.
/// </summary>
internal sealed class AccountListCache
{
    private readonly BuiltUntilChanged<long, AccountList> _list;

    public AccountListCache(AccountStore store, RefreshSchedule schedule, IOptions<JsonOptions> json)
    {
        _list = new(() => store.Version, () => schedule.Now, now =>
        {
            var views = store.List().Select(account => AccountViews.ToView(account, schedule)).ToArray();
            var body = new CachedJson(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(views, json.Value.SerializerOptions));
            var statusChanges = views.SelectMany(view => new[] { view.Token?.RefreshDueAt, view.Token?.ExpiresAt });
            return (new AccountList(views, body), BuiltUntilChanged<long, AccountList>.NextAfter(now, statusChanges));
        });
    }

    public AccountList Current() => _list.Current();
}

/// <summary>One build of the list: the views (for pages) and the whole list's JSON.</summary>
internal sealed record AccountList(AccountView[] Views, CachedJson Body);
