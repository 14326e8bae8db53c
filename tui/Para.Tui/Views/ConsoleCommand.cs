using Para.Tui.ViewModels;
using Terminal.Gui.Input;

namespace Para.Tui.Views;

/// <summary>
/// One command of the console: the keys that run it, how the help writes them, its status-bar
/// label, its help line and what it does. The status bar, the help dialog and key routing all
/// read the same commands; a tab's own commands live in the tab (<see cref="ICommandTab"/>).
/// </summary>
/// <param name="Keys">The keys as the help writes them, such as <c>1-5</c> or <c>+ / -</c>.</param>
/// <param name="Label">The status bar's word for it.</param>
/// <param name="Help">The help dialog's line for it.</param>
/// <param name="Bindings">The keys that run it; the first is the one the status bar shows.</param>
/// <param name="Run">What it does, given the key that ran it.</param>
internal sealed record ConsoleCommand(string Keys, string Label, string Help, IReadOnlyList<Key> Bindings, Action<Key> Run)
{
    /// <summary>Whether the status bar shows it.</summary>
    public bool InStatusBar { get; init; }

    public bool Matches(Key key) => Bindings.Any(binding => Same(binding, key));

    // A printable key matches by the character it types, so 'R' is 'R' with or without the Shift
    // the terminal reports; other keys (Enter, Tab, F5, Ctrl+Q) match exactly.
    private static bool Same(Key binding, Key key) =>
        Typed(binding) is { } text
            ? !key.IsCtrl && !key.IsAlt && string.Equals(Typed(key), text, StringComparison.Ordinal)
            : key == binding;

    private static string? Typed(Key key) =>
        !key.IsCtrl && !key.IsAlt && key.GetPrintableText() is { Length: 1 } text && !char.IsControl(text[0]) && text[0] != ' ' ? text : null;
}

/// <summary>A tab with commands of its own; they run only while it is the tab on screen.</summary>
internal interface ICommandTab
{
    IReadOnlyList<ConsoleCommand> Commands { get; }
}

/// <summary>What a tab's commands need from the console around them.</summary>
internal interface IConsoleHost
{
    ConsoleViewModel Model { get; }

    /// <summary>Runs reads off the UI thread and applies their results on it (a dialog's own loads).</summary>
    BackgroundWork Work { get; }

    void Open(ConsoleDialog dialog);

    /// <summary>Opens the OAuth round's dialog; <paramref name="closed"/> runs on the UI thread when it closes.</summary>
    void OpenOAuth(ReauthViewModel reauth, Action? closed = null);

    /// <summary>Runs an action in the background, shows its sentence, then reloads.</summary>
    void Act(ConsoleWork work);

    /// <summary>Puts a sentence in the status line.</summary>
    void Report(string message, bool isError = false);
}
