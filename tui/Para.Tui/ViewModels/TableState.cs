namespace Para.Tui.ViewModels;

/// <summary>A column of a console table: its header, its text at a moment, and what it sorts by.</summary>
public sealed record TableColumn<T>(string Header, Func<T, DateTimeOffset, string> Text, Func<T, DateTimeOffset, IComparable?>? SortKey = null)
{
    public IComparable? KeyOf(T row, DateTimeOffset now) => SortKey is null ? Text(row, now) : SortKey(row, now);
}

/// <summary>
/// One tab's rows with the user's filter and sort. Owned by the UI thread; the rows arrive from a
/// background load through <see cref="Replace"/>, and a failed load keeps the last rows it had.
/// </summary>
public sealed class TableState<T>(string title, IReadOnlyList<TableColumn<T>> columns, Func<T, string> key)
{
    private IReadOnlyList<T> _rows = [];

    public string Title { get; } = title;

    public IReadOnlyList<TableColumn<T>> Columns { get; } = columns;

    public IReadOnlyList<T> All => _rows;

    /// <summary>Case-insensitive text every shown row contains in some column; empty shows all.</summary>
    public string Filter
    {
        get;
        set
        {
            if (!string.Equals(field, value, StringComparison.Ordinal))
            {
                field = value;
                Version++;
            }
        }
    } = "";

    /// <summary>The column rows are sorted by, or null for the services' order.</summary>
    public int? SortColumn { get; private set; }

    /// <summary>Whether <see cref="SortColumn"/> sorts from the largest down.</summary>
    public bool SortDescending { get; private set; }

    /// <summary>Why the last load failed (one sentence), or null when it succeeded.</summary>
    public string? Error { get; private set; }

    /// <summary>False until the first load answered, so an empty table can say "loading".</summary>
    public bool Loaded { get; private set; }

    public string KeyOf(T row) => key(row);

    /// <summary>Grows whenever what the table shows changes; a reload with the same rows leaves it, so nothing redraws.</summary>
    public int Version { get; private set; }

    /// <summary>Takes the rows of a successful load.</summary>
    public void Replace(IReadOnlyList<T> rows)
    {
        if (!Loaded || Error is not null || !rows.SequenceEqual(_rows))
        {
            Version++;
        }

        _rows = rows;
        Error = null;
        Loaded = true;
    }

    /// <summary>
    /// Changes the row with <paramref name="rowKey"/> in place (an event said how); false when there
    /// is none, so the caller can read the list instead. A null result removes the row.
    /// </summary>
    public bool Update(string rowKey, Func<T, T?> change)
    {
        var index = -1;
        for (var i = 0; i < _rows.Count; i++)
        {
            if (string.Equals(key(_rows[i]), rowKey, StringComparison.Ordinal))
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            return false;
        }

        var changed = change(_rows[index]);
        var rows = _rows.ToList();
        if (changed is null)
        {
            rows.RemoveAt(index);
        }
        else if (!EqualityComparer<T>.Default.Equals(changed, rows[index]))
        {
            rows[index] = changed;
        }
        else
        {
            return true;
        }

        _rows = rows;
        Version++;
        return true;
    }

    /// <summary>Adds a row an event described in full.</summary>
    public void Add(T row)
    {
        _rows = [.. _rows, row];
        Version++;
    }

    /// <summary>Keeps the rows and records why the load failed.</summary>
    public void Fail(string error)
    {
        if (!string.Equals(error, Error, StringComparison.Ordinal))
        {
            Version++;
        }

        Error = error;
    }

    /// <summary>
    /// Sorts by <paramref name="column"/>: a new column sorts ascending, the same column again
    /// reverses, and a third time goes back to the services' order.
    /// </summary>
    public void SortBy(int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns.Count);
        (SortColumn, SortDescending) = SortColumn != column ? (column, false) : !SortDescending ? (column, true) : ((int?)null, false);
        Version++;
    }

    /// <summary>The status line's sentence for the current sort.</summary>
    public string SortDescription => SortColumn is { } sorted
        ? $"Sorted by {Columns[sorted].Header}, {(SortDescending ? "descending" : "ascending")}."
        : "Back to the services' order.";

    public string HeaderOf(int column) => SortColumn != column ? Columns[column].Header : $"{Columns[column].Header}{(SortDescending ? "▼" : "▲")}";

    public IReadOnlyList<T> Visible(DateTimeOffset now)
    {
        IEnumerable<T> rows = _rows;
        if (!string.IsNullOrWhiteSpace(Filter))
        {
            var filter = Filter.Trim();
            rows = rows.Where(row => Columns.Any(column => column.Text(row, now).Contains(filter, StringComparison.OrdinalIgnoreCase)));
        }

        if (SortColumn is { } sort)
        {
            rows = rows.OrderBy(row => Columns[sort].KeyOf(row, now), SortDescending ? NullsLast.Descending : NullsLast.Ascending);
        }

        return rows.ToList();
    }

    /// <summary>The line under a table: why it is empty, or what filter hides rows.</summary>
    public string Footer(DateTimeOffset now)
    {
        var shown = Visible(now).Count;
        var parts = new List<string>();
        if (Error is not null)
        {
            parts.Add(Error);
        }
        else if (!Loaded)
        {
            parts.Add("loading…");
        }
        else if (_rows.Count == 0)
        {
            parts.Add($"no {Title.ToLowerInvariant()} yet");
        }

        if (!string.IsNullOrWhiteSpace(Filter))
        {
            parts.Add($"filter \"{Filter.Trim()}\": {shown} of {_rows.Count}");
        }

        return string.Join(" · ", parts);
    }

    /// <summary>Empty cells last whichever way the column sorts.</summary>
    private sealed class NullsLast(bool descending) : IComparer<IComparable?>
    {
        public static readonly NullsLast Ascending = new(false);

        public static readonly NullsLast Descending = new(true);

        public int Compare(IComparable? x, IComparable? y) => (x, y) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            _ => descending ? -Values(x, y) : Values(x, y),
        };

        private static int Values(IComparable x, IComparable y) =>
            x.GetType() == y.GetType() ? x.CompareTo(y) : string.Compare(x.ToString(), y.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
