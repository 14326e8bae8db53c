using Para.Tui.ViewModels;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary>
/// <c>r</c> (and <c>a</c>): shows the authorize URL, copies it to the clipboard where there is one,
/// takes the pasted <c>code#state</c> and shows the result. The network calls run in the background.
/// </summary>
internal sealed class ReauthDialog : ConsoleDialog
{
    private const int UrlWidth = 70;

    // The label is a little narrower than the dialog: lines must fit it, or it wraps them again.
    private const int UrlLineWidth = UrlWidth - 2;
    private readonly ReauthViewModel _model;
    private readonly BackgroundWork _work;
    private readonly Func<string, bool> _copy;
    private readonly DataLabel _url;
    private readonly DataLabel _message;
    private readonly TextField _code;

    public ReauthDialog(ReauthViewModel model, BackgroundWork work, Func<string, bool> copyToClipboard)
        : base(model.IsNewAccount ? $"Add account {model.Account}" : $"Re-authenticate {model.Account}", UrlWidth + 4, 19)
    {
        _model = model;
        _work = work;
        _copy = copyToClipboard;
        _url = new DataLabel { X = 1, Y = 0, Width = Dim.Fill(1), Height = 8, Text = "" };
        _message = new DataLabel { X = 1, Y = Pos.Bottom(_url), Width = Dim.Fill(1), Height = 3, Text = "" };
        var prompt = new DataLabel { X = 1, Y = Pos.Bottom(_message), Text = "Code:" };
        _code = new TextField { X = 7, Y = Pos.Top(prompt), Width = Dim.Fill(1), Text = "" };
        Add(_url, _message, prompt, _code);
        Render();
    }

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
                var sentence = ErrorSentence.Describe(exception);
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
                var sentence = ErrorSentence.Describe(exception);
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
        _url.Text = _model.Start is { } start
            ? "Open this URL:\n" + string.Join('\n', start.AuthorizeUrl.AbsoluteUri.Chunk(UrlLineWidth).Take(7).Select(chunk => new string(chunk)))
            : _model.Phase == ReauthPhase.Failed ? "No authorization URL." : "Asking the account API for an authorization URL…";
        _message.Text = _model.Message;
        _code.Enabled = _model.Phase == ReauthPhase.WaitingForCode;
    }
}
