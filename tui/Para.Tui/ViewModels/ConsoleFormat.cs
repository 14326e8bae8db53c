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

    /// <summary><c>12s ago</c>, <c>4m ago</c>, <c>3h ago</c>, <c>2d ago</c> (one unit, for narrow columns), or <c>never</c>.</summary>
    public static string AgoShort(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } when)
        {
            return "never";
        }

        var span = now - when;
        return span < TimeSpan.FromSeconds(1) ? "just now"
            : span < TimeSpan.FromMinutes(1) ? $"{(int)span.TotalSeconds}s ago"
            : span < TimeSpan.FromHours(1) ? $"{(int)span.TotalMinutes}m ago"
            : span < TimeSpan.FromDays(1) ? $"{(int)span.TotalHours}h ago"
            : $"{(int)span.TotalDays}d ago";
    }

    /// <summary>
    /// The service's credential word (valid, expiring, expired, none) moved on to <paramref name="now"/>:
    /// with no poll, a row read as valid must still turn expiring and expired on time.
    /// </summary>
    public static string CredentialWord(string word, DateTimeOffset? expiresAt, DateTimeOffset? expiringFrom, DateTimeOffset now) =>
        expiresAt is not { } end || word is not ("valid" or "expiring" or "expired") ? word
        : end <= now ? "expired"
        : expiringFrom is { } from && from <= now ? "expiring"
        : expiringFrom is null ? word
        : "valid";

    /// <summary><c>0123abcd</c>: the first 8 hex digits of a <c>sha256:</c> fingerprint, or <c>-</c>.</summary>
    public static string Fingerprint(string? fingerprint) =>
        fingerprint is null ? "-" : (fingerprint.StartsWith("sha256:", StringComparison.Ordinal) ? fingerprint[7..] : fingerprint) is var hex && hex.Length > 8 ? hex[..8] : hex;

    /// <summary>The age of something as a span, or <c>-</c>.</summary>
    /// <summary>A fraction as a whole percentage ("42%"), or a dash when unknown.</summary>
    public static string Percent(double? fraction) =>
        fraction is { } value ? string.Create(CultureInfo.InvariantCulture, $"{Math.Round(value * 100):0}%") : "-";

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
