using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary>
/// <c>/</c>: the text the current table's rows must contain. It opens with the current filter
/// selected, so typing replaces it, Enter keeps it, and Backspace then Enter clears it.
/// </summary>
internal sealed class FilterDialog : ConsoleDialog
{
    private readonly TextField _text;
    private readonly Action<string> _apply;

    public FilterDialog(string table, string current, Action<string> apply)
        : base($"Filter {table}", 50, 7)
    {
        _apply = apply;
        Add(new DataLabel { X = 1, Y = 0, Text = "Rows containing (Enter applies, empty clears):" });
        _text = new TextField { X = 1, Y = 1, Width = Dim.Fill(1), Text = current };
        Add(_text);
        _text.SelectAll();
    }

    /// <summary>What Enter would apply now (tests read it).</summary>
    public string FilterText => _text.Text ?? "";

    public override bool HandleKey(Key key)
    {
        if (key == Key.Enter)
        {
            Close();
            _apply(FilterText.Trim());
            return true;
        }

        return base.HandleKey(key);
    }
}
