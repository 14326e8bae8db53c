using System.Net;
using System.Net.Sockets;

namespace Para.Tui.Tests.EndToEnd;

/// <summary>The real <c>para</c> binary in tmux with no service running (the full run against both services comes with the merge).</summary>
public sealed class ConsoleWithoutServicesTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("para-e2e-").FullName;

    [Fact]
    public void Para_without_arguments_shows_both_services_down_opens_help_and_quits_cleanly()
    {
        File.WriteAllText(Path.Combine(_dataDirectory, "admin.key"), "e2e-admin-key");
        var closed = $"http://127.0.0.1:{ClosedPort()}";
        using var tmux = TmuxSession.StartPara(new Dictionary<string, string>
        {
            ["PARA_DATA_DIR"] = _dataDirectory,
            ["services__accounts__http__0"] = closed,
            ["services__container-auth__http__0"] = closed,
        });

        tmux.WaitForText("1 Accounts", TimeSpan.FromSeconds(30));
        // The standard resilience handler retries a refused connection before giving up.
        var screen = tmux.WaitFor(
            s => s.Contains("accounts ○ down", StringComparison.Ordinal) && s.Contains("container-auth ○ down", StringComparison.Ordinal),
            TimeSpan.FromSeconds(90),
            "both services down in the header");
        Assert.Contains("?  Help", screen, StringComparison.Ordinal);

        tmux.AssertHelpOpensThenQuitLeavesTerminalClean();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}
