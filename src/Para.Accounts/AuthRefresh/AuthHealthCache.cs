using Para.Accounts.Accounts;
using Para.Accounts.Storage;
using Para.Accounts.Tokens;
using Para.Contracts.Health;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Para.Accounts.AuthRefresh;

/// <summary>
/// <c>/health/auth</c> built once and reused while nothing in it can have changed: the store, the
/// refresh numbers and the provider's verdicts are at the same version, and the clock has not reached the next moment a
/// line changes by itself (a token falling due or expiring, a back-off ending). Its timestamp is
/// when it was built, which is what the numbers describe.
/// </summary>
internal sealed class AuthHealthCache(AccountStore store, TokenManager tokens, Gateway.ProviderVerdicts verdicts, TimeProvider timeProvider, Microsoft.Extensions.Options.IOptions<JsonOptions> json)
{
    private readonly Lock _build = new();
    private volatile Entry? _current;

    public CachedJson Current()
    {
        var now = timeProvider.GetUtcNow();
        if (_current is { } current && current.IsCurrent(store.Version, tokens.StateVersion, verdicts.Version, now))
        {
            return current.Body;
        }

        lock (_build)
        {
            if (_current is { } built && built.IsCurrent(store.Version, tokens.StateVersion, verdicts.Version, now))
            {
                return built.Body;
            }

            // Versions first: a change landing while the document is made leaves an older version here.
            var storeVersion = store.Version;
            var stateVersion = tokens.StateVersion;
            var verdictVersion = verdicts.Version;
            var document = AuthHealthDocuments.Build(tokens.GetStatuses(), now);
            var entry = new Entry(storeVersion, stateVersion, verdictVersion, now, NextChange(document, now),
                new CachedJson(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(document, json.Value.SerializerOptions)));
            _current = entry;
            return entry.Body;
        }
    }

    private static DateTimeOffset NextChange(AuthHealthDocument document, DateTimeOffset now)
    {
        var next = DateTimeOffset.MaxValue;
        foreach (var line in document.Accounts)
        {
            foreach (var at in new[] { line.RefreshDueAt, line.ExpiresAt, line.NextAttemptAt })
            {
                if (at is { } time && time > now && time < next)
                {
                    next = time;
                }
            }
        }

        return next;
    }

    private sealed record Entry(long StoreVersion, long StateVersion, long VerdictVersion, DateTimeOffset BuiltAt, DateTimeOffset ValidUntil, CachedJson Body)
    {
        public bool IsCurrent(long storeVersion, long stateVersion, long verdictVersion, DateTimeOffset now) =>
            storeVersion == StoreVersion && stateVersion == StateVersion && verdictVersion == VerdictVersion && now >= BuiltAt && now < ValidUntil;
    }
}
