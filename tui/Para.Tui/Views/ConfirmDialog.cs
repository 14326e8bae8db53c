using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary>A yes/no question before something that cannot be undone; y or Enter confirms, n or Esc cancels.</summary>
internal sealed class ConfirmDialog : ConsoleDialog
{
    private readonly Action _onYes;

    public ConfirmDialog(string title, string question, Action onYes)
        : base(title, 60, 8)
    {
        _onYes = onYes;
        Add(new DataLabel { X = 1, Y = 0, Width = Dim.Fill(1), Height = Dim.Auto(), Text = question });
        AddDialogButton("_Yes", Confirm);
        AddDialogButton("_No", Close, isDefault: true);
    }

    public override bool HandleKey(Key key)
    {
        switch (key.GetPrintableText())
        {
            case "y" or "Y":
                Confirm();
                return true;
            case "n" or "N":
                Close();
                return true;
        }

        if (key == Key.Enter)
        {
            Confirm();
            return true;
        }

        return base.HandleKey(key);
    }

    private void Confirm()
    {
        Close();
        _onYes();
    }
}
