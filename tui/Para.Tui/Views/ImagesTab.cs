using Para.Tui.ViewModels;
using Terminal.Gui.Drawing;

namespace Para.Tui.Views;

/// <summary>Tab 2: para images, who authenticated them and when their credentials expire.</summary>
internal sealed class ImagesTab(TableState<ImageRow> state, IConsoleHost host, ConsolePalette palette)
    : TableTab<ImageRow>("2 Images", state, host, palette)
{
    protected override IEnumerable<ConsoleCommand> OwnCommands() => [VerifyCommand(VerifyTarget.Image, image => image.Name)];

    private const int StatusColumn = 4;

    protected override bool HasColouredColumn(int column) => column == StatusColumn;

    // A stale image is a warning whatever its expiry says: containers started from it begin old.
    protected override Scheme? CellScheme(int column, ImageRow row) =>
        row.Stale && row.StatusAt(Now()).StartsWith("valid", StringComparison.Ordinal) ? Palette.ForWord("expiring") : Palette.ForWord(ConsoleFormat.CredentialWord(row.Status, row.CredentialsExpireAt, row.ExpiringFrom, Now()));
}
