using Para.Tui.ViewModels;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary>
/// The console: a header with each service's state, five tabs, a status line and a status bar of
/// keys. The window holds the layout and the tabs, and routes a key to the first command that
/// matches: its own (<see cref="GlobalCommands"/>), then the tab on screen's. Data arrives from
/// background work started by the poll timer, the view model's event-stream loop and F5, and is
/// applied on the UI thread.
/// </summary>
internal sealed class ConsoleWindow : Window, IConsoleHost
{
    private readonly IApplication _app;
    private readonly ConsoleViewModel _model;
    private readonly CancellationTokenSource _stopping;
    private readonly ConsolePalette _palette;
    private readonly DataLabel _header;
    private readonly DataLabel _status;
    private readonly Tabs _tabs;
    private readonly List<object> _timers = [];
    private readonly View[] _tabViews;
    private readonly Func<string, bool> _sendToClipboard;

    public ConsoleWindow(IApplication app, ConsoleViewModel model, CancellationTokenSource stopping, Func<string, bool>? sendToClipboard = null)
    {
        _sendToClipboard = sendToClipboard ?? (text => TerminalClipboard.TrySend(app, text));
        _app = app;
        _model = model;
        _stopping = stopping;
        _palette = new ConsolePalette(model.Options.UseColor);
        Work = new BackgroundWork(app, stopping.Token);
        BorderStyle = LineStyle.None;
        Title = "para";

        _header = new DataLabel { X = 0, Y = 0, Width = Dim.Fill(), Height = 1 };
        Accounts = new AccountsTab(model.Accounts, this, _palette);
        Images = new ImagesTab(model.Images, this, _palette);
        Containers = new ContainersTab(model.Containers, this, _palette);
        Health = new HealthTab(model, _palette);
        Jobs = new JobsTab(model.Jobs, this, _palette);
        _tabViews = [Accounts, Images, Containers, Health, Jobs];
        GlobalCommands = BuildGlobalCommands();
        _tabs = new Tabs { X = 0, Y = 1, Width = Dim.Fill(), Height = Dim.Fill(2) };
        _tabs.Add(_tabViews);

        // The tab headers are joined from every tab's border lines (Tabs renders their line canvas
        // together). When only the tab on screen redraws, as after a countdown tick or a dialog
        // closing, the other headers' lines are missing and the joins under them vanish; so
        // whenever the tabs draw, every tab draws.
        _tabs.DrawingSubViews += (_, _) =>
        {
            foreach (var tab in _tabViews)
            {
                tab.SetNeedsDraw();
            }
        };
        _tabs.ValueChanged += (_, e) =>
        {
            if (e.NewValue is { } tab && Array.IndexOf(_tabViews, tab) is >= 0 and var index)
            {
                _model.Tab = (ConsoleTab)index;
            }
        };
        _status = new DataLabel { X = 0, Y = Pos.AnchorEnd(2), Width = Dim.Fill(), Height = 1 };
        var bar = new StatusBar(AllCommands.Where(command => command.InStatusBar).Select(ToShortcut));
        Add(_header, _tabs, _status, bar);

        if (_palette.Monochrome is { } monochrome)
        {
            SetScheme(monochrome);
            bar.SetScheme(monochrome);
            foreach (var shortcut in bar.SubViews)
            {
                shortcut.SetScheme(monochrome);
            }
        }

        app.Keyboard.KeyDown += OnKeyDown;
        RenderAll();
    }

    public BackgroundWork Work { get; }

    public ConsoleViewModel Model => _model;

    /// <summary>Commands that work on every tab.</summary>
    public IReadOnlyList<ConsoleCommand> GlobalCommands { get; }

    /// <summary>Every command once, as the help dialog and the status bar list them: the console's, then each tab's, quit last.</summary>
    public IReadOnlyList<ConsoleCommand> AllCommands =>
    [
        .. GlobalCommands.Where(command => command.Keys != "q"),
        .. _tabViews.OfType<ICommandTab>().SelectMany(tab => tab.Commands).DistinctBy(command => command.Keys),
        .. GlobalCommands.Where(command => command.Keys == "q"),
    ];

    private ICommandTab CurrentTab => (ICommandTab)_tabViews[(int)_model.Tab];

    public AccountsTab Accounts { get; }

    public ImagesTab Images { get; }

    public ContainersTab Containers { get; }

    public HealthTab Health { get; }

    public JobsTab Jobs { get; }

    /// <summary>The dialog on top, if any (tests read it).</summary>
    public ConsoleDialog? OpenDialog => _app.TopRunnableView as ConsoleDialog;

    public bool QuitRequested { get; private set; }

    /// <summary>Loads everything once, then polls, counts down, and listens to both services' event streams.</summary>
    public void Start()
    {
        ReloadAll();
        Every(_model.Options.PollInterval, Poll);
        Every(TimeSpan.FromSeconds(1), Tick);
        _ = Task.Run(() => FollowEventsAsync(_model.FollowEventsAsync));
        _ = Task.Run(() => FollowEventsAsync(_model.FollowContainerAuthEventsAsync));
    }

    /// <summary>The timer's reload: container-auth's tabs only while its stream is down (the fallback).</summary>
    private void Poll()
    {
        foreach (var (section, work) in _model.Loads())
        {
            if (!(_model.ContainerAuthEventsLive && ConsoleViewModel.ContainerAuthSections.Contains(section)))
            {
                Work.Run(section, work, () => Render(section));
            }
        }
    }

    private readonly HashSet<string> _reloadAgain = new(StringComparer.Ordinal);

    /// <summary>Reads one section now; if a read of it is under way, once more after it (an event may be newer than that read).</summary>
    private void Reload(string section)
    {
        var work = _model.Loads().First(load => load.Section == section).Work;
        if (!Work.Run(section, work, () =>
        {
            Render(section);
            if (_reloadAgain.Remove(section))
            {
                Reload(section);
            }
        }))
        {
            _reloadAgain.Add(section);
        }
    }

    private void Every(TimeSpan interval, Action action)
    {
        var timer = _app.AddTimeout(interval, () =>
        {
            action();
            return !_stopping.IsCancellationRequested;
        });
        if (timer is not null)
        {
            _timers.Add(timer);
        }
    }

    public void ShowTab(ConsoleTab tab)
    {
        _model.Tab = tab;
        _tabs.Value = _tabViews[(int)tab];
        RenderCurrent();
    }

    public void ReloadAll()
    {
        foreach (var (section, work) in _model.Loads())
        {
            Work.Run(section, work, () => Render(section));
        }
    }

    private void Tick()
    {
        RenderHeader();
        switch (_model.Tab)
        {
            case ConsoleTab.Accounts: Accounts.Tick(); break;
            case ConsoleTab.Images: Images.Tick(); break;
            case ConsoleTab.Containers: Containers.Tick(); break;
            case ConsoleTab.Health: Health.Render(); break;
            case ConsoleTab.Jobs: Jobs.Tick(); break;
        }
    }

    /// <summary>
    /// Applies what a view-model event-stream loop brings (it reconnects by itself). An account
    /// event reloads everything; a container-auth event changes its rows in place and reads again
    /// only what it could not say.
    /// </summary>
    private async Task FollowEventsAsync(Func<CancellationToken, IAsyncEnumerable<EventStreamUpdate>> follow)
    {
        try
        {
            await foreach (var update in follow(_stopping.Token).ConfigureAwait(false))
            {
                Work.Post(() =>
                {
                    update.Apply();
                    RenderHeader();
                    if (update.Event is not { } consoleEvent)
                    {
                        return;
                    }

                    Jobs.ShowLog(_model.Log, _model.EventsSeen);
                    if (consoleEvent.ContainerAuth is { } change)
                    {
                        foreach (var section in _model.ApplyContainerAuthEvent(change))
                        {
                            Reload(section);
                        }

                        Images.Refresh();
                        Containers.Refresh();
                        Jobs.Refresh();
                    }
                    else
                    {
                        ReloadAll();
                    }
                });
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Quitting.
        }
    }

    private List<ConsoleCommand> BuildGlobalCommands() =>
    [
        new("?", "Help", "show this list of keys", [new Key('?')], _ => Open(new HelpDialog(AllCommands, _model.Options.DashboardUrl, _app.Screen.Width))) { InStatusBar = true },
        new("1-5", "Tabs", "switch to a tab (Tab / Shift+Tab cycle)",
            [new Key('1'), new Key('2'), new Key('3'), new Key('4'), new Key('5'), Key.Tab, Key.Tab.WithShift], SwitchTab),
        new("a", "Add", "add an account (OAuth in the browser)", [new Key('a')],
            _ => Open(new AddAccountDialog(account => OpenOAuth(new ReauthViewModel(_model.Data, _model.Time, account.Name, account))))) { InStatusBar = true },
        new("R", "All", "reauth-all: every image and container (asks first)", [Key.R.WithShift], _ =>
            Open(new ConfirmDialog("Reauth all", "Put fresh credentials into every para image and running para container?", () =>
            {
                Act(_model.ReauthAll(includeContainers: true));
                ShowTab(ConsoleTab.Jobs);
            })))
        { InStatusBar = true },
        new("F5", "Reload", "reload everything now", [Key.F5], _ =>
        {
            Report("Reloading…");
            ReloadAll();
        }),
        // Ctrl+C too: under the AppHost a person expects it to stop everything, and the raw terminal sends it as a key.
        new("q", "Quit", "quit (also Ctrl+C, Ctrl+Q)", [Key.Q, Key.Q.WithCtrl, Key.C.WithCtrl], _ => Quit()) { InStatusBar = true },
    ];

    private void SwitchTab(Key key)
    {
        var count = _tabViews.Length;
        if (key.GetPrintableText() is { Length: 1 } digit && char.IsAsciiDigit(digit[0]))
        {
            ShowTab((ConsoleTab)(digit[0] - '1'));
        }
        else
        {
            ShowTab((ConsoleTab)(((int)_model.Tab + (key == Key.Tab.WithShift ? count - 1 : 1)) % count));
        }
    }

    private void OnKeyDown(object? sender, Key key)
    {
        if (QuitRequested || key.Handled)
        {
            return;
        }

        if (_app.TopRunnableView is ConsoleDialog dialog)
        {
            key.Handled = dialog.HandleKey(key);
            return;
        }

        if (_app.TopRunnableView != this)
        {
            return;
        }

        if (GlobalCommands.Concat(CurrentTab.Commands).FirstOrDefault(command => command.Matches(key)) is { } command)
        {
            key.Handled = true;
            command.Run(key);
        }
        else if (WhereElse(key) is { } tabs)
        {
            key.Handled = true;
            Report($"{tabs}.", isError: true);
        }
    }

    /// <summary>For a key another tab binds: which tabs it works on, such as "v works on 2 Images and 3 Containers".</summary>
    private string? WhereElse(Key key)
    {
        var tabs = _tabViews.Where(tab => ((ICommandTab)tab).Commands.Any(command => command.Matches(key))).ToList();
        var keys = tabs.SelectMany(tab => ((ICommandTab)tab).Commands).FirstOrDefault(command => command.Matches(key))?.Keys;
        return tabs.Count == 0 ? null : $"{keys} works on {string.Join(" and ", tabs.Select(tab => tab.Title))}";
    }

    public void OpenOAuth(ReauthViewModel reauth, Action? closed = null)
    {
        var dialog = new ReauthDialog(reauth, Work, _sendToClipboard);
        dialog.Completed += (_, account) =>
        {
            Report($"{account.Name} {(reauth.IsNewAccount ? "added" : "re-authenticated")}.");
            ReloadAll();
        };
        if (closed is not null)
        {
            dialog.Closed += (_, _) => closed();
        }

        ApplyPalette(dialog);
        dialog.Begin(_app);
    }

    public void Open(ConsoleDialog dialog)
    {
        ApplyPalette(dialog);
        dialog.Show(_app);
    }

    private void ApplyPalette(ConsoleDialog dialog)
    {
        if (_palette.Monochrome is { } monochrome)
        {
            dialog.SetScheme(monochrome);
        }
    }

    public void Report(string message, bool isError = false)
    {
        _model.Report(message, isError);
        RenderStatus();
    }

    /// <summary>Runs an action in the background, shows its sentence, then reloads.</summary>
    public void Act(ConsoleWork work) => Work.Run(null, work, () =>
    {
        RenderStatus();
        ReloadAll();
    });

    private void Quit()
    {
        QuitRequested = true;
        _stopping.Cancel();
        foreach (var timer in _timers)
        {
            _app.RemoveTimeout(timer);
        }

        _app.Keyboard.KeyDown -= OnKeyDown;
        _app.RequestStop(this);
    }

    // A click on a shortcut does what its key does.
    private static Shortcut ToShortcut(ConsoleCommand command) =>
        new(command.Bindings[0], command.Label, () => command.Run(command.Bindings[0]), "");

    private void Render(string section)
    {
        switch (section)
        {
            case "health": RenderHeader(); Health.Render(); break;
            case "accounts": Accounts.Refresh(); break;
            case "images": Images.Refresh(); break;
            case "containers": Containers.Refresh(); break;
            case "jobs": Jobs.Refresh(); break;
        }
    }

    private void RenderAll()
    {
        RenderHeader();
        RenderStatus();
        Accounts.Rebuild();
        Images.Rebuild();
        Containers.Rebuild();
        Health.Render();
        Jobs.Rebuild();
    }

    private void RenderCurrent()
    {
        RenderHeader();
        Tick();
    }

    // Assigning the same text still re-lays out and redraws; an idle console should not.
    private void RenderHeader() => SetIfChanged(_header, _model.HeaderFor(_app.Screen.Width));

    internal static void SetIfChanged(View view, string text)
    {
        if (!string.Equals(view.Text, text, StringComparison.Ordinal))
        {
            view.Text = text;
        }
    }

    private void RenderStatus()
    {
        SetIfChanged(_status, _model.StatusLine);
        if (_palette.UseColor)
        {
            _status.SetScheme(_model.StatusIsError ? _palette.Error : GetScheme());
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _app.Keyboard.KeyDown -= OnKeyDown;
        }

        base.Dispose(disposing);
    }
}
