using Microsoft.Extensions.Options;
using Para.Accounts.AuthRefresh;
using Para.Accounts.Tokens;

namespace Para.Accounts.Tests.AuthRefresh;

public sealed class AuthRefreshOptionsTests
{
    [Fact]
    public void The_per_account_defaults_are_the_seeds_single_account_numbers()
    {
        var tokens = new TokenManagerOptions();

        Assert.Equal(TimeSpan.FromSeconds(30), tokens.RefreshCooldown);
        Assert.Equal(3, tokens.MaxConsecutiveFailures);
        Assert.Equal(TimeSpan.FromMinutes(5), tokens.RefreshTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), tokens.MinimumValidity);
        Assert.Equal(TimeSpan.FromMinutes(10), tokens.MaxFailureBackoff);
        Assert.Equal(
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".claude", ".credentials.json"),
            new AuthRefreshOptions().CredentialsFilePath);
    }

    [Fact]
    public void Invalid_values_are_named_in_the_failures()
    {
        var result = new TokenManagerOptionsValidator().Validate(null, new TokenManagerOptions
        {
            MaxConsecutiveFailures = 0,
            RefreshTimeout = TimeSpan.Zero,
            ShortLifetimeRefreshFraction = 1.5,
            MinimumValidity = TimeSpan.FromHours(1),
        });

        Assert.True(result.Failed);
        Assert.Contains("Para:Tokens:MaxConsecutiveFailures must be at least 1.", result.Failures!);
        Assert.Contains("Para:Tokens:RefreshTimeout must be positive.", result.Failures!);
        Assert.Contains("Para:Tokens:ShortLifetimeRefreshFraction must be between 0 and 1.", result.Failures!);
        Assert.Contains("Para:Tokens:MinimumValidity must be positive and shorter than SafetyWindow.", result.Failures!);
    }

    [Fact]
    public void The_failure_back_off_grows_with_jitter_and_stops_at_its_cap()
    {
        var options = Options.Create(new TokenManagerOptions());
        var schedule = new RefreshSchedule(options, TimeProvider.System);
        var failedAt = DateTimeOffset.UnixEpoch;

        for (var run = 0; run < 50; run++)
        {
            Assert.InRange((schedule.NextAttemptAfter(1, failedAt) - failedAt).TotalSeconds, 30, 36);
            Assert.InRange((schedule.NextAttemptAfter(2, failedAt) - failedAt).TotalSeconds, 48, 72);
            Assert.InRange((schedule.NextAttemptAfter(4, failedAt) - failedAt).TotalSeconds, 192, 288);
            Assert.Equal(TimeSpan.FromMinutes(10), schedule.NextAttemptAfter(9, failedAt) - failedAt);
        }

        // Jitter: many accounts failing together do not all come back in the same second.
        var spread = Enumerable.Range(0, 50).Select(_ => schedule.NextAttemptAfter(3, failedAt)).Distinct().Count();
        Assert.True(spread > 10, $"only {spread} distinct retry times");
    }

    [Theory]
    [InlineData(8 * 60, 30)]
    [InlineData(60, 15)]
    [InlineData(2, 0.5)]
    public void A_token_is_due_the_window_before_expiry_or_a_quarter_of_a_shorter_lifetime(double lifetimeMinutes, double leadMinutes)
    {
        var schedule = new RefreshSchedule(Options.Create(new TokenManagerOptions()), TimeProvider.System);
        var issued = DateTimeOffset.UnixEpoch.AddYears(56);
        var tokens = new Para.Accounts.Storage.OAuthTokens
        {
            IssuedAtMs = issued.ToUnixTimeMilliseconds(),
            ExpiresAtMs = issued.AddMinutes(lifetimeMinutes).ToUnixTimeMilliseconds(),
        };

        Assert.Equal(TimeSpan.FromMinutes(leadMinutes), schedule.LeadTime(tokens));
        Assert.True(schedule.MinimumValidity(tokens) < schedule.LeadTime(tokens));
    }
}
