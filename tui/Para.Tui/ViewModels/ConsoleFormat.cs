using System.Globalization;

namespace Para.Tui.ViewModels;

/// <summary>How times, countdowns and bars read in the console; short enough for 80 columns.</summary>
public static class ConsoleFormat
{
    private const string Blocks = "▁▂▃▄▅▆▇█";

    /// <summary><c>7h 59m</c>, <c>4m 05s</c>, <c>expired</c>, or <c>-</c> when unknown.</summary>
    public static string Countdown(DateTimeOffset? until, DateTimeOffset now)
    {
        if (until is not { } end)
        {
            return "-";
        }

        var left = end - now;
        return left <= TimeSpan.Zero ? "expired" : Span(left);
    }

    /// <summary><c>3d 4h</c>, <c>12m 30s</c>: the two most significant units.</summary>
    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = span.Negate();
        }

        return span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes:00}m"
            : $"{span.Minutes}m {span.Seconds:00}s";
    }

    /// <summary><c>5m ago</c>, or <c>never</c>.</summary>
    public static string Ago(DateTimeOffset? at, DateTimeOffset now) =>
        at is { } when ? (now - when < TimeSpan.FromSeconds(1) ? "just now" : $"{Span(now - when)} ago") : "never";

    /// <summary>The age of something as a span, or <c>-</c>.</summary>
    public static string Age(DateTimeOffset? since, DateTimeOffset now) => since is { } start ? Span(now - start) : "-";

    public static string Clock(DateTimeOffset at) => at.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A text progress bar: <c>██████░░░░  60%</c>.</summary>
    public static string Bar(double fraction, int width = 10)
    {
        fraction = Math.Clamp(double.IsNaN(fraction) ? 0 : fraction, 0, 1);
        var filled = (int)Math.Round(fraction * width, MidpointRounding.AwayFromZero);
        return $"{new string('█', filled)}{new string('░', width - filled)} {fraction * 100,3:0}%";
    }

    /// <summary>A sparkline of the values scaled to the largest one; zero is a blank, anything else at least the lowest block.</summary>
    public static string Sparkline(IEnumerable<long> values)
    {
        var list = values.ToList();
        var max = list.Count == 0 ? 0 : list.Max();
        return string.Concat(list.Select(value =>
            max <= 0 || value <= 0 ? ' ' : Blocks[(int)(value * (Blocks.Length - 1) / max)]));
    }
}
