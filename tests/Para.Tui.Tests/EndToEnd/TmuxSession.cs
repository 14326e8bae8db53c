using System.Diagnostics;

namespace Para.Tui.Tests.EndToEnd;

/// <summary>
/// The real <c>para</c> binary in a detached tmux session of a fixed size: keys go in with
/// <c>send-keys</c>, the screen comes back with <c>capture-pane</c>. After the program exits the
/// pane stays open and shows <c>para exited N</c>, so a test can see what it left behind.
/// </summary>
internal sealed class TmuxSession : IDisposable
{
    public const string ExitMarker = "para exited ";

    private TmuxSession(string name) => Name = name;

    public string Name { get; }

    /// <summary><c>para.dll</c> beside the tests (the project reference copies the app and its runtimeconfig).</summary>
    public static string ParaDll => Path.Combine(AppContext.BaseDirectory, "para.dll");

    public static TmuxSession StartPara(IReadOnlyDictionary<string, string> environment, int width = 80, int height = 24, params string[] arguments) =>
        StartDotnet(ParaDll, environment, width, height, arguments);

    /// <summary>Any built .NET program (<c>dotnet DLL ARGS</c>) in the pane, e.g. the AppHost.</summary>
    public static TmuxSession StartDotnet(string dll, IReadOnlyDictionary<string, string> environment, int width = 80, int height = 24, params string[] arguments)
    {
        var session = new TmuxSession($"para-e2e-{Guid.NewGuid():N}"[..20]);
        var assignments = environment.Select(pair => Quote($"{pair.Key}={pair.Value}"));
        var program = string.Join(' ', new[] { "dotnet", Quote(dll) }.Concat(arguments.Select(Quote)));
        // env -i: only what the test gives (plus what a terminal needs), so the developer's own
        // PARA_* or NO_COLOR settings cannot change the outcome.
        var dotnetRoot = Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root ? $"DOTNET_ROOT={Quote(root)} " : "";
        var command = $"env -i PATH={Quote(Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")} HOME={Quote(Path.GetTempPath())} {dotnetRoot}" +
            $"TERM=xterm-256color DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 {string.Join(' ', assignments)} {program}; " +
            $"echo; echo \"{ExitMarker}$?\"; exec sleep 600";
        Tmux("new-session", "-d", "-s", session.Name, "-x", $"{width}", "-y", $"{height}", "sh", "-c", command);
        return session;
    }

    public void SendKeys(params string[] keys) => Tmux(["send-keys", "-t", Name, .. keys]);

    /// <summary>Sends text literally (no key-name lookup), e.g. <c>?</c> or a pasted code.</summary>
    public void SendText(string text) => Tmux("send-keys", "-t", Name, "-l", text);

    public string Capture() => Tmux("capture-pane", "-p", "-t", Name);

    /// <summary>Polls the pane until it satisfies the condition; fails with the last screen when it never does.</summary>
    public string WaitFor(Func<string, bool> condition, TimeSpan timeout, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        var screen = Capture();
        while (!condition(screen))
        {
            if (stopwatch.Elapsed > timeout)
            {
                throw new Xunit.Sdk.XunitException($"Waited {timeout.TotalSeconds:0}s for {what}; the screen shows:\n{screen}");
            }

            Thread.Sleep(200);
            screen = Capture();
        }

        return screen;
    }

    public string WaitForText(string text, TimeSpan timeout) =>
        WaitFor(screen => screen.Contains(text, StringComparison.Ordinal), timeout, $"\"{text}\"");

    /// <summary>
    /// The ending every console run shares: <c>?</c> opens the help and Escape closes it, then
    /// <c>q</c> quits with exit code 0 and leaves nothing on the terminal.
    /// </summary>
    public void AssertHelpOpensThenQuitLeavesTerminalClean()
    {
        SendText("?");
        WaitForText("show this list of keys", TimeSpan.FromSeconds(10));
        SendKeys("Escape");
        WaitFor(s => !s.Contains("show this list of keys", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the help to close");

        SendText("q");
        var after = WaitForText(ExitMarker, TimeSpan.FromSeconds(20));

        Assert.Contains($"{ExitMarker}0", after, StringComparison.Ordinal);
        var leftovers = after.Replace($"{ExitMarker}0", "", StringComparison.Ordinal);
        Assert.True(string.IsNullOrWhiteSpace(leftovers), $"The terminal was left with:\n{after}");
    }

    public void Dispose()
    {
        try
        {
            Tmux("kill-session", "-t", Name);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string Quote(string value) => $"'{value.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    private static string Tmux(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("tmux did not start.");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {arguments[0]} failed: {error.Trim()}");
        }

        return output;
    }
}
