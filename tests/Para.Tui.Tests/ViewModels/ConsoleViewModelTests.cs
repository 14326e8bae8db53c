using System.Net.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Para.Tui.Tests.Fakes;
using Para.Tui.ViewModels;

namespace Para.Tui.Tests.ViewModels;

public sealed class ConsoleViewModelTests
{
    private static async Task LoadAllAsync(ConsoleViewModel model)
    {
        foreach (var (_, work) in model.Loads())
        {
            (await work(CancellationToken.None))();
        }
    }

    [Fact]
    public async Task Each_section_loads_on_its_own_so_one_failure_leaves_the_rest()
    {
        var data = Fixtures.World();
        data.Failures["GetImages"] = new HttpRequestException("Connection refused (127.0.0.1:5001)");
        var model = new ConsoleViewModel(data, new FakeTimeProvider(Fixtures.Now), new ConsoleOptions());

        await LoadAllAsync(model);

        Assert.Equal(4, model.Accounts.All.Count);
        Assert.Equal(2, model.Containers.All.Count);
        Assert.Empty(model.Images.All);
        Assert.Equal("cannot reach the service: Connection refused (127.0.0.1:5001)", model.Images.Error);
    }

    [Fact]
    public async Task Header_says_which_service_is_down()
    {
        var data = Fixtures.World();
        data.Health = Fixtures.BothDown with { Accounts = Fixtures.HealthyBoth.Accounts };
        var model = new ConsoleViewModel(data, new FakeTimeProvider(Fixtures.Now), new ConsoleOptions());
        Assert.Contains("accounts … ", model.Header, StringComparison.Ordinal);

        await LoadAllAsync(model);

        Assert.Contains("accounts ● up", model.Header, StringComparison.Ordinal);
        Assert.Contains("container-auth ○ down", model.Header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_history_keeps_refreshes_and_failures_per_sample()
    {
        var data = Fixtures.World();
        var model = new ConsoleViewModel(data, new FakeTimeProvider(Fixtures.Now), new ConsoleOptions());

        foreach (var (count, failures) in new[] { (10L, 0), (12L, 0), (12L, 1), (3L, 0) })
        {
            data.Health = Fixtures.HealthyBoth with { Authentication = new AuthRefreshNumbers(true, count, failures, Fixtures.Now) };
            await LoadAllAsync(model);
        }

        Assert.Equal([0L, 2, 0, 0], model.History.Refreshes);
        Assert.Equal([0L, 0, 1, 0], model.History.Failures);
    }

    [Fact]
    public void The_event_log_is_bounded_and_keeps_the_newest()
    {
        var model = new ConsoleViewModel(new FakeConsoleData(), new FakeTimeProvider(Fixtures.Now), new ConsoleOptions());

        for (var i = 0; i < ConsoleViewModel.LogCapacity + 10; i++)
        {
            model.ApplyEvent(new ConsoleEvent(Fixtures.Now, "accounts", "refreshed", $"account-{i}"));
        }

        Assert.Equal(ConsoleViewModel.LogCapacity, model.Log.Count);
        Assert.Equal($"account-{ConsoleViewModel.LogCapacity + 9}", model.Log[^1].Subject);
        Assert.Equal(ConsoleViewModel.LogCapacity + 10, model.EventsSeen);
    }

    [Fact]
    public async Task An_action_that_fails_reports_one_sentence_as_an_error()
    {
        var data = Fixtures.World();
        data.Failures["SetPriority"] = new InvalidOperationException("Priority must be 0 or more.\n   at Para.Accounts.Something()");
        var model = new ConsoleViewModel(data, new FakeTimeProvider(Fixtures.Now), new ConsoleOptions());

        (await model.ChangePriority(Fixtures.Account("work", priority: 0), -1)(CancellationToken.None))();

        Assert.Equal(1, data.CallsTo("SetPriority work 0"));
        Assert.Equal("Priority must be 0 or more.", model.StatusLine);
        Assert.True(model.StatusIsError);
    }

    [Theory]
    [InlineData("00:00:00.1")]
    [InlineData("02:00:00")]
    public void A_poll_interval_out_of_range_is_refused_at_start(string interval)
    {
        var options = new ConsoleOptions { PollInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) };

        Assert.Throws<InvalidOperationException>(options.Validate);
    }

    [Fact]
    public void Options_come_from_configuration_and_no_color()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Para:Console:PollInterval"] = "00:00:05", ["NO_COLOR"] = "1" })
            .Build();

        var options = ConsoleOptions.From(configuration);

        Assert.Equal(TimeSpan.FromSeconds(5), options.PollInterval);
        Assert.False(options.UseColor);
    }
}
