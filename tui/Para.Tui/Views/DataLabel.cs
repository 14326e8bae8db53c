using System.Text;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary>
/// A label for text that comes from the services (URLs, error codes, names): no hot key, so an
/// underscore as in <c>client_id</c> or <c>invalid_grant</c> is shown, not taken as a hot-key marker.
/// </summary>
internal sealed class DataLabel : Label
{
    public DataLabel()
    {
        HotKeySpecifier = new Rune(0xFFFF);
    }
}
