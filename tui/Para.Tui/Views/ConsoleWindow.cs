using Para.Tui.ViewModels;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary>
/// The console: a header with each service's state, five tabs, a status line and a status bar of
/// keys. Keys are handled here (the help dialog lists them); data arrives from background work
/// started by the poll timer, the event stream and F5, and is applied on the UI thread.
/// </summary>
internal sealed class ConsoleWindow : Window
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
        Accounts = new AccountsTab(model.Accounts, () => _model.Now, _palette);
        Images = new ImagesTab(model.Images, () => _model.Now, _palette);
        Containers = new ContainersTab(model.Containers, () => _model.Now, _palette);
        Health = new HealthTab(model, _palette);
        Jobs = new JobsTab(model.Jobs, () => _model.Now, _palette);
        _tabViews = [Accounts, Images, Containers, Health, Jobs];
        _tabs = new Tabs { X = 0, Y = 1, Width = Dim.Fill(), Height = Dim.Fill(2) };
        _tabs.Add(_tabViews);
        _tabs.ValueChanged += (_, e) =>
        {
            if (e.NewValue is { } tab && Array.IndexOf(_tabViews, tab) is >= 0 and var index)
            {
                _model.Tab = (ConsoleTab)index;
            }
        };
        _status = new DataLabel { X = 0, Y = Pos.AnchorEnd(2), Width = Dim.Fill(), Height = 1 };
        var bar = new StatusBar(ConsoleKeys.All.Where(key => key.InStatusBar).Select(ToShortcut));
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

    public AccountsTab Accounts { get; }

    public ImagesTab Images { get; }

    public ContainersTab Containers { get; }

    public HealthTab Health { get; }

    public JobsTab Jobs { get; }

    /// <summary>The dialog on top, if any (tests read it).</summary>
    public ConsoleDialog? OpenDialog => _app.TopRunnableView as ConsoleDialog;

    public bool QuitRequested { get; private set; }

    /// <summary>Loads everything once, then polls, counts down, and listens to the event stream.</summary>
    public void Start()
    {
        ReloadAll();
        Every(_model.Options.PollInterval, ReloadAll);
        Every(TimeSpan.FromSeconds(1), Tick);
        _ = Task.Run(WatchEventsAsync);
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

    private async Task WatchEventsAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var live = false;
                await foreach (var consoleEvent in _model.Data.WatchEventsAsync(token).ConfigureAwait(false))
                {
                    if (!live)
                    {
                        live = true;
                        Work.Post(() =>
                        {
                            _model.EventStream(true);
                            RenderHeader();
                        });
                    }

                    Work.Post(() =>
                    {
                        _model.ApplyEvent(consoleEvent);
                        Jobs.ShowLog(_model.Log, _model.EventsSeen);
                        ReloadAll();
                    });
                }

                Work.Post(() => _model.EventStream(false, "the event stream ended; reconnecting"));
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                var sentence = ErrorSentence.Describe(exception);
                Work.Post(() =>
                {
                    _model.EventStream(false, sentence);
                    RenderHeader();
                });
            }

            try
            {
                await Task.Delay(_model.Options.ReconnectDelay, _model.Time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
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

        if (_app.TopRunnableView != this || Map(key) is not { } action)
        {
            return;
        }

        key.Handled = true;
        Do(action, key);
    }

    private ConsoleAction? Map(Key key)
    {
        if (key == Key.Q.WithCtrl)
        {
            return ConsoleAction.Quit;
        }

        if (key == Key.F5)
        {
            return ConsoleAction.Reload;
        }

        if (key == Key.Tab)
        {
            return ConsoleAction.NextTab;
        }

        if (key == Key.Tab.WithShift)
        {
            return ConsoleAction.PreviousTab;
        }

        if (key == Key.Enter)
        {
            return _model.Tab == ConsoleTab.Accounts ? ConsoleAction.Details : null;
        }

        if (key.IsCtrl || key.IsAlt)
        {
            return null;
        }

        return key.GetPrintableText() switch
        {
            "?" => ConsoleAction.Help,
            "r" => ConsoleAction.Reauthenticate,
            "a" => ConsoleAction.AddAccount,
            "f" => ConsoleAction.RefreshTokens,
            "p" => ConsoleAction.TogglePause,
            "+" => ConsoleAction.PriorityUp,
            "-" => ConsoleAction.PriorityDown,
            "d" => ConsoleAction.Delete,
            "R" => ConsoleAction.ReauthAll,
            "v" => ConsoleAction.Verify,
            "/" => ConsoleAction.Filter,
            "s" => ConsoleAction.Sort,
            "q" => ConsoleAction.Quit,
            "1" or "2" or "3" or "4" or "5" => ConsoleAction.NextTab,
            _ => null,
        };
    }

    private void Do(ConsoleAction action, Key key)
    {
        switch (action)
        {
            case ConsoleAction.Quit:
                Quit();
                break;
            case ConsoleAction.Help:
                Open(new HelpDialog(_model.Options.DashboardUrl, _app.Screen.Width));
                break;
            case ConsoleAction.Reload:
                _model.Report("Reloading…");
                RenderStatus();
                ReloadAll();
                break;
            case ConsoleAction.NextTab when key.GetPrintableText() is { Length: 1 } digit && char.IsAsciiDigit(digit[0]):
                ShowTab((ConsoleTab)(digit[0] - '1'));
                break;
            case ConsoleAction.NextTab:
                ShowTab((ConsoleTab)(((int)_model.Tab + 1) % _tabViews.Length));
                break;
            case ConsoleAction.PreviousTab:
                ShowTab((ConsoleTab)(((int)_model.Tab + _tabViews.Length - 1) % _tabViews.Length));
                break;
            case ConsoleAction.AddAccount:
                Open(new AddAccountDialog(account => OpenOAuth(new ReauthViewModel(_model.Data, _model.Time, account.Name, account))));
                break;
            case ConsoleAction.Filter:
                OpenFilter();
                break;
            case ConsoleAction.Sort:
                Sort();
                break;
            case ConsoleAction.ReauthAll:
                Open(new ConfirmDialog("Reauth all", "Put fresh credentials into every para image and running para container?", () =>
                {
                    Act(_model.ReauthAll(includeContainers: true));
                    ShowTab(ConsoleTab.Jobs);
                }));
                break;
            case ConsoleAction.Verify:
                Verify();
                break;
            default:
                OnSelectedAccount(action);
                break;
        }
    }

    private void OnSelectedAccount(ConsoleAction action)
    {
        if (_model.Tab != ConsoleTab.Accounts || Accounts.Selected is not { } account)
        {
            _model.Report(_model.Tab == ConsoleTab.Accounts ? "There is no account to act on yet." : "Select an account on the Accounts tab (1) first.", isError: true);
            RenderStatus();
            return;
        }

        switch (action)
        {
            case ConsoleAction.Reauthenticate:
                OpenOAuth(new ReauthViewModel(_model.Data, _model.Time, account.Name));
                break;
            case ConsoleAction.Details:
                Open(new AccountDetailsDialog(account, _model.Now));
                break;
            case ConsoleAction.RefreshTokens:
                _model.Report($"Refreshing {account.Name}…");
                RenderStatus();
                Act(_model.Refresh(account));
                break;
            case ConsoleAction.TogglePause:
                Act(_model.TogglePause(account));
                break;
            case ConsoleAction.PriorityUp:
                Act(_model.ChangePriority(account, +1));
                break;
            case ConsoleAction.PriorityDown:
                Act(_model.ChangePriority(account, -1));
                break;
            case ConsoleAction.Delete:
                Open(new ConfirmDialog("Delete account", $"Delete {account.Name}? Its tokens and statistics are removed for good.", () => Act(_model.Delete(account))));
                break;
        }
    }

    private void Verify()
    {
        (VerifyTarget Target, string? Name) selected = _model.Tab switch
        {
            ConsoleTab.Images => (VerifyTarget.Image, Images.Selected?.Name),
            ConsoleTab.Containers => (VerifyTarget.Container, Containers.Selected?.Name),
            _ => (VerifyTarget.Image, null),
        };
        if (selected.Name is not { } name)
        {
            _model.Report("Select an image (2) or a container (3) to verify.", isError: true);
            RenderStatus();
            return;
        }

        _model.Report($"Verifying {name}…");
        RenderStatus();
        Act(_model.Verify(selected.Target, name));
    }

    private void OpenOAuth(ReauthViewModel reauth)
    {
        var dialog = new ReauthDialog(reauth, Work, _sendToClipboard);
        dialog.Completed += (_, account) =>
        {
            _model.Report($"{account.Name} {(reauth.IsNewAccount ? "added" : "re-authenticated")}.");
            RenderStatus();
            ReloadAll();
        };
        ApplyPalette(dialog);
        dialog.Begin(_app);
    }

    private void Open(ConsoleDialog dialog)
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

    private void OpenFilter()
    {
        void FilterOf<T>(TableTab<T> tab)
            where T : class =>
            Open(new FilterDialog(tab.State.Title, tab.State.Filter, text =>
            {
                tab.State.Filter = text.Trim();
                tab.Rebuild();
            }));

        switch (_model.Tab)
        {
            case ConsoleTab.Accounts: FilterOf(Accounts); break;
            case ConsoleTab.Images: FilterOf(Images); break;
            case ConsoleTab.Containers: FilterOf(Containers); break;
            case ConsoleTab.Jobs: FilterOf(Jobs); break;
            default:
                _model.Report("The Health tab has nothing to filter.");
                RenderStatus();
                break;
        }
    }

    private void Sort()
    {
        void Cycle<T>(TableTab<T> tab)
            where T : class
        {
            tab.State.SortBy(tab.SelectedColumn);
            tab.Rebuild();
            _model.Report(tab.State.SortDescription);
        }

        switch (_model.Tab)
        {
            case ConsoleTab.Accounts: Cycle(Accounts); break;
            case ConsoleTab.Images: Cycle(Images); break;
            case ConsoleTab.Containers: Cycle(Containers); break;
            case ConsoleTab.Jobs: Cycle(Jobs); break;
            default: _model.Report("The Health tab has nothing to sort."); break;
        }

        RenderStatus();
    }

    /// <summary>Runs an action in the background, shows its sentence, then reloads.</summary>
    private void Act(ConsoleWork work) => Work.Run(null, work, () =>
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

    private Shortcut ToShortcut(ViewModels.ConsoleKey key)
    {
        var shortcutKey = key.Action switch
        {
            ConsoleAction.Help => new Key('?'),
            ConsoleAction.Quit => Key.Q,
            ConsoleAction.ReauthAll => Key.R.WithShift,
            ConsoleAction.Filter => new Key('/'),
            _ => new Key(key.Keys[0]),
        };
        // A click on a shortcut does what its key does.
        return new Shortcut(shortcutKey, key.Short, () => Do(key.Action, shortcutKey), "");
    }

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
