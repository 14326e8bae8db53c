using Para.Tui.Tests.Fakes;
using Para.Tui.ViewModels;

namespace Para.Tui.Tests.ViewModels;

public sealed class AccountStatusRulesTests
{
    [Fact]
    public void A_fresh_8_hour_token_is_ok_until_the_refresh_time_the_service_sent_then_expiring_then_expired()
    {
        var account = Fixtures.Account("work", expiresIn: TimeSpan.FromHours(8)) with { RefreshDueAt = Fixtures.Now.AddHours(7) };

        Assert.Equal(AccountStatus.Ok, AccountStatusRules.Classify(account, Fixtures.Now));
        Assert.Equal(AccountStatus.Ok, AccountStatusRules.Classify(account, Fixtures.Now.AddHours(7).AddSeconds(-1)));
        Assert.Equal(AccountStatus.Expiring, AccountStatusRules.Classify(account, Fixtures.Now.AddHours(7)));
        Assert.Equal(AccountStatus.Expired, AccountStatusRules.Classify(account, Fixtures.Now.AddHours(8)));
    }

    [Fact]
    public void A_short_lived_token_is_not_expiring_for_its_whole_life_but_from_its_refresh_time()
    {
        // A 2-minute token that the service refreshes 30 s before expiry: no fixed window inside the console.
        var account = Fixtures.Account("short", expiresIn: TimeSpan.FromMinutes(2)) with { RefreshDueAt = Fixtures.Now.AddSeconds(90) };

        Assert.Equal(AccountStatus.Ok, AccountStatusRules.Classify(account, Fixtures.Now.AddSeconds(60)));
        Assert.Equal(AccountStatus.Expiring, AccountStatusRules.Classify(account, Fixtures.Now.AddSeconds(95)));
    }

    [Fact]
    public void Requires_reauth_outranks_paused_and_paused_outranks_expiry()
    {
        Assert.Equal(AccountStatus.RequiresReauth, AccountStatusRules.Classify(Fixtures.Account("a", paused: true, requiresReauth: true), Fixtures.Now));
        Assert.Equal(AccountStatus.Paused, AccountStatusRules.Classify(Fixtures.Account("b", expiresIn: TimeSpan.FromHours(-1), paused: true), Fixtures.Now));
    }

    [Fact]
    public void An_account_without_tokens_says_so()
    {
        var account = Fixtures.Account("new") with { AccessTokenExpiresAt = null, RefreshDueAt = null };

        Assert.Equal("no tokens", AccountStatusRules.Describe(AccountStatusRules.Classify(account, Fixtures.Now)));
    }
}
