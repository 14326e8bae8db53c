using Para.Tui.ViewModels;
using Terminal.Gui.Drawing;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Para.Tui.Views;

/// <summary>
/// The console's colour code (green ok, yellow expiring, red broken, grey paused). With
/// <c>NO_COLOR</c> every method returns null and status reads from the text alone.
/// </summary>
internal sealed class ConsolePalette(bool useColor)
{
    public bool UseColor { get; } = useColor;

    public Scheme? ForAccount(AccountStatus status) => status switch
    {
        AccountStatus.Ok => Of(ColorName16.BrightGreen),
        AccountStatus.Expiring => Of(ColorName16.BrightYellow),
        AccountStatus.Paused => Of(ColorName16.DarkGray),
        _ => Of(ColorName16.BrightRed),
    };

    /// <summary>Credential and job words from the services: valid, expiring, expired, none, running, failed…</summary>
    public Scheme? ForWord(string word) => word.ToLowerInvariant() switch
    {
        "valid" or "ok" or "healthy" or "succeeded" or "running" or "up" => Of(ColorName16.BrightGreen),
        "expiring" or "degraded" or "queued" => Of(ColorName16.BrightYellow),
        "expired" or "failed" or "unhealthy" or "down" or "requires-reauth" => Of(ColorName16.BrightRed),
        "none" or "paused" or "exited" => Of(ColorName16.DarkGray),
        _ => null,
    };

    public Scheme? Error => Of(ColorName16.BrightRed);

    /// <summary>
    /// With <c>NO_COLOR</c>: one grey-on-black scheme for every view, focus in reverse video, so no
    /// hue carries meaning (Terminal.Gui alone would still draw its 16-colour theme). Null otherwise.
    /// </summary>
    public Scheme? Monochrome { get; } = useColor ? null : MonochromeScheme();

    private static Scheme MonochromeScheme()
    {
        var normal = new Attribute(ColorName16.Gray, ColorName16.Black);
        var reverse = new Attribute(ColorName16.Black, ColorName16.Gray);
        return new Scheme(normal)
        {
            Focus = reverse,
            HotFocus = reverse,
            Active = reverse,
            HotActive = reverse,
            Highlight = reverse,
            HotNormal = normal,
            Editable = normal,
            ReadOnly = normal,
            Disabled = normal,
        };
    }

    private Scheme? Of(ColorName16 foreground) =>
        UseColor ? new Scheme(new Attribute(foreground, ColorName16.Black)) : null;
}
