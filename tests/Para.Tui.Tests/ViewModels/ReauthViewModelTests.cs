using Microsoft.Extensions.Time.Testing;
using Para.Tui.Tests.Fakes;
using Para.Tui.ViewModels;

namespace Para.Tui.Tests.ViewModels;

public sealed class ReauthViewModelTests
{
    private static ReauthViewModel Started(FakeTimeProvider? time = null)
    {
        var data = Fixtures.World();
        var model = new ReauthViewModel(data, time ?? new FakeTimeProvider(Fixtures.Now), "work");
        model.Started(data.OAuthStart, sentToTerminalClipboard: false);
        return model;
    }

    [Theory]
    [InlineData("abc#state-123", "abc")]
    [InlineData("  abc#state-123 \n", "abc")]
    [InlineData("abc", "abc")]
    public void Accepts_code_hash_state_or_a_bare_code(string pasted, string expectedCode)
    {
        var model = Started();

        Assert.True(model.TryParse(pasted, out var code, out var state, out _));
        Assert.Equal(expectedCode, code);
        Assert.Equal("state-123", state);
    }

    [Theory]
    [InlineData("abc#other-state", "different authorization")]
    [InlineData("#state-123", "no code")]
    [InlineData("   ", "Paste the code")]
    public void Refuses_what_cannot_complete_this_round(string pasted, string because)
    {
        var model = Started();

        Assert.False(model.TryParse(pasted, out _, out _, out var error));
        Assert.Contains(because, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_round_expires_with_its_state()
    {
        var time = new FakeTimeProvider(Fixtures.Now);
        var model = Started(time);

        Assert.False(model.Expired);
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.True(model.Expired);
    }

    [Fact]
    public void Completion_reports_the_new_expiry_and_a_failure_before_start_ends_the_round()
    {
        var model = Started();
        model.Completed(Fixtures.Account("work", expiresIn: TimeSpan.FromHours(8)));
        Assert.Equal(ReauthPhase.Done, model.Phase);
        Assert.Contains("work re-authenticated; the access token expires in 8h 00m.", model.Message, StringComparison.Ordinal);

        var notStarted = new ReauthViewModel(Fixtures.World(), TimeProvider.System, "work");
        notStarted.Failed("cannot reach the service: Connection refused");
        Assert.Equal(ReauthPhase.Failed, notStarted.Phase);
    }
}
