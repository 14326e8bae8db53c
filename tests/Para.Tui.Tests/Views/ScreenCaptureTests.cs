using Para.Tui.Tests.Fakes;
using Terminal.Gui.Input;

namespace Para.Tui.Tests.Views;

/// <summary>
/// Renders each tab at 80×24 against the fixtures. With <c>PARA_SCREENS_DIR</c> set, the captures are
/// written there (docs/screens holds the README's copies).
/// </summary>
public sealed class ScreenCaptureTests
{
    [Theory]
    [InlineData('1', "accounts", "legacy")]
    [InlineData('2', "images", "para-authenticated:latest")]
    [InlineData('3', "containers", "para-dev-1")]
    [InlineData('4', "health", "consecutive failures")]
    [InlineData('5', "jobs", "reauth-all")]
    [InlineData('?', "help", "re-authenticate the selected account")]
    public void Each_screen_renders_at_80_by_24(char key, string name, string expected)
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);
        data.Health = Fixtures.HealthyBoth with { Authentication = Fixtures.HealthyBoth.Authentication! with { RefreshCount = 14 } };
        screen.Advance(TimeSpan.FromSeconds(2));
        data.Health = Fixtures.HealthyBoth with { Authentication = Fixtures.HealthyBoth.Authentication! with { RefreshCount = 15, ConsecutiveFailures = 1 } };
        screen.Advance(TimeSpan.FromSeconds(2));
        data.Publish(new Para.Tui.ViewModels.ConsoleEvent(Fixtures.Now, "accounts", "refreshed", "work", "expires in 8h 00m"));
        data.Publish(new Para.Tui.ViewModels.ConsoleEvent(Fixtures.Now, "container-auth", "image-updated", "para-authenticated:latest"));
        screen.SettleUntil(() => screen.Model.EventsSeen == 2);

        screen.Press(new Key(key));

        ScreenAssert.Shows(screen, expected);
        ScreenAssert.FitsIn(screen, 80, 24);
        if (Environment.GetEnvironmentVariable("PARA_SCREENS_DIR") is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, $"{name}.txt"), string.Join('\n', screen.Lines.Select(line => line.TrimEnd())).TrimEnd() + "\n");
        }
    }
}
