using Para.Tui.Tests.Fakes;
using Para.Tui.ViewModels;

namespace Para.Tui.Tests.ViewModels;

public sealed class AccountStatusRulesTests
{
    [Fact]
    public void Status_turns_from_ok_to_expiring_to_expired_as_time_passes()
    {
        var account = Fixtures.Account("work", expiresIn: TimeSpan.FromMinutes(31));

        Assert.Equal(AccountStatus.Ok, AccountStatusRules.Classify(account, Fixtures.Now));
        Assert.Equal(AccountStatus.Expiring, AccountStatusRules.Classify(account, Fixtures.Now.AddMinutes(2)));
        Assert.Equal(AccountStatus.Expired, AccountStatusRules.Classify(account, Fixtures.Now.AddMinutes(31)));
    }

    [Fact]
    public void Requires_reauth_outranks_paused_and_paused_outranks_expiry()
    {
        Assert.Equal(AccountStatus.RequiresReauth, AccountStatusRules.Classify(Fixtures.Account("a", paused: true, requiresReauth: true), Fixtures.Now));
        Assert.Equal(AccountStatus.Paused, AccountStatusRules.Classify(Fixtures.Account("b", expiresIn: TimeSpan.FromHours(-1), paused: true), Fixtures.Now));
    }
}
