using System.Collections.ObjectModel;
using Para.Tui.ViewModels;
using Terminal.Gui.Drawing;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary>Tab 5: jobs with progress bars on top, the services' events as a scrolling log below.</summary>
internal sealed class JobsTab : TableTab<JobRow>
{
    private const int StateColumn = 2;
    private readonly ObservableCollection<string> _lines = [];
    private long _shownTotal;

    public JobsTab(TableState<JobRow> state, IConsoleHost host, ConsolePalette palette)
        : base("5 Jobs & log", state, host, palette, Dim.Percent(45))
    {
        var title = new DataLabel { X = 0, Y = Pos.Bottom(Footer), Width = Dim.Fill(), Text = "Events" };
        LogView = new ListView { X = 0, Y = Pos.Bottom(title), Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = true };
        LogView.SetSource(_lines);
        Add(title, LogView);
    }

    public ListView LogView { get; }

    /// <summary>Adds the events not shown yet and keeps the newest in view (the log scrolls).</summary>
    public void ShowLog(IReadOnlyList<ConsoleEvent> log, long total)
    {
        var fresh = (int)Math.Min(total - _shownTotal, log.Count);
        foreach (var entry in log.Skip(log.Count - fresh))
        {
            _lines.Add($"{ConsoleFormat.Clock(entry.At)} {entry.Source,-14} {entry.Kind,-15} {entry.Subject}{(entry.Detail is null ? "" : $" — {entry.Detail}")}");
        }

        while (_lines.Count > ConsoleViewModel.LogCapacity)
        {
            _lines.RemoveAt(0);
        }

        _shownTotal = total;
        if (fresh > 0)
        {
            LogView.SelectedItem = _lines.Count - 1;
            LogView.EnsureSelectedItemVisible();
        }
    }

    protected override bool HasCountdowns => false;

    protected override bool HasColouredColumn(int column) => column == StateColumn;

    protected override Scheme? CellScheme(int column, JobRow row) => Palette.ForWord(row.State.ToString());
}
