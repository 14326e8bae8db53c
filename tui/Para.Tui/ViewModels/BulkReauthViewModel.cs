namespace Para.Tui.ViewModels;

/// <summary>
/// The console's <c>para accounts reauth --all</c>: every account that requires re-authentication,
/// one OAuth round after another in one sitting, then a summary. A round closed after its sign-in
/// completed counts as signed in; one closed after a failure as failed; one closed untouched
/// (Esc) as skipped. Changes state on the UI thread only.
/// </summary>
public sealed class BulkReauthViewModel
{
    private readonly IParaConsoleData _data;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<AccountRow> _due;
    private int _next;

    public BulkReauthViewModel(IParaConsoleData data, TimeProvider time, IEnumerable<AccountRow> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        _data = data;
        _time = time;
        _due = [.. accounts.Where(account => account.RequiresReauth)];
    }

    /// <summary>The accounts of this sitting, in the order the service lists them (by priority).</summary>
    public IReadOnlyList<AccountRow> Due => _due;

    public int SignedIn { get; private set; }

    public int Skipped { get; private set; }

    public int Failed { get; private set; }

    /// <summary>The next account's round, or null when every account had its turn.</summary>
    public ReauthViewModel? Next() => _next < _due.Count
        ? new ReauthViewModel(_data, _time, _due[_next].Name) { Sitting = $"{++_next} of {_due.Count}" }
        : null;

    /// <summary>Counts a round when its dialog closes.</summary>
    public void Finished(ReauthViewModel round)
    {
        ArgumentNullException.ThrowIfNull(round);
        if (round.Phase == ReauthPhase.Done)
        {
            SignedIn++;
        }
        else if (round.HasFailed)
        {
            Failed++;
        }
        else
        {
            Skipped++;
        }
    }

    public string Summary => $"{SignedIn} signed in, {Skipped} skipped, {Failed} failed";
}
