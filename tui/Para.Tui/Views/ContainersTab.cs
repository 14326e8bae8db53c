using Para.Tui.ViewModels;
using Terminal.Gui.Drawing;

namespace Para.Tui.Views;

/// <summary>Tab 3: para containers, their state and the credentials inside them.</summary>
internal sealed class ContainersTab(TableState<ContainerRow> state, IConsoleHost host, ConsolePalette palette)
    : TableTab<ContainerRow>("3 Containers", state, host, palette)
{
    protected override IEnumerable<ConsoleCommand> OwnCommands() => [VerifyCommand(VerifyTarget.Container, container => container.Name)];

    private const int StateColumn = 2;
    private const int CredentialsColumn = 3;

    protected override bool HasColouredColumn(int column) => column is StateColumn or CredentialsColumn;

    protected override Scheme? CellScheme(int column, ContainerRow row) =>
        Palette.ForWord(column == StateColumn ? row.State : row.CredentialsAt(Now()));
}
