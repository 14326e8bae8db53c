using Para.Tui.Tests.Fakes;
using Terminal.Gui.Drawing;

namespace Para.Tui.Tests.Views;

public sealed class ColourTests
{
    [Fact]
    public void Account_status_is_colour_coded()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());

        Assert.Equal(new Color(ColorName16.BrightYellow), ForegroundOf(screen, "expiring"));
        Assert.Equal(new Color(ColorName16.BrightRed), ForegroundOf(screen, "re-auth"));
    }

    [Fact]
    public void No_color_leaves_status_in_the_row_colours()
    {
        using (var coloured = ConsoleScreen.Start(Fixtures.World()))
        {
            Assert.NotEqual(ForegroundOf(coloured, "console"), ForegroundOf(coloured, "expiring"));
        }

        using var plain = ConsoleScreen.Start(Fixtures.World(), useColor: false);

        Assert.Equal(ForegroundOf(plain, "console"), ForegroundOf(plain, "expiring"));
    }

    private static Color? ForegroundOf(ConsoleScreen screen, string word)
    {
        var lines = screen.Lines;
        var contents = screen.App.Driver!.Contents!;
        for (var row = 0; row < lines.Count; row++)
        {
            var column = lines[row].IndexOf(word, StringComparison.Ordinal);
            if (column >= 0)
            {
                return contents[row, column].Attribute?.Foreground;
            }
        }

        throw new Xunit.Sdk.XunitException($"\"{word}\" is not on the screen.");
    }
}
