using Para.Client;
using Para.Tui.ViewModels;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary>
/// <c>r</c> (and <c>a</c>): shows the authorize URL, sends it to the terminal's clipboard (OSC 52),
/// takes the pasted <c>code#state</c> and shows the result. The network calls run in the background.
/// The dialog spans the screen without a border and the URL fills whole rows from the first
/// column, so a mouse selection of those rows holds the URL and nothing else (browsers drop the
/// line breaks when it is pasted).
/// </summary>
internal sealed class ReauthDialog : ConsoleDialog
{
    private const int UrlRows = 6;
    private readonly ReauthViewModel _model;
    private readonly BackgroundWork _work;
    private readonly Func<string, bool> _copy;
    private readonly DataLabel _url;
    private readonly DataLabel _message;
    private readonly TextField _code;

    public ReauthDialog(ReauthViewModel model, BackgroundWork work, Func<string, bool> copyToClipboard)
        : base((model.IsNewAccount ? $"Add account {model.Account}" : $"Re-authenticate {model.Account}") + (model.Sitting is { } sitting ? $" ({sitting})" : ""), null, UrlRows + 10)
    {
        _model = model;
        _work = work;
        _copy = copyToClipboard;
        BorderStyle = LineStyle.None;
        ShadowStyle = ShadowStyles.None;
        X = 0;
        // Dialog keeps a column of margin for its shadow; one column wider puts that off screen,
        // so the URL rows reach the right edge with nothing of the console behind them.
        Width = Dim.Func(_ => (App?.Screen.Width ?? 80) + 1);
        Padding.Thickness = new Thickness(0);
        var title = new DataLabel { X = 0, Y = 0, Width = Dim.Fill(), Height = 1, Text = $"{Title}. Open this URL (the rows below, whole):" };
        _url = new DataLabel { X = 0, Y = 2, Width = Dim.Fill(), Height = UrlRows, Text = "" };
        _message = new DataLabel { X = 0, Y = Pos.Bottom(_url) + 1, Width = Dim.Fill(), Height = 2, Text = "" };
        var prompt = new DataLabel { X = 0, Y = Pos.Bottom(_message), Text = "Code:" };
        _code = new TextField { X = 6, Y = Pos.Top(prompt), Width = Dim.Fill(), Text = "" };
        Add(title, _url, _message, prompt, _code);
        _url.ViewportChanged += (_, _) => RenderUrl();
        Render();
    }

    /// <summary>The URL as shown: whole rows of the screen's width, nothing else on them.</summary>
    public IReadOnlyList<string> UrlLines { get; private set; } = [];

    /// <summary>Raised on the UI thread when the account was added or re-authenticated.</summary>
    public event EventHandler<AccountRow>? Completed;

    public ReauthViewModel Model => _model;

    public void Begin(IApplication app)
    {
        Show(app);
        _work.Run(null, async cancellationToken =>
        {
            try
            {
                var start = await _model.BeginAsync(cancellationToken).ConfigureAwait(false);
                return () =>
                {
                    _model.Started(start, _copy(start.AuthorizeUrl.AbsoluteUri));
                    Render();
                    _code.SetFocus();
                };
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                var sentence = ServiceErrors.Describe(exception);
                return () =>
                {
                    _model.Failed(sentence);
                    Render();
                };
            }
        });
    }

    public override bool HandleKey(Key key)
    {
        if (key == Key.Enter)
        {
            Submit();
            return true;
        }

        return base.HandleKey(key);
    }

    private void Submit()
    {
        if (_model.Phase != ReauthPhase.WaitingForCode)
        {
            if (_model.Phase is ReauthPhase.Done or ReauthPhase.Failed)
            {
                Close();
            }

            return;
        }

        if (_model.Expired)
        {
            _model.Rejected("This authorization expired; close and start again.");
            Render();
            return;
        }

        if (!_model.TryParse(_code.Text ?? "", out var code, out var state, out var error))
        {
            _model.Rejected(error);
            Render();
            return;
        }

        _model.Completing();
        Render();
        _work.Run(null, async cancellationToken =>
        {
            try
            {
                var account = await _model.CompleteAsync(code, state, cancellationToken).ConfigureAwait(false);
                return () =>
                {
                    _model.Completed(account);
                    Render();
                    Completed?.Invoke(this, account);
                };
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                var sentence = ServiceErrors.Describe(exception);
                return () =>
                {
                    _model.Failed(sentence);
                    Render();
                };
            }
        });
    }

    private void Render()
    {
        RenderUrl();
        _message.Text = _model.Message;
        _code.Enabled = _model.Phase == ReauthPhase.WaitingForCode;
    }

    private void RenderUrl()
    {
        var width = _url.Viewport.Width > 0 ? _url.Viewport.Width : App?.Screen.Width ?? 80;
        UrlLines = _model.Start is { } start
            ? [.. start.AuthorizeUrl.AbsoluteUri.Chunk(width).Select(chunk => new string(chunk))]
            : [_model.Phase == ReauthPhase.Failed ? "No authorization URL." : "Asking the account API for an authorization URL…"];
        ConsoleWindow.SetIfChanged(_url, string.Join('\n', UrlLines));
    }
}
