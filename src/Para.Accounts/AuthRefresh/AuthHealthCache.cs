using Para.Accounts.Accounts;
using Para.Accounts.Gateway;
using Para.Accounts.Storage;
using Para.Accounts.Tokens;
using Para.Contracts.Health;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Para.Accounts.AuthRefresh;

/// <summary>
/// <c>/health/auth</c> built once and reused while nothing in it can have changed: the store, the
/// refresh numbers and the provider's verdicts are at the same version, and the clock has not
/// reached the next moment a line changes by itself (a token falling due or expiring, a back-off
/// ending). Its timestamp is when it was built, which is what the numbers describe.
/// </summary>
internal sealed class AuthHealthCache
{
    private readonly BuiltUntilChanged<(long Store, long State, long Verdicts), CachedJson> _document;

    public AuthHealthCache(AccountStore store, TokenManager tokens, ProviderVerdicts verdicts, TimeProvider timeProvider, Microsoft.Extensions.Options.IOptions<JsonOptions> json)
    {
        _document = new(() => (store.Version, tokens.StateVersion, verdicts.Version), timeProvider.GetUtcNow, now =>
        {
            var document = AuthHealthDocuments.Build(tokens.GetStatuses(), now);
            var body = new CachedJson(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(document, json.Value.SerializerOptions));
            var lineChanges = document.Accounts.SelectMany(line => new[] { line.RefreshDueAt, line.ExpiresAt, line.NextAttemptAt });
            return (body, BuiltUntilChanged<(long, long, long), CachedJson>.NextAfter(now, lineChanges));
        });
    }

    public CachedJson Current() => _document.Current();
}
