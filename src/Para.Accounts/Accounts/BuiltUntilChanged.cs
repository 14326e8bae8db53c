namespace Para.Accounts.Accounts;

/// <summary>
/// A value built once and reused while nothing it shows can have changed: its inputs are at the
/// version they were when it was built, and the clock has not reached the next moment the value
/// changes by itself (the build says when). Reads are lock-free; one build runs at a time.
/// </summary>
/// <remarks>
/// The version is read before the build: a write landing while the value is made leaves the older
/// version in the entry, so the next read builds again rather than keeping a stale value.
/// </remarks>
internal sealed class BuiltUntilChanged<TVersion, TValue>(
    Func<TVersion> readVersion,
    Func<DateTimeOffset> readClock,
    Func<DateTimeOffset, (TValue Value, DateTimeOffset ValidUntil)> build)
    where TVersion : IEquatable<TVersion>
    where TValue : class
{
    private readonly Lock _build = new();
    private volatile Entry? _current;

    public TValue Current()
    {
        var now = readClock();
        if (_current is { } current && current.IsCurrent(readVersion(), now))
        {
            return current.Value;
        }

        lock (_build)
        {
            if (_current is { } built && built.IsCurrent(readVersion(), now))
            {
                return built.Value;
            }

            var version = readVersion();
            var (value, validUntil) = build(now);
            _current = new Entry(version, now, validUntil, value);
            return value;
        }
    }

    /// <summary>The earliest of <paramref name="moments"/> after <paramref name="now"/>; never, when none is.</summary>
    public static DateTimeOffset NextAfter(DateTimeOffset now, IEnumerable<DateTimeOffset?> moments)
    {
        var next = DateTimeOffset.MaxValue;
        foreach (var moment in moments)
        {
            if (moment is { } at && at > now && at < next)
            {
                next = at;
            }
        }

        return next;
    }

    private sealed record Entry(TVersion Version, DateTimeOffset BuiltAt, DateTimeOffset ValidUntil, TValue Value)
    {
        // Before BuiltAt too: a clock set back must not serve what was built "in the future".
        public bool IsCurrent(TVersion version, DateTimeOffset now) => version.Equals(Version) && now >= BuiltAt && now < ValidUntil;
    }
}
