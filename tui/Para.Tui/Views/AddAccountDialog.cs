using System.Globalization;
using Para.Tui.ViewModels;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary><c>a</c>: name, mode and priority of a new account; Enter goes on to the OAuth round.</summary>
internal sealed class AddAccountDialog : ConsoleDialog
{
    private readonly TextField _name;
    private readonly TextField _mode;
    private readonly TextField _priority;
    private readonly DataLabel _message;
    private readonly Action<NewAccount> _next;

    public AddAccountDialog(Action<NewAccount> next)
        : base("Add account", 56, 10)
    {
        _next = next;
        Add(new DataLabel { X = 1, Y = 0, Text = "Name:" }, new DataLabel { X = 1, Y = 1, Text = "Mode:" }, new DataLabel { X = 1, Y = 2, Text = "Priority:" });
        _name = new TextField { X = 12, Y = 0, Width = Dim.Fill(1) };
        _mode = new TextField { X = 12, Y = 1, Width = Dim.Fill(1), Text = "max" };
        _priority = new TextField { X = 12, Y = 2, Width = Dim.Fill(1), Text = "0" };
        _message = new DataLabel { X = 1, Y = 4, Width = Dim.Fill(1), Text = "mode is max or console; Tab moves, Enter continues." };
        Add(_name, _mode, _priority, _message);
    }

    public override bool HandleKey(Key key)
    {
        if (key != Key.Enter)
        {
            return base.HandleKey(key);
        }

        var name = (_name.Text ?? "").Trim();
        var mode = (_mode.Text ?? "").Trim().ToLowerInvariant();
        if (name.Length == 0)
        {
            _message.Text = "Give the account a name.";
        }
        else if (mode is not ("max" or "console"))
        {
            _message.Text = "Mode must be max or console.";
        }
        else if (!int.TryParse(_priority.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var priority) || priority < 0)
        {
            _message.Text = "Priority must be a whole number, 0 or more.";
        }
        else
        {
            Close();
            _next(new NewAccount(name, mode, priority));
        }

        return true;
    }
}
