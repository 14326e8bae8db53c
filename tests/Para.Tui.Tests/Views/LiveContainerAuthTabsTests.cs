using Para.Contracts.Events;
using Para.Tui.Tests.Fakes;
using Terminal.Gui.Input;

namespace Para.Tui.Tests.Views;

/// <summary>The Images and Containers tabs follow container-auth's event stream; the poll is only the fallback.</summary>
public sealed class LiveContainerAuthTabsTests
{
    [Fact]
    public void Each_container_row_shows_its_account_when_it_was_last_fed_and_the_token_fingerprint()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());

        screen.Press(new Key('3'));

        ScreenAssert.Shows(screen, "Account", "Fed", "Token");
        Assert.Matches(@"para-dev-1\s*│work\s*│running\s*│valid\s*│12s ago\s*│3f9a1c27", ScreenAssert.LineWith(screen, "para-dev-1"));
        Assert.Matches(@"para-web-1\s*│home\s*│exited\s*│expired\s*│never\s*│-", ScreenAssert.LineWith(screen, "para-web-1"));
        screen.Advance(TimeSpan.FromSeconds(48));
        Assert.Contains("1m ago", ScreenAssert.LineWith(screen, "para-dev-1"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_stale_image_is_marked_on_its_row()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());

        screen.Press(new Key('2'));

        Assert.Contains("expiring, stale", ScreenAssert.LineWith(screen, "para-dev-authenticated"), StringComparison.Ordinal);
        Assert.DoesNotContain("stale", ScreenAssert.LineWith(screen, "para-authenticated:latest"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_fed_event_updates_the_container_row_and_a_stale_event_the_image_row_with_no_poll_while_the_stream_is_live()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);
        data.Publish(new ContainerAuthEvent(ContainerAuthEventTypes.Connected) { Timestamp = Fixtures.Now });
        screen.SettleUntil(() => screen.Model.ContainerAuthEventsLive);
        screen.Press(new Key('3'));
        var reads = (data.CallsTo("GetContainers"), data.CallsTo("GetImages"));

        data.Publish(new ContainerAuthEvent(ContainerAuthEventTypes.ContainerFed)
        {
            Timestamp = Fixtures.Now,
            Container = "para-dev-1",
            Account = "work",
            Fingerprint = "sha256:77aa00bb11cc",
            ExpiresAt = Fixtures.Now.AddHours(8),
            ExpiringFrom = Fixtures.Now.AddHours(7.5),
            Status = "valid",
        });
        data.Publish(new ContainerAuthEvent(ContainerAuthEventTypes.ImageStale) { Image = "para-authenticated:latest", Account = "work" });
        screen.SettleUntil(() => screen.Model.Images.All.Any(image => image.Name == "para-authenticated:latest" && image.Stale));
        screen.Advance(TimeSpan.FromSeconds(5));

        Assert.Matches(@"para-dev-1\s*│work\s*│running\s*│valid\s*│5s ago\s*│77aa00bb\s*│7h 59m", ScreenAssert.LineWith(screen, "para-dev-1"));
        screen.Press(new Key('2'));
        Assert.Contains("valid, stale", ScreenAssert.LineWith(screen, "para-authenticated:latest"), StringComparison.Ordinal);
        // Two poll intervals went by: the tabs changed from the events alone.
        Assert.Equal(reads, (data.CallsTo("GetContainers"), data.CallsTo("GetImages")));
        Assert.Contains("events: live", screen.Lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void While_container_auths_stream_is_down_its_tabs_are_polled_and_the_health_tab_says_why()
    {
        var data = Fixtures.World();
        data.Failures["WatchContainerAuthEvents"] = new HttpRequestException("Connection refused (127.0.0.1:5181)");
        using var screen = ConsoleScreen.Start(data);
        screen.SettleUntil(() => screen.Model.ContainerAuthStreamError is not null);
        var before = data.CallsTo("GetContainers");

        screen.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(before + 1, data.CallsTo("GetContainers"));
        Assert.Contains("events: polling", screen.Lines[0], StringComparison.Ordinal);
        screen.Press(new Key('4'));
        ScreenAssert.Shows(screen, "container-auth events down, its tabs polled: cannot reach the service:", "Connection refused (127.0.0.1:5181)");
    }

    [Fact]
    public void An_event_for_a_container_the_tab_does_not_know_reads_the_list_again()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);
        data.Publish(new ContainerAuthEvent(ContainerAuthEventTypes.Connected) { Timestamp = Fixtures.Now });
        screen.SettleUntil(() => screen.Model.ContainerAuthEventsLive);
        var before = data.CallsTo("GetContainers");
        data.Containers = [.. Fixtures.Containers, new("para-new-1", "para-authenticated:latest", "running", "valid", Fixtures.Now.AddHours(8)) { Account = "work" }];

        data.Publish(new ContainerAuthEvent(ContainerAuthEventTypes.ContainerStarted) { Container = "para-new-1", Account = "work" });
        screen.SettleUntil(() => screen.Model.Containers.All.Any(container => container.Name == "para-new-1"));

        Assert.Equal(before + 1, data.CallsTo("GetContainers"));
        screen.Press(new Key('3'));
        ScreenAssert.Shows(screen, "para-new-1");
    }
}
