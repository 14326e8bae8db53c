using Para.Tui.ViewModels;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary>
/// A tab holding one live table and a footer line. The table's source is rebuilt when rows,
/// filter or sort change (keeping the selected row and scroll position); cells are computed when
/// drawn, so countdowns move on a redraw without a rebuild.
/// </summary>
internal class TableTab<T> : View, ICommandTab
    where T : class
{
    private IReadOnlyList<T> _visible = [];
    private int _shownVersion = -1;

    public TableTab(string title, TableState<T> state, IConsoleHost host, ConsolePalette palette, Dim? tableHeight = null)
    {
        Title = title;
        Host = host;
        Now = () => host.Model.Now;
        State = state;
        Palette = palette;
        CanFocus = true;
        Width = Dim.Fill();
        Height = Dim.Fill();
        Table = new TableView
        {
            Width = Dim.Fill(),
            Height = tableHeight ?? Dim.Fill(1),
            FullRowSelect = true,
        };
        Table.Style.AlwaysShowHeaders = true;
        Table.Style.ExpandLastColumn = true;
        Table.Style.ShowHorizontalBottomLine = false;
        Footer = new DataLabel { X = 0, Y = Pos.Bottom(Table), Width = Dim.Fill(), Height = 1, Text = "" };
        Add(Table, Footer);
    }

    public TableState<T> State { get; }

    /// <summary><c>/</c> and <c>s</c>, then whatever the tab adds (<see cref="OwnCommands"/>).</summary>
    public IReadOnlyList<ConsoleCommand> Commands => field ??=
    [
        .. OwnCommands(),
        new("/", "Filter", "filter the current table", [new Key('/')], _ => Host.Open(new FilterDialog(State.Title, State.Filter, text =>
        {
            State.Filter = text;
            Rebuild();
        })))
        { InStatusBar = true },
        new("s", "Sort", "sort by the column at the cursor (again: reverse)", [new Key('s')], _ =>
        {
            State.SortBy(SelectedColumn);
            Rebuild();
            Host.Report(State.SortDescription);
        }),
    ];

    protected IConsoleHost Host { get; }

    public TableView Table { get; }

    public DataLabel Footer { get; }

    protected Func<DateTimeOffset> Now { get; }

    protected ConsolePalette Palette { get; }

    public IReadOnlyList<T> VisibleRows => _visible;

    /// <summary>The row under the cursor, or null when the table is empty.</summary>
    public T? Selected => Table.Value?.SelectedCell.Y is { } row && row >= 0 && row < _visible.Count ? _visible[row] : null;

    /// <summary>The column under the cursor (← and → move it); <c>s</c> sorts by it.</summary>
    public int SelectedColumn => Math.Clamp(Table.Value?.SelectedCell.X ?? 0, 0, State.Columns.Count - 1);

    /// <summary>Rebuilds the source when the rows, filter or sort changed since the last time.</summary>
    public void Refresh()
    {
        if (State.Version != _shownVersion)
        {
            Rebuild();
        }
    }

    public void Rebuild()
    {
        _shownVersion = State.Version;
        var selectedKey = Selected is { } selected ? State.KeyOf(selected) : null;
        var selectedColumn = SelectedColumn;
        var rowOffset = Table.RowOffset;
        _visible = State.Visible(Now());

        var columns = new Dictionary<string, Func<T, object>>(StringComparer.Ordinal);
        for (var i = 0; i < State.Columns.Count; i++)
        {
            var column = State.Columns[i];
            columns[State.HeaderOf(i)] = row => column.Text(row, Now());
        }

        Table.Table = new EnumerableTableSource<T>(_visible, columns);
        for (var i = 0; i < State.Columns.Count; i++)
        {
            var index = i;
            if (Palette.UseColor && HasColouredColumn(index))
            {
                Table.Style.GetOrCreateColumnStyle(index).ColorGetter = args =>
                    args.RowIndex >= 0 && args.RowIndex < _visible.Count ? CellScheme(index, _visible[args.RowIndex]) : null;
            }
        }

        var restored = selectedKey is null ? 0 : FindRow(selectedKey);
        Table.RowOffset = Math.Min(rowOffset, Math.Max(0, _visible.Count - 1));
        if (_visible.Count > 0)
        {
            Table.SetSelection(selectedColumn, Math.Max(0, restored), false);
        }

        Footer.Text = State.Footer(Now());
        SetNeedsDraw();
    }

    /// <summary>The clock moved: redraw the cells that count down, not the source.</summary>
    public void Tick()
    {
        ConsoleWindow.SetIfChanged(Footer, State.Footer(Now()));
        if (HasCountdowns && _visible.Count > 0)
        {
            Table.SetNeedsDraw();
        }
    }

    /// <summary>The tab's own commands, before filter and sort.</summary>
    protected virtual IEnumerable<ConsoleCommand> OwnCommands() => [];

    /// <summary><c>v</c>, shared by the Images and Containers tabs: verify the selected row's credentials.</summary>
    protected ConsoleCommand VerifyCommand(VerifyTarget target, Func<T, string> nameOf) =>
        new("v", "Verify", "verify the selected image or container", [new Key('v')], _ =>
        {
            if (Selected is not { } selected)
            {
                Host.Report("Select an image (2) or a container (3) to verify.", isError: true);
                return;
            }

            Host.Report($"Verifying {nameOf(selected)}…");
            Host.Act(Host.Model.Verify(target, nameOf(selected)));
        });

    /// <summary>Whether a cell reads the clock (a countdown or an age), so the table redraws every second.</summary>
    protected virtual bool HasCountdowns => true;

    /// <summary>Which columns a subclass colours (its <see cref="CellScheme"/> answers for them).</summary>
    protected virtual bool HasColouredColumn(int column) => false;

    protected virtual Scheme? CellScheme(int column, T row) => null;

    private int FindRow(string key)
    {
        for (var i = 0; i < _visible.Count; i++)
        {
            if (string.Equals(State.KeyOf(_visible[i]), key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return 0;
    }
}
