using Para.Tui.ViewModels;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;

namespace Para.Tui.Views;

/// <summary>Tab 2: para images, who authenticated them and when their credentials expire.</summary>
internal sealed class ImagesTab(TableState<ImageRow> state, IConsoleHost host, ConsolePalette palette)
    : TableTab<ImageRow>("2 Images", state, host, palette)
{
    protected override IEnumerable<ConsoleCommand> OwnCommands() =>
    [
        new("v", "Verify", "verify the selected image or container", [new Key('v')], _ =>
        {
            if (Selected is not { } selected)
            {
                Host.Report("Select an image (2) or a container (3) to verify.", isError: true);
                return;
            }

            Host.Report($"Verifying {selected.Name}…");
            Host.Act(Host.Model.Verify(VerifyTarget.Image, selected.Name));
        }),
    ];

    private const int StatusColumn = 4;

    protected override bool HasColouredColumn(int column) => column == StatusColumn;

    protected override Scheme? CellScheme(int column, ImageRow row) => Palette.ForWord(row.Status);
}
