using Para.Contracts.Accounts;

namespace Para.Tui.ViewModels;

public enum ReauthPhase
{
    Starting,
    WaitingForCode,
    Completing,
    Done,
    Failed,
}

/// <summary>
/// One OAuth round in the console: begin (add or re-authenticate), show the URL, take the pasted
/// <c>code#state</c> (or a bare code), complete, show the result. The async members only call the
/// data seam and may run on any thread; the other members change state on the UI thread.
/// </summary>
public sealed class ReauthViewModel(IParaConsoleData data, TimeProvider time, string account, NewAccount? newAccount = null)
{
    public string Account { get; } = account;

    public bool IsNewAccount => newAccount is not null;

    /// <summary>Where this round is in a sitting of several (<c>2 of 3</c>); null for a single round.</summary>
    public string? Sitting { get; init; }

    /// <summary>Whether the start or a completion failed in this round (a later paste may still succeed).</summary>
    public bool HasFailed { get; private set; }

    public ReauthPhase Phase { get; private set; } = ReauthPhase.Starting;

    public OAuthStart? Start { get; private set; }

    /// <summary>What the dialog says under the URL: the next step, the error, or the result.</summary>
    public string Message { get; private set; } = "Starting…";

    public Task<OAuthStart> BeginAsync(CancellationToken cancellationToken) => newAccount is { } add
        ? data.BeginAddAccountAsync(add.Name, add.Mode, add.Priority, cancellationToken)
        : data.BeginReauthAsync(Account, cancellationToken);

    /// <param name="start">The round the account API began.</param>
    /// <param name="sentToTerminalClipboard">Whether the URL was sent to the terminal's clipboard (OSC 52); the terminal may ignore it.</param>
    public void Started(OAuthStart start, bool sentToTerminalClipboard)
    {
        Start = start;
        Phase = ReauthPhase.WaitingForCode;
        Message = (sentToTerminalClipboard ? "URL sent to the terminal clipboard (OSC 52). " : "") +
            "Open it, sign in, then paste the code (code#state) below and press Enter." +
            (Sitting is null ? "" : " Esc skips this account.");
    }

    /// <summary>Splits what the provider's page shows; a bare code takes this round's state.</summary>
    public bool TryParse(string pasted, out string code, out string state, out string error)
    {
        code = state = error = "";
        var text = pasted.Trim();
        if (Start is null)
        {
            error = "The authorization has not started yet.";
            return false;
        }

        if (text.Length == 0)
        {
            error = "Paste the code the provider's page shows.";
            return false;
        }

        var pastedCode = PastedCode.Parse(text);
        code = pastedCode.Code;
        state = pastedCode.State ?? Start.State;
        if (code.Length == 0)
        {
            error = "The pasted text has no code before '#'.";
            return false;
        }

        if (!string.Equals(state, Start.State, StringComparison.Ordinal))
        {
            error = "That code belongs to a different authorization; start again with the URL above.";
            return false;
        }

        return true;
    }

    /// <summary>The pasted text was not usable; the round goes on.</summary>
    public void Rejected(string error) => Message = error;

    public void Completing()
    {
        Phase = ReauthPhase.Completing;
        Message = "Exchanging the code…";
    }

    public Task<AccountRow> CompleteAsync(string code, string state, CancellationToken cancellationToken) =>
        data.CompleteOAuthAsync(Account, state, code, cancellationToken);

    public void Completed(AccountRow account)
    {
        Phase = ReauthPhase.Done;
        var expires = ConsoleFormat.Countdown(account.AccessTokenExpiresAt, time.GetUtcNow());
        Message = $"{account.Name} {(IsNewAccount ? "added" : "re-authenticated")}; the access token expires in {expires}. Press {(Sitting is null ? "Esc to close" : "Enter for the next account")}.";
    }

    /// <summary>A failure while waiting for a code lets the user paste again; a failed start ends the round.</summary>
    public void Failed(string sentence)
    {
        HasFailed = true;
        Phase = Start is null ? ReauthPhase.Failed : ReauthPhase.WaitingForCode;
        Message = Start is null ? $"Could not start: {sentence}" : $"{sentence.TrimEnd('.')}. Paste again or press Esc.";
    }

    public bool Expired => Start is { } start && time.GetUtcNow() >= start.ExpiresAt;
}

/// <summary>What the add-account dialog asks for before the OAuth round.</summary>
public sealed record NewAccount(string Name, string Mode, int Priority);
