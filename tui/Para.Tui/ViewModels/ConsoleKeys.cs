namespace Para.Tui.ViewModels;

/// <summary>What a key does in the console. The help dialog and the status bar both read this list.</summary>
public enum ConsoleAction
{
    Help,
    Reauthenticate,
    AddAccount,
    RefreshTokens,
    TogglePause,
    PriorityUp,
    PriorityDown,
    Delete,
    ReauthAll,
    Verify,
    Filter,
    Sort,
    Reload,
    Details,
    NextTab,
    PreviousTab,
    Quit,
}

/// <summary>A key of the console: how it is written, what it does, and whether the status bar shows it.</summary>
public sealed record ConsoleKey(string Keys, ConsoleAction Action, string Short, string Description, bool InStatusBar);

public static class ConsoleKeys
{
    public static readonly IReadOnlyList<ConsoleKey> All =
    [
        new("?", ConsoleAction.Help, "Help", "show this list of keys", true),
        new("1-5", ConsoleAction.NextTab, "Tabs", "switch to a tab (Tab / Shift+Tab cycle)", false),
        new("r", ConsoleAction.Reauthenticate, "Reauth", "re-authenticate the selected account", true),
        new("a", ConsoleAction.AddAccount, "Add", "add an account (OAuth in the browser)", true),
        new("f", ConsoleAction.RefreshTokens, "Refresh", "refresh the selected account's tokens now", true),
        new("p", ConsoleAction.TogglePause, "Pause", "pause or resume the selected account", false),
        new("+ / -", ConsoleAction.PriorityUp, "Prio", "raise or lower the selected account's priority", false),
        new("d", ConsoleAction.Delete, "Delete", "delete the selected account (asks first)", false),
        new("R", ConsoleAction.ReauthAll, "All", "reauth-all: every image and container (asks first)", true),
        new("v", ConsoleAction.Verify, "Verify", "verify the selected image or container", false),
        new("Enter", ConsoleAction.Details, "Details", "details of the selected account", false),
        new("/", ConsoleAction.Filter, "Filter", "filter the current table", true),
        new("s", ConsoleAction.Sort, "Sort", "sort by the column at the cursor (again: reverse)", false),
        new("F5", ConsoleAction.Reload, "Reload", "reload everything now", false),
        new("q", ConsoleAction.Quit, "Quit", "quit (also Ctrl+Q)", true),
    ];
}
