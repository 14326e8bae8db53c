using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary>
/// <c>?</c>: every command of the console (<see cref="ConsoleWindow.AllCommands"/>), and the Aspire
/// dashboard's URL when one is configured, whole on its own line(s) with nothing beside it.
/// </summary>
internal sealed class HelpDialog : ConsoleDialog
{
    private const int KeysWidth = 66;

    public HelpDialog(IReadOnlyList<ConsoleCommand> commands, Uri? dashboardUrl = null, int screenWidth = 80)
        : base("Keys (Esc closes)", Math.Max(KeysWidth, (dashboardUrl?.AbsoluteUri.Length ?? 0) + 2), commands.Count + 4 + DashboardRows(dashboardUrl, screenWidth))
    {
        var lines = commands.Select(command => $"{command.Keys,-7} {command.Help}").ToList();
        var keys = new DataLabel { X = 1, Y = 0, Width = Dim.Fill(1), Height = lines.Count, Text = string.Join('\n', lines) };
        Add(keys);
        if (dashboardUrl is not null)
        {
            DashboardLines = [.. dashboardUrl.AbsoluteUri.Chunk(InnerWidth(dashboardUrl, screenWidth)).Select(chunk => new string(chunk))];
            var title = new DataLabel { X = 1, Y = Pos.Bottom(keys) + 1, Text = "Dashboard (Aspire; the login URL):" };
            var url = new DataLabel { X = 0, Y = Pos.Bottom(title), Width = Dim.Fill(), Height = DashboardLines.Count, Text = string.Join('\n', DashboardLines) };
            Add(title, url);
        }
    }

    /// <summary>The dashboard URL as shown, one piece per row (tests read it).</summary>
    public IReadOnlyList<string> DashboardLines { get; } = [];

    // The URL's rows span the dialog between its borders.
    private static int InnerWidth(Uri url, int screenWidth) => Math.Max(10, Math.Min(Math.Max(KeysWidth, url.AbsoluteUri.Length + 2), screenWidth - 2) - 2);

    private static int DashboardRows(Uri? url, int screenWidth) =>
        url is null ? 0 : 2 + ((url.AbsoluteUri.Length + InnerWidth(url, screenWidth) - 1) / InnerWidth(url, screenWidth));

    public override bool HandleKey(Key key)
    {
        if (key.GetPrintableText() is "?" or "q")
        {
            Close();
            return true;
        }

        return base.HandleKey(key);
    }
}
