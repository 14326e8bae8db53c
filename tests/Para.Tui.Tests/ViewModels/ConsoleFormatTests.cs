using Para.Tui.ViewModels;

namespace Para.Tui.Tests.ViewModels;

public sealed class ConsoleFormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(7 * 3600 + 59 * 60 + 30, "7h 59m")]
    [InlineData(245, "4m 05s")]
    [InlineData(3 * 86400 + 4 * 3600, "3d 4h")]
    [InlineData(0, "expired")]
    [InlineData(-60, "expired")]
    public void Countdown_reads_in_the_two_largest_units(int seconds, string expected) =>
        Assert.Equal(expected, ConsoleFormat.Countdown(Now.AddSeconds(seconds), Now));

    [Fact]
    public void Unknown_times_read_as_a_dash_or_never()
    {
        Assert.Equal("-", ConsoleFormat.Countdown(null, Now));
        Assert.Equal("never", ConsoleFormat.Ago(null, Now));
        Assert.Equal("5m 00s ago", ConsoleFormat.Ago(Now.AddMinutes(-5), Now));
    }

    [Theory]
    [InlineData(0.6, "██████░░░░  60%")]
    [InlineData(0, "░░░░░░░░░░   0%")]
    [InlineData(1.5, "██████████ 100%")]
    public void Bar_fills_in_proportion(double fraction, string expected) => Assert.Equal(expected, ConsoleFormat.Bar(fraction));

    [Fact]
    public void Sparkline_scales_to_the_largest_value()
    {
        Assert.Equal(" ▁█", ConsoleFormat.Sparkline([0, 1, 8]));
        Assert.Equal("██", ConsoleFormat.Sparkline([3, 3]));
        Assert.Equal("", ConsoleFormat.Sparkline([]));
    }
}
